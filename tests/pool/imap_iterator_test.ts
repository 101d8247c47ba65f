// imap / imapUnordered as Python's IMapIterator (issue 18, item 3): a failed item rejects its own
// next() and the following calls go on; `for await` stops at the first error, as Python's `for`
// does; next(timeoutMs) gives up waiting with a TimeoutError and keeps its place.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { IMapIterator, Pool, TimeoutError } from "../../mod.ts";
import { onEachBackend } from "../fixtures/backends.ts";
import { add, type Cells, load, newCells, removeCells } from "../fixtures/cells.ts";

const failOnEven = (n: number) => {
  if (n % 2 === 0) throw new RangeError(`even: ${n}`);
  return n * 10;
};

/** Every outcome of `it`, calling next() past errors: values, and error messages. */
async function drain(it: IMapIterator<number>): Promise<(number | string)[]> {
  const seen: (number | string)[] = [];
  for (;;) {
    try {
      const step = await it.next();
      if (step.done) return seen;
      seen.push(step.value);
    } catch (error) {
      seen.push((error as Error).message);
    }
  }
}

after(removeCells);

onEachBackend((backend) => {
  describe(`IMapIterator on the ${backend} backend`, () => {
    it("imap: each failing item rejects its next(); the others arrive, in order", async () => {
      await using pool = new Pool({ processes: 2, backend });
      const it = pool.imap(failOnEven, [1, 2, 3, 4, 5], { chunksize: 1 });
      assert.ok(it instanceof IMapIterator);
      assert.deepEqual(await drain(it), [10, "even: 2", 30, "even: 4", 50]);
    });

    it("imapUnordered goes on past errors too", async () => {
      await using pool = new Pool({ processes: 2, backend });
      const seen = await drain(pool.imapUnordered(failOnEven, [1, 2, 3, 4, 5], { chunksize: 1 }));
      assert.deepEqual(
        seen.map(String).sort(),
        ["10", "30", "50", "even: 2", "even: 4"],
      );
    });

    it("a failing item inside a chunk rejects alone: the items before and after it arrive", async () => {
      await using pool = new Pool({ processes: 2, backend });
      const failOn37 = (n: number) => {
        if (n === 37) throw new RangeError(`bad: ${n}`);
        return n * 2;
      };
      const numbers = Array.from({ length: 200 }, (_, i) => i);
      const expected = numbers.map((n) => n === 37 ? "bad: 37" : n * 2);
      // Automatic chunksize (packed numbers), and an explicit one over plain records.
      assert.deepEqual(await drain(pool.imap(failOn37, numbers)), expected);
      const records = numbers.map((n) => ({ n }));
      const failOnRecord37 = ({ n }: { n: number }) => {
        if (n === 37) throw new RangeError(`bad: ${n}`);
        return n * 2;
      };
      assert.deepEqual(
        await drain(pool.imap(failOnRecord37, records, { chunksize: 50 })),
        expected,
      );
      const unordered = await drain(pool.imapUnordered(failOn37, numbers, { chunksize: 50 }));
      assert.deepEqual(unordered.map(String).sort(), expected.map(String).sort());
    });

    it("two failing items of one chunk each reject their own next()", async () => {
      await using pool = new Pool({ processes: 1, backend });
      const it = pool.imap(failOnEven, [1, 3, 4, 5, 6, 7], { chunksize: 6 });
      assert.deepEqual(await drain(it), [10, 30, "even: 4", 50, "even: 6", 70]);
    });

    it("an async task's failed chunk reports every item once: each failure rejects alone", async () => {
      await using pool = new Pool({ processes: 1, backend });
      const cells = newCells(backend, 10);
      // All items of a chunk start before one fails: the ones after it are reported, not rerun.
      const countedFailOnEven = async ([n, cells]: [number, Cells]) => {
        add(cells, n, 1);
        await new Promise((resolve) => setTimeout(resolve, (n * 7) % 5));
        if (n % 2 === 0) throw new RangeError(`even: ${n}`);
        return n * 10;
      };
      const items = [1, 3, 4, 5, 6, 7, 9].map((n): [number, Cells] => [n, cells]);
      const it = pool.imap(countedFailOnEven, items, { chunksize: 4 });
      assert.deepEqual(await drain(it), [
        10,
        30,
        "even: 4",
        50,
        "even: 6",
        70,
        90,
      ]);
      for (const n of [1, 3, 4, 5, 6, 7, 9]) assert.equal(load(cells, n), 1, `item ${n} ran once`);
    });

    it("a chunk whose task throws after earlier items returned promises reports each item once", async () => {
      await using pool = new Pool({ processes: 1, backend });
      // Resolves for odd numbers, throws at once (no promise) for even ones.
      const mixed = (n: number) => {
        if (n % 2 === 0) throw new RangeError(`even: ${n}`);
        return n === 3
          ? Promise.reject(new RangeError("three"))
          : new Promise<number>((resolve) => setTimeout(() => resolve(n * 10), 5));
      };
      const it = pool.imap(mixed as (n: number) => Promise<number>, [1, 3, 5, 6, 7, 9, 11], {
        chunksize: 7,
      });
      // 3 rejects first; 5 resolved and 6 threw before the chunk ended; 7, 9, 11 run anew.
      assert.deepEqual(await drain(it), [10, "three", 50, "even: 6", 70, 90, 110]);
    });

    it("a later item's error names its own index in the whole input", async () => {
      await using pool = new Pool({ processes: 1, backend });
      const asyncFailOnEven = async (n: number) => {
        await Promise.resolve();
        if (n % 2 === 0) throw new RangeError(`even: ${n}`);
        return n * 10;
      };
      const it = pool.imap(asyncFailOnEven, [1, 2, 3, 4, 5], { chunksize: 5 });
      const causes: string[] = [];
      for (;;) {
        try {
          if ((await it.next()).done) break;
        } catch (error) {
          causes.push(String((error as Error).cause));
        }
      }
      assert.equal(causes.length, 2);
      assert.match(causes[0], /on item 1\b/);
      assert.match(causes[1], /on item 3\b/);
    });

    it("the error names the failing item's index in the whole input", async () => {
      await using pool = new Pool({ processes: 1, backend });
      const it = pool.imap(failOnEven, [1, 3, 5, 7, 8, 9], { chunksize: 3 });
      const errors: unknown[] = [];
      for (;;) {
        try {
          if ((await it.next()).done) break;
        } catch (error) {
          errors.push(error);
        }
      }
      assert.equal(errors.length, 1);
      assert.match(String((errors[0] as Error).cause), /on item 4/);
    });

    it("for await stops at the first error, as Python's for loop does", async () => {
      await using pool = new Pool({ processes: 1, backend });
      const got: number[] = [];
      await assert.rejects(async () => {
        for await (const v of pool.imap(failOnEven, [1, 3, 4, 5], { chunksize: 1 })) got.push(v);
      }, /even: 4/);
      assert.deepEqual(got, [10, 30]);
      // With the items in one chunk too: the results before the failing item come first.
      const inOneChunk: number[] = [];
      await assert.rejects(async () => {
        for await (const v of pool.imap(failOnEven, [1, 3, 4, 5], { chunksize: 4 })) {
          inOneChunk.push(v);
        }
      }, /even: 4/);
      assert.deepEqual(inOneChunk, [10, 30]);
    });

    it("next(timeoutMs) rejects with TimeoutError and the next call still gets that result", async () => {
      await using pool = new Pool({ processes: 1, backend });
      const slow = async (n: number) => {
        await new Promise((resolve) => setTimeout(resolve, 400));
        return n;
      };
      const it = pool.imap(slow, [7]);
      await assert.rejects(it.next(20), (error: Error) => error instanceof TimeoutError);
      assert.deepEqual(await it.next(10_000), { value: 7, done: false });
      assert.deepEqual(await it.next(), { value: undefined, done: true });
      await assert.rejects(it.next(-1), RangeError);
    });
  });
});
