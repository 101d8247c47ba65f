/**
 * Suite "nats": a Pool over NATS JetStream (issue 15) next to the local thread Pool and next to
 * the broker's own floor, on one machine: a nats-server with JetStream on 127.0.0.1 (a random
 * port, a temporary store; found or fetched by scripts/get_nats_server.mjs) and `polycore worker`
 * hosts of this suite's runtime, one local worker each.
 *
 * - map of 20,000 numbers (`n * 2`) through 1, 2 and 4 hosts (default chunksize: 4 chunks per
 *   host), and on a local `Pool(2)` of threads: items/s.
 * - map of 400 items with chunksize 1 through 2 hosts: tasks/s (one message per task).
 * - the broker's floor: the same 400 messages published to a work-queue stream (awaiting each
 *   PubAck, 64 in flight) and consumed and acknowledged, with no work: messages/s.
 * - sequential `await pool.apply()` through 1 host: ms per round trip (p50 of the round medians).
 *
 * Run: `node bench/nats_bench.ts`, `deno run -A bench/nats_bench.ts`, `bun bench/nats_bench.ts`
 * (flags: `--quick`, `--json <file>`), or `npm run bench -- nats`. Exits 1 without nats-server.
 *
 * @module
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { connect } from "@nats-io/transport-node";
import { AckPolicy, jetstream, jetstreamManager, RetentionPolicy } from "@nats-io/jetstream";
import { Pool } from "../mod.ts";
import { runtime } from "../runtimes/mod.ts";
import { type BenchTask, runSuite } from "./_harness.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const mapItems = Array.from({ length: 20_000 }, (_, i) => i);
const taskItems = Array.from({ length: 400 }, (_, i) => i);
const children: ChildProcess[] = [];

function natsServerBin(): string {
  const script = join(root, "scripts", "get_nats_server.mjs");
  const node = runtime.name === "node" ? process.execPath : "node";
  const found = spawnSync(node, [script], { encoding: "utf8" });
  if (found.status !== 0) {
    console.error(`nats bench: no nats-server: ${found.stderr}`);
    process.exit(1);
  }
  return found.stdout.trim();
}

/** Starts a child and resolves once its output matches `ready`; returns what matched. */
function startChild(cmd: string, args: string[], ready: RegExp): Promise<RegExpExecArray> {
  const child = spawn(cmd, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let output = "";
  return new Promise((resolve, reject) => {
    const onData = (chunk: Uint8Array) => {
      output += new TextDecoder().decode(chunk);
      const match = ready.exec(output);
      if (match) resolve(match);
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code) => reject(new Error(`${cmd} exited with ${code}:\n${output}`)));
  });
}

function startHost(servers: string, pool: string): Promise<unknown> {
  const cli = join(root, "cli", `polycore${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`);
  const args = ["worker", "--servers", servers, "--pool", pool, "--processes", "1"];
  return startChild(
    process.execPath,
    runtime.name === "deno" ? ["run", "-A", cli, ...args] : [cli, ...args],
    /serving pool/,
  );
}

/** The broker alone: publish `count` messages (64 awaiting their PubAck), consume and ack them. */
async function brokerFloor(servers: string, count: number): Promise<() => Promise<number>> {
  const nc = await connect({ servers });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({
    name: "FLOOR",
    subjects: ["floor"],
    retention: RetentionPolicy.Workqueue,
  });
  await jsm.consumers.add("FLOOR", { durable_name: "floor", ack_policy: AckPolicy.Explicit });
  const js = jetstream(nc);
  const consumer = await js.consumers.get("FLOOR", "floor");
  const payload = new Uint8Array(64);
  return async () => {
    for (let sent = 0; sent < count; sent += 64) {
      const batch = Math.min(64, count - sent);
      await Promise.all(Array.from({ length: batch }, () => js.publish("floor", payload)));
    }
    const messages = await consumer.fetch({ max_messages: count, expires: 5_000 });
    let got = 0;
    for await (const msg of messages) {
      msg.ack();
      if (++got === count) break;
    }
    return got;
  };
}

const store = mkdtempSync(join(tmpdir(), "polycore-nats-bench-"));
const pools: Pool[] = [];
try {
  const [, port] = await startChild(
    natsServerBin(),
    ["-js", "-a", "127.0.0.1", "-p", "-1", "-sd", store],
    /Listening for client connections on 127\.0\.0\.1:(\d+)/,
  );
  const servers = `nats://127.0.0.1:${port}`;
  const hostCounts = [1, 2, 4];
  await Promise.all(
    hostCounts.flatMap((n) => Array.from({ length: n }, () => startHost(servers, `h${n}`))),
  );
  const natsPool = (hosts: number) => {
    const pool = new Pool({ backend: "nats", servers, name: `h${hosts}`, processes: hosts });
    pools.push(pool);
    return pool;
  };
  const local = new Pool(2);
  pools.push(local);
  const double = (n: number) => n * 2;
  const mapTask = (name: string, pool: Pool): BenchTask => ({
    name,
    unit: "items/s",
    opsPerSample: mapItems.length,
    fn: async () => (await pool.map(double, mapItems)).length,
  });
  const byHosts = new Map(hostCounts.map((n) => [n, natsPool(n)]));
  const floor = await brokerFloor(servers, taskItems.length);
  const tasks: BenchTask[] = [
    ...hostCounts.map((n) =>
      mapTask(`NATS Pool, ${n} host${n > 1 ? "s" : ""}: map 20,000 numbers`, byHosts.get(n)!)
    ),
    mapTask("local Pool(2) threads: map 20,000 numbers", local),
    {
      name: "NATS Pool, 2 hosts: map 400 items, chunksize 1 (tasks/s)",
      unit: "ops/s",
      opsPerSample: taskItems.length,
      fn: async () => (await byHosts.get(2)!.map(double, taskItems, { chunksize: 1 })).length,
    },
    {
      name: "broker floor: 400 JetStream publish + consume + ack, no work",
      unit: "ops/s",
      opsPerSample: taskItems.length,
      fn: floor,
    },
    {
      name: "NATS Pool, 1 host: sequential apply round trip",
      unit: "ms",
      fn: () => byHosts.get(1)!.apply(double, [21]),
    },
  ];
  await runSuite("nats", tasks, {
    rounds: 3,
    timeMs: 1_000,
    ratios: [{
      name: "tasks/s ÷ broker floor (chunksize 1)",
      numerator: tasks[4].name,
      denominator: tasks[5].name,
    }, {
      name: "2 hosts ÷ 1 host (map items/s)",
      numerator: tasks[1].name,
      denominator: tasks[0].name,
    }],
  });
} finally {
  await Promise.all(pools.map((p) => p.terminate()));
  // Hosts drain on SIGTERM, then the server stops; anything still running after 10 s is killed.
  await Promise.all(
    children.reverse().map((child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      return exited.finally(() => clearTimeout(timer));
    }),
  );
  rmSync(store, { recursive: true, force: true });
}
