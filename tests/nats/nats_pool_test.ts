// The NATS backend against a real nats-server (tests/fixtures/nats_server.ts): worker hosts are
// `polycore worker` child processes; the client is this runtime. Covers ordering, a host killed
// mid-map, a broker restart mid-map, task errors (answered once, never redelivered), maxDeliver,
// hosts of all three runtimes in one pool, and the executor.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "@nats-io/transport-node";
import { jetstreamManager } from "@nats-io/jetstream";
import { spawn } from "node:child_process";
import {
  fromModule,
  NatsJoinableQueue,
  NatsQueue,
  Pool,
  ProcessPoolExecutor,
  TaskDeliveryError,
} from "../../mod.ts";
import {
  drainedCleanly,
  type NatsServer,
  natsServerBin,
  startNatsServer,
  startWorkerHost,
  type WorkerHostProcess,
} from "../fixtures/nats_server.ts";
import { runtimeBin } from "../fixtures/server_process.ts";
import { until } from "../fixtures/sync_helpers.ts";

const tasks = fromModule<typeof import("../fixtures/nats_tasks.ts")>(
  new URL("../fixtures/nats_tasks.ts", import.meta.url),
);
const slow = { timeout: 120_000 };
const { bin, problem } = natsServerBin();
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
/** A top-level binding the tasks below use: it reaches the hosts with the module's context. */
const offset = 7;
let poolCount = 0;
const freshName = () => `t${Date.now().toString(36)}${++poolCount}`;

