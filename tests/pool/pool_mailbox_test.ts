// A lone call of a task a pool thread knows, with plain arguments, goes to the idle thread through
// a box in shared memory, and a plain result comes back through one while the parent's event loop
// stays awake for it (lib/pool/_doorbell.ts, issue 14). Values must arrive exactly as they do by
// port, failures and promises must settle the same, and what a box cannot hold must still go.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Pool } from "../../mod.ts";
import { Doorbell } from "../../lib/pool/_doorbell.ts";
import { Mailbox } from "../../lib/pool/_mailbox.ts";
import { runtime } from "../../runtimes/mod.ts";
import { onEachBackend } from "../fixtures/backends.ts";
import { poolOn, poolTasks } from "../fixtures/pool_helpers.ts";
import { ItemError } from "../fixtures/pool_tasks.ts";
import { plainValues } from "../fixtures/plain_values.ts";

/** What the parent put in boxes and took from them (its own side: the workers run a bundle). */
const boxed = { calls: 0, results: 0 };
const postCall = Doorbell.prototype.postCall;
const read = Mailbox.prototype.read;
Doorbell.prototype.postCall = function (this: Doorbell, call) {
  const sent = postCall.call(this, call);
  if (sent) boxed.calls++;
  return sent;
};
// In the parent, only results boxes are read.
Mailbox.prototype.read = function (this: Mailbox, head, count) {
  boxed.results++;
  return read.call(this, head, count);
};
after(() => {
  Doorbell.prototype.postCall = postCall;
  Mailbox.prototype.read = read;
});

/** `boxed` counted afresh over `body`. */
async function counting(body: () => Promise<void>): Promise<{ calls: number; results: number }> {
  boxed.calls = boxed.results = 0;
  await body();
  return { ...boxed };
}

const echo = (value: unknown): unknown => value;

onEachBackend((backend) => {
  const newPool = poolOn(backend);
  const threads = backend === "thread";

  describe(`calls and results through a pool thread's boxes (${backend})`, () => {
    it("plain arguments and results keep their values and types, one call after another", async () => {
      await using pool = newPool(1);
      await pool.apply(echo, [1]); // the first call carries the task's source: by port
      const seen = await counting(async () => {
        for (const value of [...plainValues, ...plainValues]) {
          const back = await pool.apply(echo, [value]);
          assert.ok(Object.is(back, value), `${String(value)} came back as ${String(back)}`);
        }
        const joined = await pool.apply(
          (a: string, n: number, b: boolean) => `${a.repeat(n)}${b}`,
          [
            "ab✓",
            3,
            true,
          ],
        );
        assert.equal(joined, "ab✓ab✓ab✓true");
      });
      if (!threads) return assert.deepEqual(seen, { calls: 0, results: 0 }, "no boxes here");
      // A call finds the box closed now and then (the worker's idle wait ended): most go in it.
      assert.ok(seen.calls >= plainValues.length, `calls went by port: ${seen.calls} boxed`);
      if (runtime.nextTurnStaysAwake) assert.ok(seen.results > 0, "no result came by box");
      else assert.equal(seen.results, 0, "a loop that does not stay awake does not poll");
    });

    it("what a box cannot hold goes by port and arrives the same", async () => {
      await using pool = newPool(1);
      await pool.apply(echo, [1]);
      const values = [
        { a: [1, { b: "c" }] },
        [1, 2, 3],
        12345678901234567890n,
        new Date(0),
        new Map([["k", new Set([1])]]),
        "z".repeat(5000),
        new Float64Array([1.5, -0]),
      ];
      const seen = await counting(async () => {
        for (const value of values) assert.deepEqual(await pool.apply(echo, [value]), value);
      });
      assert.deepEqual(seen, { calls: 0, results: 0 });
    });

    it("a task that throws, or returns a promise, settles as it would by port", async () => {
      await using pool = newPool(1);
      const checked = (n: number): number => {
        if (n < 0) throw new RangeError(`negative: ${n}`);
        return n;
      };
      assert.equal(await pool.apply(checked, [1]), 1);
      const seen = await counting(async () => {
        await assert.rejects(pool.apply(checked, [-2]), (error: Error) => {
          assert.ok(error instanceof RangeError);
          assert.equal(error.message, "negative: -2");
          return true;
        });
        assert.equal(await pool.apply(checked, [3]), 3, "the worker goes on");
        const doubled = (n: number) =>
          new Promise<number>((resolve) => setTimeout(resolve, 1, n * 2));
        await pool.apply(doubled, [0]);
        assert.equal(await pool.apply(doubled, [21]), 42);
      });
      if (threads) assert.ok(seen.calls > 0, "every call went by port");
    });

    it("a module task's calls go through the box too, and its errors arrive as their class", async () => {
      await using pool = newPool(1);
      assert.equal(await pool.apply(poolTasks.doubleUnless, [1]), 2);
      const seen = await counting(async () => {
        assert.equal(await pool.apply(poolTasks.doubleUnless, [4]), 8);
        await assert.rejects(pool.apply(poolTasks.doubleUnless, [6]), ItemError);
        assert.equal(await pool.apply(poolTasks.doubleUnless, [5]), 10);
      });
      if (threads) assert.ok(seen.calls > 0, "every call went by port");
    });
  });
});

describe("calls through the boxes on a pool of two threads", () => {
  it("concurrent and sequential calls all settle with their own results", async () => {
    await using pool = new Pool(2);
    const square = (n: number) => n * n;
    await pool.apply(square, [0]);
    for (let round = 0; round < 20; round++) {
      const all = await Promise.all([1, 2, 3].map((n) => pool.apply(square, [n + round])));
      assert.deepEqual(all, [1, 2, 3].map((n) => (n + round) ** 2));
      assert.equal(await pool.apply(square, [round]), round * round);
    }
  });
});
