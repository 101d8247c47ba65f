// Pool.map(), Pool.starmap(), Pool.mapAsync() and Pool.starmapAsync() (Python: Pool.map and
// friends) on both backends: order, inputs of every kind, callbacks, a failing item or input.
// Pool.imap() and Pool.imapUnordered() are in pool_imap_test.ts.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { onEachBackend } from "../fixtures/backends.ts";
import { type Cells, load, newCells, removeCells } from "../fixtures/cells.ts";
import {
  cellTasks,
  later,
  poolOn,
  poolTasks,
  range,
  slow,
  until,
} from "../fixtures/pool_helpers.ts";
import { ItemError } from "../fixtures/pool_tasks.ts";

after(removeCells);

onEachBackend((backend) => {
  /** A pool on this backend. */
  const newPool = poolOn(backend);

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
      assert.deepEqual(await pool.map(poolTasks.doubleUnless, [1, 2, 3]), [2, 4, 6]);
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
      const result = pool.mapAsync(poolTasks.doubleUnless, range(10), {
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
});
