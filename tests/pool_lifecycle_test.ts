// Pool (Python: multiprocessing.Pool) on both backends — every describe runs once on worker
// threads and once on child processes: map/starmap/apply and their async forms, AsyncResult,
// errors, timeouts, abort signals, initializer, maxTasksPerChild, crash recovery, the lifecycle
// (close/join/terminate/dispose), argument checks and stats(). Tests that watch or steer a
// running task use cells (fixtures/cells.ts): shared memory on threads, files on child
// processes, which share no memory. What only child processes do is in process_backend_test.ts.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import {
  AsyncResult,
  fromModule,
  Pool,
  type PoolOptions,
  PoolTerminatedError,
  ProcessError,
  RemoteError,
  TimeoutError,
  WorkerExitedError,
} from "../mod.ts";
import { type Cells, load, newCells, removeCells, store } from "./fixtures/cells.ts";
import { ItemError } from "./fixtures/pool_tasks.ts";

const tasks = fromModule<typeof import("./fixtures/pool_tasks.ts")>(
  new URL("./fixtures/pool_tasks.ts", import.meta.url),
);
const cellTasks = fromModule<typeof import("./fixtures/cell_tasks.ts")>(
  new URL("./fixtures/cell_tasks.ts", import.meta.url),
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

/**
 * A gate tasks wait at: cell 0 opens it, cell 1 counts the tasks that reached it (so a test
 * knows a task is running in its worker).
 */
function gate(backend: Backend): { cells: Cells; open(): void; arrived(): number } {
  const cells = newCells(backend, 2);
  return { cells, open: () => store(cells, 0, 1), arrived: () => load(cells, 1) };
}

/** A task that waits at a gate (on timers, not spinning), then returns `value`. */
const waitAtGate = cellTasks.waitAtGate;

/** A task that sleeps far longer than any test (a timer, so every runtime can stop it). */
const sleepLong = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 60_000));

/** Resolves `value` after `ms`, inside the worker. */
const later = (value: number, ms = 0): Promise<number> =>
  new Promise((resolve) => setTimeout(() => resolve(value), ms));

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

type ProcessGlobal = { process: { exit(code: number): never } };

