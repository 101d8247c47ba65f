// A Pool's workers and lifecycle on both backends: initializer, maxTasksPerChild, close(),
// join(), terminate() and `await using`, argument checks, stats(). How long a pool keeps its
// program alive is in pool_lifetime_test.ts.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { Pool, PoolTerminatedError, ProcessError } from "../../mod.ts";
import { onEachBackend } from "../fixtures/backends.ts";
import {
  later,
  poolOn,
  poolTasks,
  range,
  sleepLong,
  slow,
  until,
} from "../fixtures/pool_helpers.ts";
import { ItemError } from "../fixtures/pool_tasks.ts";

onEachBackend((backend) => {
  /** A pool on this backend. */
  const newPool = poolOn(backend);

  describe(`initializer (${backend})`, () => {
    it("initializer runs in each worker with initargs before its tasks", async () => {
      await using pool = newPool({
        processes: 2,
        initializer: (factor: number, label: string) => {
          const global = globalThis as unknown as { factor: number; label: string };
          global.factor = factor;
          global.label = label;
        },
        initargs: [10, "scaled"],
      });
      const results = await pool.map(
        (n: number) => {
          const global = globalThis as unknown as { factor: number; label: string };
          return `${global.label}:${n * global.factor}`;
        },
        [1, 2, 3, 4],
        { chunksize: 1 },
      );
      assert.deepEqual(results, ["scaled:10", "scaled:20", "scaled:30", "scaled:40"]);
    });

    it("an async initializer is awaited before the first task", async () => {
      await using pool = newPool({
        processes: 1,
        initializer: async () => {
          await new Promise((resolve) => setTimeout(resolve, 20));
          (globalThis as unknown as { ready: boolean }).ready = true;
        },
      });
      assert.equal(
        await pool.apply(() => (globalThis as unknown as { ready: boolean }).ready),
        true,
      );
    });

    it(
      "a failing initializer rejects pending and later calls with a clear ProcessError, without respawning",
      slow,
      async () => {
        const started = performance.now();
        await using pool = newPool({
          processes: 2,
          initializer: () => {
            throw new RangeError("bad configuration");
          },
        });
        const pending = pool.map((n: number) => n, [1, 2, 3]);
        const isInitFailure = (error: unknown) => {
          assert.ok(error instanceof ProcessError, `got ${error}`);
          assert.match(error.message, /initializer failed/);
          let cause: unknown = error.cause;
          while (cause instanceof ProcessError) cause = cause.cause;
          assert.ok(cause instanceof RangeError, `root cause ${cause}`);
          assert.equal(cause.message, "bad configuration");
          return true;
        };
        await assert.rejects(pending, isInitFailure);
        await assert.rejects(pool.apply((n: number) => n, [1]), isInitFailure);
        await until(() => pool.stats().workers === 0, "the workers are gone");
        assert.ok(performance.now() - started < 10_000, "settles quickly");
        assert.equal(pool.stats().workers, 0, "no worker was respawned");
      },
    );
  });

  describe(`maxTasksPerChild (${backend})`, () => {
    it(
      "maxTasksPerChild: 2 replaces workers, so tasks see new worker identities",
      slow,
      async () => {
        await using pool = newPool({ processes: 2, maxTasksPerChild: 2 });
        const seen = await pool.map(poolTasks.identity, range(10), { chunksize: 1 });
        // A worker is a thread (its own thread id) or a child process (its own pid, thread 0).
        const workers = new Set(seen.map((s) => backend === "thread" ? s.threadId : s.pid));
        const names = new Set(seen.map((s) => s.name));
        assert.ok(workers.size >= 5, `${workers.size} distinct workers: ${[...workers]}`);
        assert.ok(names.size >= 5, `${names.size} distinct names: ${[...names]}`);
        if (backend === "thread") {
          assert.ok(!workers.has(0), "no task ran on the main thread");
          assert.ok(seen.every((s) => s.pid === process.pid), "threads share the program's pid");
        } else {
          assert.ok(!workers.has(process.pid), "no task ran in this program's process");
          assert.ok(seen.every((s) => s.threadId === 0), "a child runs tasks on its main thread");
        }
        for (const name of names) assert.match(name, /^PoolWorker\d*-\d+$/);
        assert.deepEqual(await pool.map((n: number) => n + 1, [1, 2, 3], { chunksize: 1 }), [
          2,
          3,
          4,
        ]);
      },
    );
  });

  describe(`close, join and terminate (${backend})`, () => {
    it("close() then join() waits for the queued work to finish", slow, async () => {
      const pool = newPool(2);
      try {
        let settled = false;
        const results = pool.starmap(later, range(8).map((n) => [n, 20]), { chunksize: 1 });
        results.then(() => settled = true, () => settled = true);
        pool.close();
        await pool.join();
        assert.equal(settled, true);
        assert.deepEqual(await results, range(8));
        assert.equal(pool.stats().workers, 0);
      } finally {
        await pool.terminate();
      }
    });

    it("join() on a running pool rejects", async () => {
      await using pool = newPool(1);
      await assert.rejects(pool.join(), (error) => {
        assert.ok(error instanceof ProcessError);
        assert.match(error.message, /close\(\) or terminate\(\) first/);
        return true;
      });
    });

    it("calls after close() or terminate() reject (promises) or throw (objects) PoolTerminatedError", async () => {
      for (const stop of ["close", "terminate"] as const) {
        const pool = newPool(1);
        try {
          if (stop === "close") pool.close();
          else await pool.terminate();
          const refused = (error: unknown) => {
            assert.ok(error instanceof PoolTerminatedError, `${stop}: got ${error}`);
            assert.match(error.message, stop === "close" ? /it is closed/ : /it is terminated/);
            return true;
          };
          const fn = (n: number) => n;
          await assert.rejects(pool.apply(fn, [1]), refused);
          assert.throws(() => pool.applyAsync(fn, [1]), refused);
          await assert.rejects(pool.map(fn, [1]), refused);
          assert.throws(() => pool.mapAsync(fn, [1]), refused);
          await assert.rejects(pool.starmap(fn, [[1]]), refused);
          assert.throws(() => pool.starmapAsync(fn, [[1]]), refused);
          assert.throws(() => pool.imap(fn, [1]), refused);
          assert.throws(() => pool.imapUnordered(fn, [1]), refused);
        } finally {
          await pool.terminate();
        }
      }
    });

    it("terminate() rejects running and queued tasks with PoolTerminatedError", async () => {
      const pool = newPool(1);
      const running = pool.apply(sleepLong);
      const queued = pool.map((n: number) => n, [1, 2]);
      const rejected = Promise.all([
        assert.rejects(running, PoolTerminatedError),
        assert.rejects(queued, PoolTerminatedError),
      ]);
      await until(() => pool.stats().busy === 1, "a task runs");
      await pool.terminate();
      await rejected;
      assert.equal(pool.stats().workers, 0);
      await pool.terminate(); // terminating twice is fine
    });

    it("leaving an `await using` block terminates the pool and rejects pending tasks", async () => {
      let outcome: Promise<unknown>;
      let leaked: Pool;
      {
        await using pool = newPool(1);
        leaked = pool;
        outcome = pool.apply(sleepLong).then(() => "resolved", (error) => error);
        await until(() => pool.stats().busy === 1, "the task runs");
      }
      const error = await outcome;
      assert.ok(error instanceof PoolTerminatedError, `got ${error}`);
      assert.equal(leaked.stats().workers, 0);
      await assert.rejects(leaked.apply(() => 1), PoolTerminatedError);
    });
  });

  describe(`argument checks (${backend})`, () => {
    it("new Pool() rejects bad process counts with messages naming 'processes'", () => {
      // The number form has no backend: it is checked on both passes, like the options form.
      assert.throws(() => new Pool(0), {
        name: "RangeError",
        message: "Cannot create pool as 'processes' must be a positive integer: received 0",
      });
      assert.throws(() => new Pool(-1), {
        name: "RangeError",
        message: /'processes'.*received -1/,
      });
      assert.throws(() => new Pool(1.5), {
        name: "RangeError",
        message: /'processes'.*received 1.5/,
      });
      assert.throws(() => newPool({ processes: 0 }), {
        name: "RangeError",
        message: /'processes'/,
      });
      assert.throws(() => newPool({ processes: "2" as unknown as number }), {
        name: "TypeError",
        message: /'processes'.*received "2"/,
      });
      assert.throws(() => new Pool("2" as unknown as number), {
        name: "TypeError",
        message: /received "2"/,
      });
      assert.throws(() => newPool({ processes: 1, maxTasksPerChild: 0 }), {
        name: "RangeError",
        message: /'maxTasksPerChild'.*received 0/,
      });
      assert.throws(() => newPool({ processes: 1, taskTimeoutMs: -5 }), {
        name: "RangeError",
        message: /'taskTimeoutMs'.*received -5/,
      });
      assert.throws(
        () => newPool({ processes: 1, initializer: 7 as unknown as () => void }),
        { name: "TypeError", message: /'initializer'.*received 7/ },
      );
    });

    it("calls reject bad arguments with messages naming the argument and the received value", async () => {
      await using pool = newPool(1);
      const fn = (n: number) => n;
      assert.throws(() => pool.map(fn, [1], { chunksize: 0 }), {
        name: "RangeError",
        message: "Cannot map task as 'chunksize' must be a positive integer: received 0",
      });
      assert.throws(() => pool.imap(fn, [1], { buffersize: 0 }), {
        name: "RangeError",
        message: /'buffersize'.*received 0/,
      });
      assert.throws(() => pool.map(42 as unknown as typeof fn, [1]), {
        name: "TypeError",
        message: /'fn' must be a function.*received 42/,
      });
      assert.throws(() => pool.apply(42 as unknown as typeof fn), {
        name: "TypeError",
        message: /'fn'.*received 42/,
      });
      assert.throws(() => pool.map(fn, 5 as unknown as number[]), {
        name: "TypeError",
        message: /'iterable'.*received 5/,
      });
      assert.throws(() => pool.apply(fn, 1 as unknown as [number]), {
        name: "TypeError",
        message: /'args' must be an array.*received 1/,
      });
      assert.throws(() => pool.apply(fn, [1], { timeoutMs: -1 }), {
        name: "RangeError",
        message: /'timeoutMs'.*received -1/,
      });
      assert.throws(() => pool.applyAsync(fn, [1], { callback: 42 as unknown as () => void }), {
        name: "TypeError",
        message: /'callback' must be a function.*received 42/,
      });
      assert.equal(pool.stats().busy + pool.stats().queued, 0, "nothing was started");
    });

    it("a non-cloneable argument rejects that call with a TypeError; other calls in the same turn succeed", async () => {
      await using pool = newPool(1);
      await pool.map((n: number) => n, range(1000)); // warm up: tiny tasks are then batched
      const describeArg = (value: unknown) => typeof value;
      const calls = [
        pool.apply(describeArg, [1]),
        pool.apply(describeArg, [new WeakMap()]),
        pool.apply(describeArg, ["text"]),
      ];
      const [first, bad, last] = await Promise.allSettled(calls);
      assert.deepEqual(first, { status: "fulfilled", value: "number" });
      assert.deepEqual(last, { status: "fulfilled", value: "string" });
      assert.equal(bad.status, "rejected");
      const error = (bad as PromiseRejectedResult).reason;
      assert.ok(error instanceof TypeError, `got ${error}`);
      assert.match(error.message, /argument 0 of task 'describeArg'/);
      await assert.rejects(
        pool.map((n: unknown) => n, [1, Symbol("no"), 3], { chunksize: 1 }),
        { name: "TypeError", message: /item 1 of task/ },
      );
    });
  });

  describe(`Pool.stats() (${backend})`, () => {
    it("stats() reports workers, queue, counts, percentiles and utilization", async () => {
      await using pool = newPool(2);
      const initial = pool.stats();
      assert.deepEqual(Object.keys(initial).sort(), [
        "busy",
        "completed",
        "failed",
        "queued",
        "runTime",
        "utilization",
        "waitTime",
        "workers",
      ]);
      assert.equal(initial.workers, 2);
      assert.equal(initial.completed, 0);
      assert.deepEqual(initial.runTime, { p50: 0, p90: 0, p99: 0, max: 0 });

      await pool.map((n: number) => n, range(10), { chunksize: 5 }); // 2 calls
      await pool.apply((n: number) => n, [1]);
      await pool.apply(() => {
        throw new Error("counted as failed");
      }).catch(() => {});
      const stats = pool.stats();
      assert.equal(stats.workers, 2);
      assert.equal(stats.busy, 0);
      assert.equal(stats.queued, 0);
      assert.equal(stats.completed, 3);
      assert.equal(stats.failed, 1);
      for (const p of [stats.runTime, stats.waitTime]) {
        assert.deepEqual(Object.keys(p).sort(), ["max", "p50", "p90", "p99"]);
        assert.ok(p.p50 >= 0 && p.p50 <= p.p90 && p.p90 <= p.p99 && p.p99 <= p.max, String(p));
      }
      assert.ok(stats.runTime.max > 0);
      assert.ok(stats.utilization >= 0 && stats.utilization <= 1);
      assert.equal(pool.processes, 2);
    });

    it("chunks withdrawn after a map fails are neither completed nor failed", async () => {
      await using pool = newPool(1);
      const items = range(20).map((n) => [n, 0] as [number, number]); // item 0 fails
      await assert.rejects(
        pool.starmap(poolTasks.doubleUnless, items, { chunksize: 1 }),
        ItemError,
      );
      await until(() => pool.stats().busy === 0 && pool.stats().queued === 0, "the pool is idle");
      const { completed, failed } = pool.stats();
      assert.deepEqual({ completed, failed }, { completed: 0, failed: 1 });
    });
  });
});
