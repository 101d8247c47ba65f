// Pool.imap() and Pool.imapUnordered() (Python: Pool.imap / Pool.imap_unordered) on both
// backends — every describe runs once on worker threads and once on child processes: order, lazy
// and bounded consumption of sync, async and endless inputs, early exit, errors, abort.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { fromModule, Pool, TimeoutError } from "../../mod.ts";
import { type Cells, load, newCells, removeCells, store } from "../fixtures/cells.ts";
import { onEachBackend } from "../fixtures/backends.ts";

const cellTasks = fromModule<typeof import("../fixtures/cell_tasks.ts")>(
  new URL("../fixtures/cell_tasks.ts", import.meta.url),
);

const slow = { timeout: 30_000 };

after(removeCells);

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** Resolves once `predicate()` holds (checked every few ms); throws after `timeoutMs`. */
async function until(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Collects an async iterable. */
async function toArray<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/** An endless source that counts what was pulled and whether it was closed. */
function counted(): { source: Generator<number>; pulled(): number; closed(): boolean } {
  let pulled = 0;
  let closed = false;
  function* source() {
    try {
      for (let i = 0;; i++) {
        pulled++;
        yield i;
      }
    } finally {
      closed = true;
    }
  }
  return { source: source(), pulled: () => pulled, closed: () => closed };
}

/** Resolves `n` after `(n * 7) % 11` ms, so later items often finish first. */
const shuffled = (n: number): Promise<number> =>
  new Promise((resolve) => setTimeout(() => resolve(n), (n * 7) % 11));

onEachBackend((backend) => {
  /** A pool on this backend. */
  const newPool = (processes: number): Pool => new Pool({ processes, backend });

  describe(`Pool.imap() (${backend})`, () => {
    it("Pool.imap() yields results in input order", slow, async () => {
      await using pool = newPool(2);
      const input = range(100);
      assert.deepEqual(
        await toArray(pool.imap((n: number) => n * 3, input)),
        input.map((n) => n * 3),
      );
      for (const chunksize of [1, 7, 100, 1000]) {
        assert.deepEqual(
          await toArray(pool.imap((n: number) => n * 3, input, { chunksize, buffersize: 2 })),
          input.map((n) => n * 3),
          `chunksize ${chunksize}`,
        );
      }
      assert.deepEqual(await toArray(pool.imap(shuffled, range(30), { chunksize: 1 })), range(30));
      assert.deepEqual(await toArray(pool.imap((n: number) => n, [])), []);
    });

    it("Pool.imapUnordered() yields every result", slow, async () => {
      await using pool = newPool(2);
      const results = await toArray(pool.imapUnordered(shuffled, range(40), { chunksize: 1 }));
      assert.deepEqual(results.sort((a, b) => a - b), range(40));
      const big = await toArray(pool.imapUnordered((n: number) => -n, new Set(range(500))));
      assert.deepEqual(big.sort((a, b) => b - a), range(500).map((n) => -n));
    });

    it("Pool.imap() consumes an async iterable", async () => {
      await using pool = newPool(2);
      async function* source() {
        for (let i = 0; i < 25; i++) {
          await new Promise((resolve) => setTimeout(resolve, 0));
          yield i;
        }
      }
      assert.deepEqual(
        await toArray(pool.imap((n: number) => n + 1, source(), { chunksize: 4 })),
        range(25).map((n) => n + 1),
      );
      const unordered = await toArray(pool.imapUnordered((n: number) => n + 1, source()));
      assert.deepEqual(unordered.sort((a, b) => a - b), range(25).map((n) => n + 1));
    });

    it(
      "Pool.imap() yields results while a slow async source is still producing",
      slow,
      async () => {
        await using pool = newPool(2);
        // The source yields its next item only after the previous result came back.
        const results: number[] = [];
        let resultSeen: () => void = () => {};
        async function* feedback() {
          for (let i = 0; i < 5; i++) {
            yield i;
            await new Promise<void>((resolve) => resultSeen = resolve);
          }
        }
        for await (const value of pool.imap((n: number) => n * 10, feedback(), { chunksize: 1 })) {
          results.push(value);
          resultSeen();
        }
        assert.deepEqual(results, [0, 10, 20, 30, 40]);
      },
    );
  });

  describe(`Pool.imap() laziness (${backend})`, () => {
    it(
      "breaking out of imap over an endless input pulls at most N + buffersize × chunksize items and closes the input",
      slow,
      async () => {
        await using pool = newPool(2);
        const chunksize = 3;
        const buffersize = 2;
        const n = 25;
        const { source, pulled, closed } = counted();
        const results: number[] = [];
        for await (
          const value of pool.imap((i: number) => i * 2, source, { chunksize, buffersize })
        ) {
          results.push(value);
          if (results.length === n) break;
        }
        assert.deepEqual(results, range(n).map((i) => i * 2));
        assert.ok(pulled() <= n + buffersize * chunksize, `pulled ${pulled()}`);
        assert.equal(closed(), true, "the generator's finally ran");
        await until(() => pool.stats().busy === 0 && pool.stats().queued === 0, "the pool is idle");
      },
    );

    it(
      "breaking out of imapUnordered over an endless input stops pulling and closes the input",
      slow,
      async () => {
        await using pool = newPool(2);
        const { source, pulled, closed } = counted();
        let received = 0;
        for await (
          const _ of pool.imapUnordered((i: number) => i, source, { chunksize: 2, buffersize: 3 })
        ) {
          if (++received === 20) break;
        }
        assert.ok(pulled() <= 20 + 3 * 2, `pulled ${pulled()}`);
        assert.equal(closed(), true);
      },
    );

    it(
      "imapUnordered stays bounded when the consumer is slower than the workers",
      slow,
      async () => {
        await using pool = newPool(2);
        const chunksize = 2;
        const buffersize = 3;
        let pulled = 0;
        function* source() {
          for (let i = 0; i < 60; i++) {
            pulled++;
            yield i;
          }
        }
        let consumed = 0;
        let maxAhead = 0;
        const stream = pool.imapUnordered((i: number) => i, source(), { chunksize, buffersize });
        for await (const _ of stream) {
          consumed++;
          maxAhead = Math.max(maxAhead, pulled - consumed);
          // Let every submitted chunk finish before taking the next result.
          await until(
            () => pool.stats().busy === 0 && pool.stats().queued === 0,
            "the pool is idle",
          );
        }
        assert.equal(consumed, 60);
        assert.ok(maxAhead <= buffersize * chunksize, `max ${maxAhead} items ahead`);
      },
    );

    it(
      "over 10^5 items with default options, items pulled ahead of consumption stay bounded",
      slow,
      async () => {
        await using pool = newPool(2);
        const total = 100_000;
        let pulled = 0;
        function* source() {
          for (let i = 0; i < total; i++) {
            pulled++;
            yield i;
          }
        }
        let consumed = 0;
        let maxAhead = 0;
        let sum = 0;
        for await (const value of pool.imap((i: number) => i & 1, source())) {
          consumed++;
          sum += value;
          if ((consumed & 1023) === 0) maxAhead = Math.max(maxAhead, pulled - consumed);
        }
        assert.equal(consumed, total);
        assert.equal(sum, total / 2);
        // Default buffersize is 4 × workers chunks, and adaptive chunks hold at most 4096 items.
        const bound = 4 * pool.processes * 4096;
        assert.ok(maxAhead <= bound, `max ${maxAhead} items ahead (bound ${bound})`);
      },
    );
  });

  describe(`Pool.imap() errors and cancellation (${backend})`, () => {
    it("an input that throws after K items yields their results, then throws", async () => {
      await using pool = newPool(2);
      const broken = new RangeError("input failed after 7 items");
      function* source() {
        for (let i = 0; i < 7; i++) yield i;
        throw broken;
      }
      for (const ordered of [true, false]) {
        const results: number[] = [];
        const stream = ordered
          ? pool.imap((n: number) => n * n, source(), { chunksize: 3 })
          : pool.imapUnordered((n: number) => n * n, source(), { chunksize: 3 });
        await assert.rejects(async () => {
          for await (const value of stream) results.push(value);
        }, (error) => error === broken);
        const expected = range(7).map((n) => n * n);
        assert.deepEqual(ordered ? results : results.sort((a, b) => a - b), expected);
      }
    });

    it("a task error in imap throws at that position, after the results before it", async () => {
      await using pool = newPool(2);
      const results: number[] = [];
      const failing = (n: number) => {
        if (n === 5) throw new TypeError(`item ${n} failed`);
        return n;
      };
      await assert.rejects(
        async () => {
          for await (const value of pool.imap(failing, range(20), { chunksize: 2 })) {
            results.push(value);
          }
        },
        (error: Error) => {
          assert.equal(error.name, "TypeError");
          assert.equal(error.message, "item 5 failed");
          assert.match(String((error.cause as Error).message), /on item 5 /);
          return true;
        },
      );
      // Item 4 shares item 5's chunk and still arrives (Python's chunked imap would lose it).
      assert.deepEqual(results, [0, 1, 2, 3, 4]);
      assert.deepEqual(await toArray(pool.imap((n: number) => n, [1, 2])), [1, 2]);
    });

    it(
      "aborting the signal mid-imap throws the reason and the pool keeps working",
      slow,
      async () => {
        await using pool = newPool(2);
        const controller = new AbortController();
        const reason = new Error("imap aborted");
        const results: number[] = [];
        const task = (n: number) =>
          n < 4 ? n : new Promise<number>((resolve) => setTimeout(() => resolve(n), 60_000));
        await assert.rejects(async () => {
          for await (
            const value of pool.imap(task, range(50), {
              chunksize: 1,
              buffersize: 4,
              signal: controller.signal,
            })
          ) {
            results.push(value);
            if (value === 3) controller.abort(reason);
          }
        }, (error) => error === reason);
        assert.deepEqual(results, [0, 1, 2, 3]);
        await until(() => pool.stats().busy === 0 && pool.stats().queued === 0, "the pool is idle");
        assert.deepEqual(await pool.map((n: number) => n + 1, [1, 2]), [2, 3]);
        await until(() => pool.stats().workers === 2, "the workers were replaced");
      },
    );

    it("imap with timeoutMs throws TimeoutError at the chunk that ran too long", slow, async () => {
      await using pool = newPool(2);
      const results: number[] = [];
      const task = (n: number) =>
        n === 2 ? new Promise<number>((resolve) => setTimeout(() => resolve(n), 60_000)) : n;
      await assert.rejects(async () => {
        for await (const value of pool.imap(task, range(6), { chunksize: 1, timeoutMs: 200 })) {
          results.push(value);
        }
      }, TimeoutError);
      assert.deepEqual(results, [0, 1]);
    });

    it("leaving imap early withdraws its queued chunks", async () => {
      await using pool = newPool(1);
      const cells = newCells(backend, 2);
      // Each task counts itself in cell 1; all but the first wait until cell 0 is set.
      const items = range(4).map((i) => [cells, i] as [Cells, number]);
      // timeoutMs makes each chunk run alone on the worker, so the queue is observable.
      const stream = pool.imap(cellTasks.gatedItem, items, {
        chunksize: 1,
        buffersize: 4,
        timeoutMs: 20_000,
      });
      assert.deepEqual(await stream.next(), { done: false, value: 0 });
      await until(
        () => load(cells, 1) === 2 && pool.stats().queued === 2,
        "the second chunk runs and two wait",
      );
      await stream.return();
      assert.equal(pool.stats().queued, 0, "the queued chunks were withdrawn");
      store(cells, 0, 1);
      await until(() => pool.stats().busy === 0, "the pool is idle");
      assert.equal(load(cells, 1), 2, "only the first two chunks ran");
    });

    it("imap on a pool terminated mid-stream throws instead of hanging", async () => {
      const pool = newPool(1);
      try {
        const stream = pool.imap((n: number) => n, range(100), { chunksize: 1, buffersize: 2 });
        assert.deepEqual(await stream.next(), { done: false, value: 0 });
        await pool.terminate();
        await assert.rejects(async () => {
          for await (const _ of stream) { /* drain */ }
        }, { name: "PoolTerminatedError" });
      } finally {
        await pool.terminate();
      }
    });
  });
});
