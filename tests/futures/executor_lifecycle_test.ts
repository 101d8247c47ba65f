// A ProcessPoolExecutor's lifecycle on both backends: shutdown() (waiting, cancelFutures, wait:
// false, `await using`), and its workers: initializer and maxTasksPerChild.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import {
  CancelledError,
  type Future,
  PoolTerminatedError,
  type ProcessPoolExecutor,
} from "../../mod.ts";
import { onEachBackend } from "../fixtures/backends.ts";
import { removeCells } from "../fixtures/cells.ts";
import {
  executorOn,
  gate,
  later,
  poolTasks,
  slow,
  until,
  waitAtGate,
} from "../fixtures/pool_helpers.ts";

after(removeCells);

onEachBackend((backend) => {
  /** An executor on this backend. */
  const newExecutor = executorOn(backend);

  describe(`ProcessPoolExecutor.shutdown() (${backend})`, () => {
    it("shutdown() waits for pending calls, which complete", slow, async () => {
      const executor = newExecutor();
      const futures = [1, 2, 3, 4, 5].map((n) => executor.submit(later, n, 20));
      await executor.shutdown();
      assert.ok(futures.every((f) => f.done()), "every call finished before shutdown() resolved");
      assert.deepEqual(await Promise.all(futures.map((f) => f.result())), [1, 2, 3, 4, 5]);
    });

    it("submit() and map() after shutdown throw PoolTerminatedError", slow, async () => {
      const executor = newExecutor({ maxWorkers: 1 });
      await executor.shutdown();
      assert.throws(() => executor.submit((n: number) => n, 1), {
        name: "PoolTerminatedError",
        message: "Cannot submit task as the executor has been shut down",
      });
      assert.throws(() => executor.map((n: number) => n, [1]), PoolTerminatedError);
      await executor.shutdown(); // shutting down twice is fine
    });

    it(
      "shutdown({ cancelFutures: true }) cancels what has not started; the running call finishes",
      slow,
      async () => {
        const executor = newExecutor({ maxWorkers: 1 });
        const { cells, open, arrived } = gate(backend);
        const running = executor.submit(waitAtGate, cells, "running");
        await until(() => arrived() === 1, "the first call runs");
        const queued = [1, 2, 3].map((n) => executor.submit(waitAtGate, cells, n));
        const stopping = executor.shutdown({ cancelFutures: true });
        assert.ok(queued.every((f) => f.cancelled()), "queued calls are cancelled");
        assert.equal(running.cancelled(), false);
        assert.equal(running.done(), false);
        open();
        await stopping;
        assert.equal(await running.result(), "running");
        assert.equal(arrived(), 1, "no cancelled call ran");
        await assert.rejects(queued[0].result(), CancelledError);
      },
    );

    it("shutdown({ wait: false }) returns at once while work still runs", slow, async () => {
      const executor = newExecutor({ maxWorkers: 1 });
      const { cells, open, arrived } = gate(backend);
      const running = executor.submit(waitAtGate, cells, "still running");
      const queued = executor.submit(later, 9, 0);
      await until(() => arrived() === 1, "the call runs");
      await executor.shutdown({ wait: false });
      assert.equal(running.done(), false);
      assert.throws(() => executor.submit(later, 1, 0), PoolTerminatedError);
      open();
      assert.equal(await running, "still running");
      assert.equal(await queued, 9, "queued work still runs after shutdown({ wait: false })");
      await executor.shutdown();
    });

    it(
      "`await using` shuts the executor down at scope exit, waiting for its calls",
      slow,
      async () => {
        let future: Future<number>;
        let leaked: ProcessPoolExecutor;
        {
          await using executor = newExecutor();
          leaked = executor;
          future = executor.submit(later, 42, 50);
        }
        assert.equal(future.done(), true, "the call finished before the scope was left");
        assert.equal(await future, 42);
        assert.throws(() => leaked.submit(later, 1, 0), PoolTerminatedError);
      },
    );
  });

  describe(`ProcessPoolExecutor initializer and maxTasksPerChild (${backend})`, () => {
    it("initializer runs in each worker with initargs before its calls", slow, async () => {
      await using executor = newExecutor({
        initializer: (prefix: string, factor: number) => {
          Object.assign(globalThis, { prefix, factor });
        },
        initargs: ["scaled", 3],
      });
      const read = (n: number) => {
        const g = globalThis as unknown as { prefix: string; factor: number };
        return `${g.prefix}:${n * g.factor}`;
      };
      const futures = [1, 2, 3, 4].map((n) => executor.submit(read, n));
      assert.deepEqual(await Promise.all(futures), [
        "scaled:3",
        "scaled:6",
        "scaled:9",
        "scaled:12",
      ]);
    });

    it("a failing initializer fails the calls with a clear error", slow, async () => {
      await using executor = newExecutor({
        initializer: () => {
          throw new RangeError("bad setup");
        },
      });
      const error = await executor.submit((n: number) => n, 1).exception();
      assert.ok(error instanceof Error, `got ${error}`);
      assert.match(error.message, /initializer failed/);
    });

    it("maxTasksPerChild: 1 runs every call in a fresh worker", slow, async () => {
      await using executor = newExecutor({ maxTasksPerChild: 1 });
      const seen = await Promise.all(
        [0, 1, 2, 3].map((i) => executor.submit(poolTasks.identity, i)),
      );
      const workers = new Set(seen.map((s) => backend === "thread" ? s.threadId : s.pid));
      assert.equal(workers.size, 4, `workers: ${[...workers]}`);
      if (backend === "process") assert.ok(!workers.has(process.pid));
      assert.equal(await executor.submit((n: number) => n + 1, 1), 2, "it goes on working");
    });
  });
});
