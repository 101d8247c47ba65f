// What goes wrong in a Pool, on both backends: task errors (class, message, cause naming the
// task and item), results that cannot be cloned, timeouts, abort signals, and workers that
// exit or crash (crash recovery).
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { RemoteError, TimeoutError, WorkerExitedError } from "../../mod.ts";
import { onEachBackend } from "../fixtures/backends.ts";
import { removeCells } from "../fixtures/cells.ts";
import {
  gate,
  later,
  poolOn,
  poolTasks,
  range,
  sleepLong,
  slow,
  until,
  waitAtGate,
} from "../fixtures/pool_helpers.ts";
import { ItemError } from "../fixtures/pool_tasks.ts";

type ProcessGlobal = { process: { exit(code: number): never } };

after(removeCells);

onEachBackend((backend) => {
  /** A pool on this backend. */
  const newPool = poolOn(backend);

  describe(`errors through the pool (${backend})`, () => {
    it("an item's error keeps its class, message and props, with a RemoteError cause naming the task and item", async () => {
      await using pool = newPool(2);
      const error = await pool.map(poolTasks.doubleUnless, range(10), { chunksize: 4 }).then(
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
});
