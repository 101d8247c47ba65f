// Pool.apply() and Pool.applyAsync() (Python: Pool.apply, Pool.apply_async) on both backends,
// and the AsyncResult they return: get() with a time limit, wait(), ready(), successful(), await.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { AsyncResult, ProcessError, TimeoutError } from "../../mod.ts";
import { onEachBackend } from "../fixtures/backends.ts";
import { removeCells } from "../fixtures/cells.ts";
import { gate, later, poolOn, until, waitAtGate } from "../fixtures/pool_helpers.ts";

after(removeCells);

onEachBackend((backend) => {
  /** A pool on this backend. */
  const newPool = poolOn(backend);

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
});
