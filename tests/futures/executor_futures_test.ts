// ProcessPoolExecutor.submit(), Future, asCompleted() and wait() (Python: concurrent.futures) on
// both backends: every describe runs once on worker threads and once on child processes. Calls
// held running wait at a gate in cells (fixtures/cells.ts).
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { asCompleted, CancelledError, Future, RemoteError, TimeoutError, wait } from "../../mod.ts";
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

const fail = (message: string): never => {
  throw new RangeError(message);
};

onEachBackend((backend) => {
  /** An executor on this backend. */
  const newExecutor = executorOn(backend);

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
});