describe("Pool on the NATS backend", { skip: bin ? false : `no nats-server: ${problem}` }, () => {
  let server: NatsServer;
  const hosts: WorkerHostProcess[] = [];
  const temp = mkdtempSync(join(tmpdir(), "polycore-nats-test-"));
  const host = async (pool: string, runtime: "node" | "deno" | "bun" = "node", processes = 1) => {
    const started = await startWorkerHost(runtime, [
      "--servers",
      server.url,
      "--pool",
      pool,
      "--processes",
      String(processes),
    ]);
    hosts.push(started);
    return started;
  };
  const stopHosts = async () => {
    await Promise.all(hosts.splice(0).map((h) => h.stop("SIGKILL")));
  };
  /** The pool's consumer: how many tasks were redelivered, and how many wait for an ack. */
  const consumerState = async (pool: string) => {
    const nc = await connect({ servers: server.url });
    try {
      const jsm = await jetstreamManager(nc);
      const info = await jsm.consumers.info(`POLYCORE_${pool}`, "workers");
      const stream = await jsm.streams.info(`POLYCORE_${pool}`);
      return {
        redelivered: info.num_redelivered,
        ackPending: info.num_ack_pending,
        left: stream.state.messages,
      };
    } finally {
      await nc.close();
    }
  };

  before(async () => {
    server = await startNatsServer(bin!);
  });
  after(async () => {
    await stopHosts();
    await server?.dispose();
    rmSync(temp, { recursive: true, force: true });
  });

  it(
    "maps 10,000 items over 3 worker hosts, in order, with a function using its module",
    slow,
    async () => {
      const name = freshName();
      await Promise.all([host(name), host(name), host(name)]);
      await using pool = new Pool({ backend: "nats", servers: server.url, name, processes: 3 });
      const results = await pool.map((n: number) => n * 2 + offset, range(10_000), {
        chunksize: 100,
      });
      assert.deepEqual(results, range(10_000).map((n) => n * 2 + 7));
      assert.equal(await pool.apply((a: string, b: string) => a + b, ["po", "ly"]), "poly");
      assert.deepEqual(await pool.starmap((a: number, b: number) => a * b, [[2, 3], [4, 5]]), [
        6,
        20,
      ]);
      const streamed: number[] = [];
      for await (const square of pool.imap((n: number) => n * n, range(50))) streamed.push(square);
      assert.deepEqual(streamed, range(50).map((n) => n * n));
      assert.equal(pool.stats().failed, 0);
      await stopHosts();
    },
  );

  it(
    "a host SIGKILLed mid-map: its tasks are redelivered and every result arrives once",
    slow,
    async () => {
      const name = freshName();
      const [victim] = await Promise.all([host(name), host(name)]);
      await using pool = new Pool({
        backend: "nats",
        servers: server.url,
        name,
        processes: 2,
        ackWaitMs: 1_000,
      });
      const ran = mkdtempSync(join(temp, "ran-"));
      const args = range(10_000).map((n) => [n, ran, 1] as [number, string, number]);
      const mapped = pool.starmap(tasks.squareOnHost, args, { chunksize: 100 });
      await until(
        () => existsSync(join(ran, String(victim.pid))),
        "the victim runs a task",
        60_000,
      );
      await victim.stop("SIGKILL");
      const results = await mapped;
      assert.equal(results.length, 10_000);
      assert.deepEqual(results, range(10_000).map((n) => n * n));
      await stopHosts();
    },
  );

  it("the broker restarted mid-map: nothing is lost", slow, async () => {
    const name = freshName();
    await Promise.all([host(name), host(name)]);
    await using pool = new Pool({
      backend: "nats",
      servers: server.url,
      name,
      processes: 2,
      ackWaitMs: 2_000,
    });
    const mapped = pool.starmap(
      tasks.slowSquare,
      range(400).map((n) => [n, 5] as [number, number]),
      {
        chunksize: 10,
      },
    );
    await until(() => pool.stats().completed >= 3, "some chunks are answered", 60_000);
    await server.restart();
    assert.deepEqual(await mapped, range(400).map((n) => n * n));
    await stopHosts();
  });

  it("a throwing task rejects with its own error and is not redelivered", slow, async () => {
    const name = freshName();
    await host(name);
    await using pool = new Pool({
      backend: "nats",
      servers: server.url,
      name,
      processes: 1,
      ackWaitMs: 1_000,
    });
    await assert.rejects(
      pool.apply((n: number) => {
        if (n > 1) throw new RangeError(`too big: ${n}`);
        return n;
      }, [5]),
      (error: Error) => error instanceof RangeError && /too big: 5/.test(error.message),
    );
    await assert.rejects(
      pool.map(
        (n: number) => {
          if (n === 42) throw new TypeError("item 42");
          return n;
        },
        range(100),
        { chunksize: 10 },
      ),
      (error: Error) => error instanceof TypeError && /item 42/.test(error.message),
    );
    assert.equal(await pool.apply((n: number) => n + 1, [1]), 2); // still serving
    // A host answers, then acknowledges: the last ack may reach the broker just after the answer.
    let state = await consumerState(name);
    for (const deadline = Date.now() + 15_000; state.ackPending > 0 && Date.now() < deadline;) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      state = await consumerState(name);
    }
    assert.equal(state.redelivered, 0);
    assert.equal(state.ackPending, 0, "every task acknowledged once answered");
    await stopHosts();
  });

  it(
    "a task whose hosts are lost maxDeliver times rejects with TaskDeliveryError",
    slow,
    async () => {
      const name = freshName();
      const victim = await host(name);
      await using pool = new Pool({
        backend: "nats",
        servers: server.url,
        name,
        processes: 1,
        ackWaitMs: 1_000,
        maxDeliver: 1,
      });
      const marker = join(temp, `${name}.started`);
      const lost = pool.apply(tasks.markThenWait, [marker, 60_000]);
      await until(() => existsSync(marker), "the task started on its host", 60_000);
      await victim.stop("SIGKILL");
      await assert.rejects(lost, (error: Error) => {
        assert.ok(error instanceof TaskDeliveryError, String(error));
        assert.equal(error.task, "markThenWait");
        assert.equal(error.attempts, 1);
        assert.match(error.message, /delivered 1 times/);
        return true;
      });
      assert.equal((await consumerState(name)).left, 0, "the lost task's message was deleted");
    },
  );

  it("hosts on Node, Deno and Bun serve one pool together", slow, async (t) => {
    const runtimes = (["node", "deno", "bun"] as const).filter((r) => runtimeBin(r));
    if (runtimes.length < 3) return t.skip("a runtime is missing from node_modules/.bin");
    const name = freshName();
    await Promise.all(runtimes.map((r) => host(name, r)));
    await using pool = new Pool({ backend: "nats", servers: server.url, name, processes: 3 });
    const seen = new Set<string>();
    const ran = await pool.map(tasks.runtimeName, range(90), { chunksize: 1 });
    for (const r of ran) seen.add(r);
    assert.deepEqual([...seen].sort(), ["bun", "deno", "node"]);
    const values = await pool.map((x: { n: bigint; d: Date }) => [x.n * 2n, x.d.getTime()], [
      { n: 21n, d: new Date(5) },
    ]);
    assert.deepEqual(values, [[42n, 5]]);
    await stopHosts();
  });

  it("SIGTERM drains a host: the task it runs is answered, then it exits 0", slow, async () => {
    const name = freshName();
    const draining = await host(name);
    await using pool = new Pool({ backend: "nats", servers: server.url, name, processes: 1 });
    const marker = join(temp, `${name}.started`);
    const running = pool.apply(tasks.markThenWait, [marker, 300]);
    await until(() => existsSync(marker), "the task started on its host", 60_000);
    const exit = draining.stop("SIGTERM");
    assert.equal(await running, "finished");
    assert.ok(drainedCleanly(draining, await exit), draining.output());
    assert.match(draining.output(), /stopped: 1 answered/);
  });

  it("a client gone mid-task: the host drops its result and keeps serving", slow, async () => {
    const name = freshName();
    const survivor = await host(name);
    const marker = join(temp, `${name}.started`);
    const client = spawn(runtimeBin("node") ?? "node", [
      new URL("../fixtures/nats_client_program.ts", import.meta.url).pathname,
      server.url,
      name,
      marker,
    ], { stdio: "ignore" });
    await until(() => existsSync(marker), "the gone client's task started", 60_000);
    client.kill("SIGKILL");
    await using pool = new Pool({ backend: "nats", servers: server.url, name, processes: 1 });
    assert.equal(await pool.apply((n: number) => n * 3, [3]), 9);
    assert.ok(drainedCleanly(survivor, await survivor.stop("SIGTERM")), survivor.output());
    assert.match(survivor.output(), /1 dropped/);
  });

  it("ProcessPoolExecutor submits to the same hosts", slow, async () => {
    const name = freshName();
    await host(name);
    await using executor = new ProcessPoolExecutor({ backend: "nats", servers: server.url, name });
    assert.equal(await executor.submit((s: string) => s.toUpperCase(), "nats"), "NATS");
    const out: number[] = [];
    for await (const y of executor.map((a: number, b: number) => a - b, [5, 7], [1, 2])) {
      out.push(y);
    }
    assert.deepEqual(out, [4, 5]);
    await stopHosts();
  });
});