for (const backend of backends) {
  /** A pool on this backend. */
  const newPool = (options: number | Omit<PoolOptions, "backend">): Pool =>
    new Pool(
      typeof options === "number" ? { processes: options, backend } : { ...options, backend },
    );

  describe(`Pool.map() (${backend})`, () => {
    it("Pool.map() preserves input order for any chunksize", slow, async () => {
      await using pool = newPool(2);
      const input = range(57);
      const expected = input.map((n) => n * 2);
      for (const chunksize of [undefined, 1, 2, 5, 13, 57, 1000]) {
        const results = await pool.map((n: number) => n * 2, input, { chunksize });
        assert.deepEqual(results, expected, `chunksize ${chunksize}`);
      }
    });

    it("Pool.map() preserves input order when later items finish first", slow, async () => {
      await using pool = newPool(2);
      const delayed = (n: number): Promise<number> =>
        new Promise((resolve) => setTimeout(() => resolve(n), (n * 7) % 11));
      const results = await pool.map(delayed, range(24), { chunksize: 1 });
      assert.deepEqual(results, range(24));
    });

    it("Pool.map() of an empty input resolves to []", async () => {
      await using pool = newPool(2);
      assert.deepEqual(await pool.map((n: number) => n, []), []);
      assert.deepEqual(await pool.map((n: number) => n, new Set<number>()), []);
    });

    it("Pool.map() accepts a Set, a generator and an async generator", async () => {
      await using pool = newPool(2);
      const square = (n: number) => n * n;
      assert.deepEqual(await pool.map(square, new Set([3, 1, 2])), [9, 1, 4]);
      function* numbers() {
        for (let i = 0; i < 10; i++) yield i;
      }
      assert.deepEqual(await pool.map(square, numbers(), { chunksize: 3 }), range(10).map(square));
      async function* asyncNumbers() {
        for (let i = 0; i < 10; i++) {
          await new Promise((resolve) => setTimeout(resolve, 0));
          yield i;
        }
      }
      assert.deepEqual(await pool.map(square, asyncNumbers()), range(10).map(square));
    });

    it("Pool.map() runs async tasks and module tasks", async () => {
      await using pool = newPool(2);
      assert.deepEqual(await pool.map(later, [1, 2]), [1, 2]);
      assert.deepEqual(await pool.map(tasks.doubleUnless, [1, 2, 3]), [2, 4, 6]);
    });

    it("a map whose item throws rejects and its queued chunks do not run", slow, async () => {
      await using pool = newPool(1);
      const ran = newCells(backend, 1);
      const items = range(40).map((i) => [i, ran] as [number, Cells]);
      await assert.rejects(
        pool.starmap(cellTasks.countThenFailFirst, items, { chunksize: 1 }),
        { name: "RangeError", message: "the first item fails" },
      );
      await until(() => pool.stats().busy === 0 && pool.stats().queued === 0, "the pool is idle");
      assert.ok(load(ran, 0) <= 2, `${load(ran, 0)} of 40 items ran`);
    });

    it("an input iterable that throws makes map() reject with that error", async () => {
      await using pool = newPool(2);
      const broken = new RangeError("the input broke");
      function* input() {
        yield 1;
        yield 2;
        throw broken;
      }
      await assert.rejects(pool.map((n: number) => n, input()), (error) => error === broken);
      async function* asyncInput() {
        yield 1;
        throw broken;
      }
      await assert.rejects(pool.map((n: number) => n, asyncInput()), (error) => error === broken);
      assert.deepEqual(await pool.map((n: number) => n, [1]), [1], "the pool still works");
    });
  });

  describe(`Pool.starmap() (${backend})`, () => {
    it("Pool.starmap() spreads each item as the arguments, in order", async () => {
      await using pool = newPool(2);
      const add = (a: number, b: number) => a + b;
      assert.deepEqual(await pool.starmap(add, [[1, 2], [3, 4], [5, 6]]), [3, 7, 11]);
      function* pairs(): Generator<[number, number]> {
        for (let i = 0; i < 20; i++) yield [i, i];
      }
      assert.deepEqual(
        await pool.starmap(add, pairs(), { chunksize: 3 }),
        range(20).map((i) => 2 * i),
      );
      assert.deepEqual(await pool.starmap(add, []), []);
    });
  });

  describe(`Pool.apply() and Pool.applyAsync() (${backend})`, () => {
    it("Pool.apply() resolves to the task's result", async () => {
      await using pool = newPool(2);
      assert.equal(await pool.apply((a: number, b: number) => a * b, [6, 7]), 42);
      assert.equal(await pool.apply(() => "no arguments"), "no arguments");
      assert.equal(await pool.apply(later, [5, 1]), 5);
      assert.deepEqual(
        await pool.apply((m: Map<string, Date>) => m, [new Map([["t", new Date(0)]])]),
        new Map([["t", new Date(0)]]),
      );
    });

    it("Pool.applyAsync() calls callback with the result", async () => {
      await using pool = newPool(2);
      const seen: number[] = [];
      const result = pool.applyAsync((n: number) => n * 2, [21], {
        callback: (value) => seen.push(value),
        errorCallback: () => assert.fail("errorCallback must not run"),
      });
      assert.ok(result instanceof AsyncResult);
      assert.equal(await result.get(), 42);
      assert.deepEqual(seen, [42]);
    });

    it("Pool.applyAsync() calls errorCallback with the error", async () => {
      await using pool = newPool(2);
      const errors: unknown[] = [];
      const result = pool.applyAsync(
        () => {
          throw new TypeError("bad call");
        },
        [],
        {
          callback: () => assert.fail("callback must not run"),
          errorCallback: (error) => errors.push(error),
        },
      );
      await result.wait();
      assert.equal(errors.length, 1);
      assert.ok(errors[0] instanceof TypeError);
      assert.equal((errors[0] as TypeError).message, "bad call");
      await assert.rejects(result.get(), (error) => error === errors[0]);
    });
  });

  describe(`Pool.mapAsync() and Pool.starmapAsync() (${backend})`, () => {
    it("Pool.mapAsync() resolves to the results in order and calls callback", async () => {
      await using pool = newPool(2);
      const seen: number[][] = [];
      const result = pool.mapAsync((n: number) => n * n, range(5), {
        chunksize: 2,
        callback: (values) => seen.push(values),
      });
      await result.wait();
      assert.deepEqual(await result.get(), [0, 1, 4, 9, 16]);
      assert.deepEqual(seen, [[0, 1, 4, 9, 16]]);
    });

    it("Pool.mapAsync() calls errorCallback when an item fails", async () => {
      await using pool = newPool(2);
      const errors: unknown[] = [];
      const result = pool.mapAsync(tasks.doubleUnless, range(10), {
        errorCallback: (error) => errors.push(error),
      });
      await result.wait();
      assert.equal(result.successful(), false);
      assert.equal(errors.length, 1);
      assert.ok(errors[0] instanceof ItemError);
    });

    it("Pool.starmapAsync() resolves to the results in order", async () => {
      await using pool = newPool(2);
      const result = pool.starmapAsync((a: number, b: number) => a - b, [[5, 1], [10, 3], [0, 0]]);
      assert.deepEqual(await result.get(), [4, 7, 0]);
      assert.equal(result.successful(), true);
    });
  });

  describe(`AsyncResult (${backend})`, () => {
    it("get(timeoutMs) rejects with TimeoutError while not ready, and the work goes on", async () => {
      await using pool = newPool(1);
      const { cells, open, arrived } = gate(backend);
      const result = pool.applyAsync(waitAtGate, [cells, "finished"]);
      await until(() => arrived() === 1, "the task is running");
      await assert.rejects(result.get(20), (error) => {
        assert.ok(error instanceof TimeoutError);
        assert.match(error.message, /not ready within 20 ms/);
        return true;
      });
      assert.equal(result.ready(), false);
      assert.throws(() => result.successful(), ProcessError);
      await result.wait(10); // resolves (not rejects) when the time runs out
      assert.equal(result.ready(), false);
      open();
      assert.equal(await result.get(), "finished");
      assert.equal(await result.get(0), "finished", "a ready result is returned at once");
      assert.equal(result.ready(), true);
      assert.equal(result.successful(), true);
    });

    it("wait() resolves when the work fails, and successful() is false", async () => {
      await using pool = newPool(1);
      const result = pool.applyAsync(() => {
        throw new RangeError("failed work");
      });
      await result.wait();
      assert.equal(result.ready(), true);
      assert.equal(result.successful(), false);
      await assert.rejects(result.get(), { name: "RangeError", message: "failed work" });
    });

    it("an AsyncResult is thenable: `await result` gives the value or throws the error", async () => {
      await using pool = newPool(1);
      assert.equal(await pool.applyAsync((n: number) => n + 1, [1]), 2);
      assert.deepEqual(await pool.mapAsync((n: number) => -n, [1, 2]), [-1, -2]);
      await assert.rejects(
        async () =>
          await pool.applyAsync(() => {
            throw new TypeError("awaited failure");
          }),
        { name: "TypeError", message: "awaited failure" },
      );
    });

    it("a failure nobody asks for is not reported as unhandled", async () => {
      await using pool = newPool(1);
      const result = pool.applyAsync(() => {
        throw new Error("ignored");
      });
      await until(() => result.ready(), "the result is ready");
      assert.equal(result.successful(), false);
    });
  });

  describe(`errors through the pool (${backend})`, () => {
    it("an item's error keeps its class, message and props, with a RemoteError cause naming the task and item", async () => {
      await using pool = newPool(2);
      const error = await pool.map(tasks.doubleUnless, range(10), { chunksize: 4 }).then(
        () => assert.fail("map must reject"),
        (e: unknown) => e,
      );
      assert.ok(error instanceof ItemError, `got ${error}`);
      assert.equal(error.name, "ItemError");
      assert.equal(error.message, "item 6 is bad");
      assert.equal(error.item, 6);
      assert.equal(error.code, "E_ITEM");
      assert.ok(error.cause instanceof RemoteError);
      assert.match(
        error.cause.message,
        /Task 'doubleUnless' failed on item 6 in worker 'PoolWorker/,
      );
      assert.match(error.cause.remoteStack, /item 6 is bad/);
    });

    it("a function task's error keeps its built-in class and names the task", async () => {
      await using pool = newPool(2);
      const parse = (text: string) => JSON.parse(text);
      const error = await pool.apply(parse, ["{oops"]).then(
        () => assert.fail("apply must reject"),
        (e: unknown) => e,
      );
      assert.ok(error instanceof SyntaxError);
      assert.ok(error.cause instanceof RemoteError);
      assert.match(error.cause.message, /Task 'parse' failed in worker/);
    });

    it("a result that cannot be cloned rejects that call with a TypeError and the pool goes on", async () => {
      await using pool = newPool(1);
      await assert.rejects(pool.apply(() => () => "a function"), (error: Error) => {
        assert.ok(error instanceof TypeError, `got ${error}`);
        assert.match(error.message, /Cannot send the result of call \d+ back from the worker/);
        return true;
      });
      assert.equal(await pool.apply((n: number) => n + 1, [1]), 2);
      assert.equal(pool.stats().workers, 1, "the worker was not lost");
    });

    it("starmap names the failing item's index across chunks", async () => {
      await using pool = newPool(2);
      await assert.rejects(
        pool.starmap(
          (a: number, b: number) => {
            if (a === 9) throw new Error(`no ${a}`);
            return a + b;
          },
          range(12).map((i) => [i, 1] as [number, number]),
          { chunksize: 5 },
        ),
        (error: Error) => {
          assert.equal(error.message, "no 9");
          assert.ok(error.cause instanceof RemoteError);
          assert.match(error.cause.message, /on item 9 /);
          return true;
        },
      );
    });
  });

  describe(`timeouts (${backend})`, () => {
    it(
      "taskTimeoutMs rejects a long task with TimeoutError and the pool keeps its capacity",
      slow,
      async () => {
        await using pool = newPool({ processes: 2, taskTimeoutMs: 200 });
        await assert.rejects(pool.apply(sleepLong), (error) => {
          assert.ok(error instanceof TimeoutError, `got ${error}`);
          assert.match(error.message, /timed out after 200 ms/);
          return true;
        });
        assert.equal(await pool.apply((n: number) => n + 1, [1]), 2);
        await until(
          () => pool.stats().workers === 2 && pool.stats().busy === 0,
          "the worker was replaced",
        );
        // Two tasks that can only finish together: both workers must be there to run them.
        const { cells, open, arrived } = gate(backend);
        const both = Promise.all([
          pool.apply(waitAtGate, [cells, "a"], { timeoutMs: 20_000 }),
          pool.apply(waitAtGate, [cells, "b"], { timeoutMs: 20_000 }),
        ]);
        await until(() => arrived() === 2, "two tasks run at once");
        open();
        assert.deepEqual(await both, ["a", "b"]);
      },
    );

    it("per-call timeoutMs on apply and map rejects with TimeoutError", slow, async () => {
      await using pool = newPool(2);
      await assert.rejects(pool.apply(sleepLong, [], { timeoutMs: 100 }), TimeoutError);
      await assert.rejects(
        pool.map(
          (n: number) => n === 2 ? new Promise((r) => setTimeout(r, 60_000)) : n,
          [1, 2, 3],
          {
            chunksize: 1,
            timeoutMs: 150,
          },
        ),
        TimeoutError,
      );
      assert.deepEqual(await pool.map((n: number) => n * 3, [1, 2]), [3, 6]);
      await until(() => pool.stats().workers === 2, "the workers were replaced");
    });

    it(
      "a timed-out task's worker held no other work: concurrent tiny tasks succeed",
      slow,
      async () => {
        await using pool = newPool(1);
        // Warm up so the pool measures tasks as tiny and starts batching them.
        const echo = (n: number) => n;
        await pool.map(echo, range(2000));
        // The task blocks its worker's thread (Atomics.wait on memory of its own, bounded), as
        // CPU-bound work would.
        const block = () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3_000);
        const timedOut = pool.apply(block, [], { timeoutMs: 300 });
        const tiny = Array.from({ length: 20 }, (_, i) => pool.apply(echo, [i]));
        await assert.rejects(timedOut, TimeoutError);
        assert.deepEqual(await Promise.all(tiny), range(20));
      },
    );
  });

  describe(`abort signals (${backend})`, () => {
    it("apply() with an aborted signal rejects with the signal's reason", async () => {
      await using pool = newPool(1);
      const reason = new Error("stop before start");
      await assert.rejects(
        pool.apply((n: number) => n, [1], { signal: AbortSignal.abort(reason) }),
        (error) => error === reason,
      );
    });

    it("aborting a queued apply() rejects it and the task never runs", async () => {
      await using pool = newPool(1);
      const { cells, open, arrived } = gate(backend);
      const blocker = pool.apply(waitAtGate, [cells, "blocker"]);
      await until(() => arrived() === 1, "the blocker runs");
      const controller = new AbortController();
      const queued = pool.apply(waitAtGate, [cells, "queued"], { signal: controller.signal });
      controller.abort(new Error("withdrawn"));
      await assert.rejects(queued, { message: "withdrawn" });
      open();
      assert.equal(await blocker, "blocker");
      assert.equal(arrived(), 1, "the aborted task never started");
      assert.equal(pool.stats().queued, 0);
    });

    it("aborting a running apply() rejects it and the pool keeps working", slow, async () => {
      await using pool = newPool(2);
      const { cells, arrived } = gate(backend);
      const controller = new AbortController();
      const running = pool.apply(waitAtGate, [cells], { signal: controller.signal });
      await until(() => arrived() === 1, "the task runs");
      const reason = new Error("stop while running");
      controller.abort(reason);
      await assert.rejects(running, (error) => error === reason);
      assert.deepEqual(await pool.map((n: number) => n + 1, [1, 2, 3]), [2, 3, 4]);
      await until(() => pool.stats().workers === 2, "the worker was replaced");
    });

    it("aborting a map rejects it with the reason and the pool keeps working", slow, async () => {
      await using pool = newPool(2);
      const { cells, arrived } = gate(backend);
      const controller = new AbortController();
      const items = range(6).map((i) => [cells, i] as [Int32Array, number]);
      const mapped = pool.starmap(waitAtGate, items, { chunksize: 1, signal: controller.signal });
      await until(() => arrived() >= 1, "the map runs");
      controller.abort(new Error("map aborted"));
      await assert.rejects(mapped, { message: "map aborted" });
      await until(() => pool.stats().busy === 0 && pool.stats().queued === 0, "the pool is idle");
      assert.deepEqual(await pool.map((n: number) => n * 2, [1, 2]), [2, 4]);
      assert.equal(
        await pool.apply(() => "already aborted", [], { signal: controller.signal }).catch((e) =>
          e.message
        ),
        "map aborted",
      );
    });
  });

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
        const seen = await pool.map(tasks.identity, range(10), { chunksize: 1 });
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

  describe(`crash recovery (${backend})`, () => {
    it(
      "a task that exits its worker rejects with WorkerExitedError; other tasks succeed and the worker is replaced",
      slow,
      async () => {
        await using pool = newPool(2);
        const exiting = pool.apply(() => (globalThis as unknown as ProcessGlobal).process.exit(3));
        const others = [1, 2, 3].map((n) => pool.apply(later, [n, 30]));
        await assert.rejects(exiting, (error) => {
          assert.ok(error instanceof WorkerExitedError, `got ${error}`);
          assert.equal(error.exitCode, 3);
          assert.match(error.message, /exited with code 3/);
          return true;
        });
        assert.deepEqual(await Promise.all(others), [1, 2, 3]);
        await until(() => pool.stats().workers === 2, "the worker was replaced");
        assert.deepEqual(await pool.map((n: number) => n * n, [2, 3], { chunksize: 1 }), [4, 9]);
      },
    );

    it(
      "an error thrown later at the worker's top level rejects with WorkerExitedError caused by it",
      slow,
      async () => {
        await using pool = newPool(1);
        const lateThrow = () =>
          new Promise(() => {
            setTimeout(() => {
              throw new TypeError("late");
            }, 0);
          });
        await assert.rejects(pool.apply(lateThrow), (error) => {
          assert.ok(error instanceof WorkerExitedError, `got ${error}`);
          assert.ok(error.cause instanceof TypeError, `cause ${error.cause}`);
          assert.equal(error.cause.message, "late");
          return true;
        });
        assert.equal(await pool.apply((n: number) => n * 2, [4]), 8);
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
      await assert.rejects(pool.starmap(tasks.doubleUnless, items, { chunksize: 1 }), ItemError);
      await until(() => pool.stats().busy === 0 && pool.stats().queued === 0, "the pool is idle");
      const { completed, failed } = pool.stats();
      assert.deepEqual({ completed, failed }, { completed: 0, failed: 1 });
    });
  });
}
