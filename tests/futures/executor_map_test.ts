// ProcessPoolExecutor.map() (Python: Executor.map) on both backends: several iterables, options,
// a time limit that cancels what has not started, and an item's error at its position.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { TimeoutError } from "../../mod.ts";
import { onEachBackend } from "../fixtures/backends.ts";
import { removeCells } from "../fixtures/cells.ts";
import {
  cellTasks,
  executorOn,
  gate,
  poolTasks,
  slow,
  until,
  waitAtGate,
} from "../fixtures/pool_helpers.ts";

after(removeCells);

onEachBackend((backend) => {
  /** An executor on this backend. */
  const newExecutor = executorOn(backend);

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
});
