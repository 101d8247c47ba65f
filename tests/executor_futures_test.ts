// ProcessPoolExecutor, Future, asCompleted() and wait() (Python: concurrent.futures) on both
// backends: every describe runs once on worker threads and once on child processes. Tests that
// hold a call running use a gate in cells (fixtures/cells.ts: shared memory on threads, files on
// child processes).
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import {
  asCompleted,
  CancelledError,
  type ExecutorOptions,
  fromModule,
  Future,
  PoolTerminatedError,
  ProcessPoolExecutor,
  RemoteError,
  TimeoutError,
  wait,
} from "../mod.ts";
import { type Cells, load, newCells, removeCells, store } from "./fixtures/cells.ts";

const cellTasks = fromModule<typeof import("./fixtures/cell_tasks.ts")>(
  new URL("./fixtures/cell_tasks.ts", import.meta.url),
);
const poolTasks = fromModule<typeof import("./fixtures/pool_tasks.ts")>(
  new URL("./fixtures/pool_tasks.ts", import.meta.url),
);

const backends = ["thread", "process"] as const;
type Backend = typeof backends[number];

const slow = { timeout: 30_000 };

after(removeCells);

/** Resolves once `predicate()` holds (checked every few ms); throws after `timeoutMs`. */
async function until(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A gate: cell 0 opens it, cell 1 counts the calls that reached it. */
function gate(backend: Backend): { cells: Cells; open(): void; arrived(): number } {
  const cells = newCells(backend, 2);
  return { cells, open: () => store(cells, 0, 1), arrived: () => load(cells, 1) };
}

const waitAtGate = cellTasks.waitAtGate;

/** Resolves `value` after `ms`, inside the worker. */
const later = (value: number, ms = 0): Promise<number> =>
  new Promise((resolve) => setTimeout(() => resolve(value), ms));

const fail = (message: string): never => {
  throw new RangeError(message);
};

for (const backend of backends) {
  /** An executor on this backend. */
  const newExecutor = (options: Omit<ExecutorOptions, "backend"> = {}): ProcessPoolExecutor =>
    new ProcessPoolExecutor({ maxWorkers: 2, ...options, backend });

  describe(`ProcessPoolExecutor.submit() and Future (${backend})`, () => {
    it("submit() returns a thenable Future: result() is the call's value", slow, async () => {
      await using executor = newExecutor();
      const future = executor.submit((a: number, b: number) => a ** b, 2, 10);
      assert.ok(future instanceof Future);
      assert.equal(await future.result(), 1024);
      assert.equal(await future, 1024, "awaiting the future gives its result");
      assert.equal(await future.exception(), undefined);
      assert.equal(future.done(), true);
      assert.equal(future.running(), false);
      assert.equal(future.cancelled(), false);
      assert.equal(future.cancel(), false, "a finished future cannot be cancelled");
      assert.equal(await executor.submit(later, 7, 5), 7, "async tasks");
      assert.deepEqual(await executor.submit(poolTasks.doubleUnless, 4), 8, "module tasks");
    });

    it("a failing call: result() throws its error, exception() returns it", slow, async () => {
      await using executor = newExecutor();
      const future = executor.submit(fail, "bad input");
      const error = await future.exception();
      assert.ok(error instanceof RangeError, `got ${error}`);
      assert.equal(error.message, "bad input");
      assert.ok(error.cause instanceof RemoteError);
      assert.match(error.cause.message, /Task 'fail' failed in worker/);
      await assert.rejects(future.result(), (e) => e === error);
      await assert.rejects(async () => await future, (e) => e === error);
      assert.equal(future.done(), true);
      assert.equal(future.cancelled(), false);
    });

    it(
      "while a call runs: running() is true, result/exception(timeoutMs) throw TimeoutError, cancel() is false",
      slow,
      async () => {
        await using executor = newExecutor({ maxWorkers: 1 });
        const { cells, open, arrived } = gate(backend);
        const future = executor.submit(waitAtGate, cells, "finished");
        await until(() => arrived() === 1, "the call runs");
        assert.equal(future.running(), true);
        assert.equal(future.done(), false);
        await assert.rejects(future.result(20), (error) => {
          assert.ok(error instanceof TimeoutError, `got ${error}`);
          assert.match(error.message, /not done within 20 ms/);
          return true;
        });
        await assert.rejects(future.exception(10), TimeoutError);
        assert.equal(future.cancel(), false, "a running call cannot be cancelled");
        assert.equal(future.cancelled(), false);
        open();
        assert.equal(await future.result(), "finished");
        assert.equal(await future.result(0), "finished", "a done future answers at once");
      },
    );

    it(
      "cancel() withdraws a queued call: it never runs and result() throws CancelledError",
      slow,
      async () => {
        await using executor = newExecutor({ maxWorkers: 1 });
        const { cells, open, arrived } = gate(backend);
        const running = executor.submit(waitAtGate, cells, "running");
        await until(() => arrived() === 1, "the first call runs");
        const queued = executor.submit(waitAtGate, cells, "queued");
        assert.equal(queued.running(), false);
        const calls: string[] = [];
        queued.addDoneCallback((f) => calls.push(`done, cancelled: ${f.cancelled()}`));
        assert.equal(queued.cancel(), true);
        assert.equal(queued.cancel(), true, "cancelling again still says cancelled");
        assert.equal(queued.cancelled(), true);
        assert.equal(queued.done(), true);
        assert.deepEqual(calls, ["done, cancelled: true"]);
        await assert.rejects(queued.result(), CancelledError);
        await assert.rejects(queued.exception(), CancelledError);
        open();
        assert.equal(await running, "running");
        assert.equal(arrived(), 1, "the cancelled call never started");
      },
    );

    it(
      "addDoneCallback() calls back once when done, and at once when already done",
      slow,
      async () => {
        await using executor = newExecutor();
        const { cells, open } = gate(backend);
        const future = executor.submit(waitAtGate, cells, 5);
        const seen: unknown[] = [];
        future.addDoneCallback((f) => seen.push(["first", f === future, f.done()]));
        future.addDoneCallback(() => seen.push("second"));
        assert.equal(seen.length, 0, "not called before the call is done");
        open();
        await future;
        assert.deepEqual(seen, [["first", true, true], "second"]);
        future.addDoneCallback(() => seen.push("late"));
        assert.deepEqual(seen.at(-1), "late", "called at once");
        assert.equal(seen.length, 3, "earlier callbacks ran once");
        assert.throws(() => future.addDoneCallback(42 as unknown as () => void), {
          name: "TypeError",
          message: /'callback' must be a function: received number/,
        });
        const failed = executor.submit(fail, "x");
        const errors: unknown[] = [];
        failed.addDoneCallback(async (f) => errors.push(await f.exception()));
        await failed.exception();
        await until(() => errors.length === 1, "the callback of a failed future ran");
        assert.ok(errors[0] instanceof RangeError);
      },
    );

    it("submit() rejects a bad function with a TypeError naming 'fn'", async () => {
      await using executor = newExecutor({ maxWorkers: 1 });
      assert.throws(() => executor.submit(42 as unknown as () => void), {
        name: "TypeError",
        message: /Cannot submit task as 'fn' must be a function.*received 42/,
      });
    });

    it("new ProcessPoolExecutor() rejects bad options naming them", () => {
      assert.throws(() => newExecutor({ maxWorkers: 0 }), {
        name: "RangeError",
        message: "Cannot create executor as 'maxWorkers' must be a positive integer: received 0",
      });
      assert.throws(() => newExecutor({ maxTasksPerChild: -1 }), {
        name: "RangeError",
        message: /'maxTasksPerChild'.*received -1/,
      });
    });
  });

  describe(`asCompleted() (${backend})`, () => {
    it("yields each Future object itself (not its value) once, as it completes", slow, async () => {
      await using executor = newExecutor();
      const { cells, open, arrived } = gate(backend);
      const gated = executor.submit(waitAtGate, cells, "gated");
      await until(() => arrived() === 1, "the gated call runs");
      const quick = executor.submit(later, 1, 0);
      const yielded: Future<unknown>[] = [];
      // The same future twice in the input is yielded once, as in Python.
      for await (const value of asCompleted([gated, quick, gated])) {
        const future = value as unknown as Future<unknown>; // see the note in asCompleted
        assert.ok(future instanceof Future, `yielded ${future}`);
        assert.equal(future.done(), true);
        yielded.push(future);
        if (future === quick) open();
      }
      assert.deepEqual(yielded, [quick, gated]);
      assert.equal(await yielded[1].result(), "gated");
    });

    it("yields futures that are already done", slow, async () => {
      await using executor = newExecutor();
      const futures = [1, 2, 3].map((n) => executor.submit((x: number) => x * 10, n));
      await Promise.all(futures.map((f) => f.result()));
      const values: number[] = [];
      // `for await` types its variable as the awaited element; it is the Future: await it.
      for await (const future of asCompleted(futures)) values.push(await future);
      assert.deepEqual(values.sort((a, b) => a - b), [10, 20, 30]);
      const none: number[] = [];
      for await (const future of asCompleted([] as Future<number>[])) none.push(await future);
      assert.deepEqual(none, []);
    });

    it(
      "with timeoutMs, yields what completes in time, then throws TimeoutError",
      slow,
      async () => {
        await using executor = newExecutor();
        const { cells, open, arrived } = gate(backend);
        const gated = executor.submit(waitAtGate, cells, "gated");
        await until(() => arrived() === 1, "the gated call runs");
        const quick = executor.submit(later, 1, 0);
        const yielded: unknown[] = [];
        const started = performance.now();
        await assert.rejects(
          async () => {
            for await (const f of asCompleted([gated, quick], { timeoutMs: 300 })) {
              yielded.push(f);
            }
          },
          (error) => {
            assert.ok(error instanceof TimeoutError, `got ${error}`);
            assert.equal(error.message, "1 (of 2) futures unfinished after 300 ms");
            return true;
          },
        );
        assert.ok(performance.now() - started >= 290, "it waited for the time given");
        assert.deepEqual(yielded, [quick]);
        open();
        assert.equal(await gated, "gated");
      },
    );

    it("rejects a non-iterable and a bad timeout with TypeError/RangeError", () => {
      assert.throws(() => asCompleted(5 as unknown as Future<number>[]), {
        name: "TypeError",
        message: /'futures' must be an iterable of futures: received 5/,
      });
      assert.throws(() => asCompleted([], { timeoutMs: -1 }), {
        name: "RangeError",
        message: /'timeoutMs' must be >= 0: received -1/,
      });
    });
  });

  describe(`wait() (${backend})`, () => {
    it("ALL_COMPLETED (the default) waits for every future", slow, async () => {
      await using executor = newExecutor();
      const futures = [30, 0, 10].map((ms) => executor.submit(later, ms, ms));
      const { done, notDone } = await wait(futures);
      assert.equal(done.size, 3);
      assert.equal(notDone.size, 0);
      assert.ok(futures.every((f) => done.has(f)), "done holds the Future objects");
      const explicit = await wait(futures, { returnWhen: "ALL_COMPLETED" });
      assert.equal(explicit.done.size, 3);
    });

    it("FIRST_COMPLETED returns once one future is done", slow, async () => {
      await using executor = newExecutor();
      const { cells, open, arrived } = gate(backend);
      const gated = executor.submit(waitAtGate, cells, "gated");
      await until(() => arrived() === 1, "the gated call runs");
      const quick = executor.submit(later, 1, 0);
      const { done, notDone } = await wait([gated, quick], { returnWhen: "FIRST_COMPLETED" });
      assert.deepEqual([...done], [quick]);
      assert.deepEqual([...notDone], [gated]);
      open();
      await gated;
    });

    it(
      "FIRST_EXCEPTION returns at the first failure, or when all are done if none fails",
      slow,
      async () => {
        await using executor = newExecutor();
        const { cells, open, arrived } = gate(backend);
        const gated = executor.submit(waitAtGate, cells, "gated");
        await until(() => arrived() === 1, "the gated call runs");
        const failing = executor.submit(fail, "first exception");
        const first = await wait([gated, failing], { returnWhen: "FIRST_EXCEPTION" });
        assert.deepEqual([...first.done], [failing]);
        assert.deepEqual([...first.notDone], [gated]);
        open();
        const fine = [executor.submit(later, 1, 20), executor.submit(later, 2, 0)];
        const all = await wait(fine, { returnWhen: "FIRST_EXCEPTION" });
        assert.equal(all.done.size, 2, "no failure: it waits for all");
        await gated;
      },
    );

    it("timeoutMs returns what is done by then; bad returnWhen throws", slow, async () => {
      await using executor = newExecutor();
      const { cells, open, arrived } = gate(backend);
      const gated = executor.submit(waitAtGate, cells, "gated");
      await until(() => arrived() === 1, "the gated call runs");
      const started = performance.now();
      const { done, notDone } = await wait([gated], { timeoutMs: 100 });
      assert.ok(performance.now() - started >= 90, "it waited for the time given");
      assert.equal(done.size, 0);
      assert.deepEqual([...notDone], [gated]);
      await assert.rejects(
        wait([gated], { returnWhen: "SOMETIMES" as "ALL_COMPLETED" }),
        { name: "TypeError", message: /'returnWhen' must be one of FIRST_COMPLETED/ },
      );
      open();
      await gated;
    });
  });

  describe(`ProcessPoolExecutor.map() (${backend})`, () => {
    it("zips several iterables, stops at the shortest, and yields in order", slow, async () => {
      await using executor = newExecutor();
      const results: number[] = [];
      for await (
        const r of executor.map(
          (a: number, b: number, c: number) => a + b + c,
          [1, 2, 3],
          [10, 20, 30, 40],
          new Set([100, 200, 300, 400, 500]),
        )
      ) results.push(r);
      assert.deepEqual(results, [111, 222, 333]);
      const single: number[] = [];
      for await (const r of executor.map((n: number) => n * n, [1, 2, 3, 4])) single.push(r);
      assert.deepEqual(single, [1, 4, 9, 16]);
    });

    it("takes options as the last argument (chunksize)", slow, async () => {
      await using executor = newExecutor();
      const results: number[] = [];
      const input = Array.from({ length: 25 }, (_, i) => i);
      for await (
        const r of executor.map((a: number, b: number) => a * b, input, input, { chunksize: 4 })
      ) results.push(r);
      assert.deepEqual(results, input.map((i) => i * i));
      assert.throws(() => executor.map((n: number) => n, [1], { chunksize: 0 }), {
        name: "RangeError",
        message: /'chunksize'.*received 0/,
      });
      assert.throws(() => executor.map((n: number) => n, 5 as unknown as number[]), {
        name: "TypeError",
        message: /'iterables\[0\]' must be an iterable: received 5/,
      });
    });

    it(
      "with timeoutMs, a result not ready in time throws TimeoutError at once and cancels what has not started",
      slow,
      async () => {
        await using executor = newExecutor();
        // Both workers up first, so that the deadline measures the map and not their start.
        const warm = gate(backend);
        const warming = [1, 2].map((n) => executor.submit(waitAtGate, warm.cells, n));
        await until(() => warm.arrived() === 2, "both workers run");
        warm.open();
        await Promise.all(warming);
        const { cells, open, arrived } = gate(backend);
        // Every item waits at the gate, past the deadline: items 0 and 1 run on the two
        // workers, items 2 and 3 are still queued then.
        const results: unknown[] = [];
        const started = performance.now();
        try {
          await assert.rejects(
            async () => {
              const cellsEach = [cells, cells, cells, cells];
              const options = { timeoutMs: 500 };
              for await (
                const r of executor.map(cellTasks.waitAtGateFor, [0, 1, 2, 3], cellsEach, options)
              ) results.push(r);
            },
            (error) => {
              assert.ok(error instanceof TimeoutError, `got ${error}`);
              assert.match(error.message, /did not finish within 500 ms/);
              return true;
            },
          );
          const elapsed = performance.now() - started;
          assert.ok(elapsed >= 490, `it waited for the time given (${elapsed} ms)`);
          assert.ok(elapsed < 5_000, `it did not wait for the running items (${elapsed} ms)`);
          assert.deepEqual(results, []);
          assert.equal(arrived(), 2, "items 0 and 1 started");
        } finally {
          open();
        }
        await executor.shutdown();
        assert.equal(arrived(), 2, "items 2 and 3 were cancelled at the deadline and never ran");
      },
    );

    it("an item's error is thrown at its position, after the results before it", slow, async () => {
      await using executor = newExecutor();
      const results: number[] = [];
      await assert.rejects(
        async () => {
          for await (const r of executor.map(poolTasks.doubleUnless, [1, 2, 3], [0, 2, 0])) {
            results.push(r);
          }
        },
        { name: "ItemError", message: "item 2 is bad" },
      );
      assert.deepEqual(results, [2]);
    });
  });

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
}