describe("NatsQueue", { skip: bin ? false : `no nats-server: ${problem}` }, () => {
  let server: NatsServer;
  before(async () => {
    server = await startNatsServer(bin!);
  });
  after(async () => {
    await server?.dispose();
  });

  it(
    "producer and consumers in other processes (Node and Bun): join waits for every taskDone",
    slow,
    async () => {
      const consumers = (["node", "bun"] as const).map((runtime) => {
        const argv = [
          new URL("../fixtures/nats_consumer_program.ts", import.meta.url).pathname,
          server.url,
          "jobs",
          "squares",
        ];
        const child = spawn(runtimeBin(runtime) ?? runtime, argv, {
          stdio: ["ignore", "pipe", "inherit"],
        });
        return new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
      });
      await using jobs = new NatsJoinableQueue<number | null>({
        servers: server.url,
        name: "jobs",
      });
      await using squares = new NatsQueue<[number, number, string]>({
        servers: server.url,
        name: "squares",
      });
      for (const n of range(50)) await jobs.put(n);
      await jobs.put(null);
      await jobs.put(null);
      await jobs.join();
      assert.equal(await jobs.qsize(), 0);
      assert.deepEqual(await Promise.all(consumers), [0, 0]);
      const got: [number, number, string][] = [];
      for (const _ of range(50)) got.push(await squares.get({ timeoutMs: 10_000 }));
      assert.deepEqual(
        got.map(([n, sq]) => [n, sq]).sort((a, b) => a[0] - b[0]),
        range(50).map((n) => [n, n * n]),
      );
      await assert.rejects(squares.get({ timeoutMs: 100 }), /stayed empty/);
    },
  );

  it(
    "a full queue makes put wait, then fail with QueueFullError after timeoutMs",
    slow,
    async () => {
      await using queue = new NatsQueue<string>({ servers: server.url, name: "small", maxsize: 2 });
      await queue.put("a");
      await queue.put("b");
      await assert.rejects(queue.put("c", { timeoutMs: 200 }), /stayed full \(maxsize 2\)/);
      assert.equal(await queue.get(), "a");
      await queue.put("c", { timeoutMs: 5_000 });
      assert.deepEqual([await queue.get(), await queue.get()], ["b", "c"]);
    },
  );
});

describe("Pool on the NATS backend: options", () => {
  it("refuses bad options with errors naming them", () => {
    assert.throws(() => new Pool({ backend: "nats" }), /'servers' must be the NATS server's URL/);
    assert.throws(
      () => new Pool({ backend: "nats", servers: "nats://127.0.0.1:1", name: "a b" }),
      (error: Error) =>
        error instanceof RangeError && /'name' must be 1–64 letters/.test(error.message),
    );
    assert.throws(
      () => new Pool({ backend: "nats", servers: "nats://127.0.0.1:1", maxTasksPerChild: 2 }),
      /'maxTasksPerChild' is not supported with backend "nats"/,
    );
    assert.throws(
      () => new Pool({ servers: "nats://127.0.0.1:1" }),
      /'servers' is read only with backend "nats"/,
    );
  });

  it("an unreachable broker fails the calls with a ProcessError naming it", slow, async () => {
    await using pool = new Pool({
      backend: "nats",
      servers: "nats://127.0.0.1:1",
      connection: { maxReconnectAttempts: 0 },
    });
    await assert.rejects(
      pool.apply((n: number) => n, [1]),
      /Cannot reach the NATS server at nats:\/\/127\.0\.0\.1:1/,
    );
  });
});
