// The streams behind map, imap and imapUnordered (lib/pool/_map.ts streamResults), with a fake
// chunk runner whose chunks settle in an order fast-check picks (fc.scheduler): an ordered
// stream yields every result once, in input order; an unordered one yields each once; at most
// `buffersize` chunks are held; a failed chunk throws after the results before it, or stands
// as a ChunkFailure; leaving early withdraws the chunks still pending.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ChunkFailure, type ChunkRunner, streamResults } from "../../lib/pool/_map.ts";

const result = (x: number) => x * 10;

/** A chunk runner over `s`: each chunk's results arrive when the scheduler says. */
function fakeRunner(s: fc.Scheduler, failing: ReadonlySet<number> = new Set()) {
  const chunks: { offset: number; length: number; cancelled: boolean }[] = [];
  let yielded = 0;
  let mostHeld = 0;
  const runner: ChunkRunner = {
    submit(items, offset) {
      const chunk = { offset, length: items.length, cancelled: false };
      chunks.push(chunk);
      const held = chunks.filter((c) => c.offset + c.length > yielded && !c.cancelled).length;
      mostHeld = Math.max(mostHeld, held);
      const fails = items.some((x) => failing.has(x as number));
      const outcome = fails
        ? Promise.reject(new Error(`chunk at ${offset} failed`))
        : Promise.resolve((items as number[]).map(result));
      // The scheduled copy below carries the rejection to the stream; this original is never
      // awaited when the run ends before the scheduler releases it (an unhandled rejection).
      outcome.catch(() => {});
      return {
        promise: s.schedule(outcome, `chunk at ${offset}`),
        cancel: () => chunk.cancelled = true,
      };
    },
    estimateMs: () => undefined,
  };
  return {
    runner,
    chunks,
    /** Tells the runner how many results the consumer has taken. */
    took: (n: number) => yielded = n,
    mostHeld: () => mostHeld,
  };
}

const plan = fc.record({
  input: fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 60 }),
  chunksize: fc.integer({ min: 1, max: 7 }),
  buffersize: fc.integer({ min: 1, max: 5 }),
});

/** The plan and a position in its input, which is not empty. */
const planAt = fc.tuple(plan, fc.nat())
  .filter(([{ input }]) => input.length > 0)
  .map(([p, n]) => ({ ...p, at: n % p.input.length }));

/** Runs `stream` to its end under `s`: what it yielded, and what it threw. */
async function consume(
  s: fc.Scheduler,
  stream: AsyncIterable<unknown>,
  onValue: (taken: number) => void = () => {},
): Promise<{ values: unknown[]; error?: unknown }> {
  const values: unknown[] = [];
  const error = await s.waitFor((async () => {
    try {
      for await (const value of stream) onValue(values.push(value));
    } catch (error) {
      return error;
    }
  })());
  return { values, error };
}

describe("map streams (streamResults)", () => {
  it("an ordered stream yields each result once, in input order, holding at most buffersize chunks", async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), plan, async (s, { input, chunksize, buffersize }) => {
        const fake = fakeRunner(s);
        const options = { chunksize, buffersize, ordered: true };
        const { values } = await consume(s, streamResults(fake.runner, input, options), fake.took);
        assert.deepEqual(values, input.map(result));
        assert.ok(fake.mostHeld() <= buffersize, `held ${fake.mostHeld()} chunks`);
        fake.chunks.forEach((c, i) => {
          assert.equal(c.offset, i * chunksize, "chunks cover the input in order");
          assert.equal(c.length, Math.min(chunksize, input.length - c.offset));
        });
      }),
      { numRuns: 150 },
    );
  });

  it("an unordered stream yields each result once, in any order", async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), plan, async (s, { input, chunksize, buffersize }) => {
        const fake = fakeRunner(s);
        const options = { chunksize, buffersize, ordered: false };
        const { values } = await consume(s, streamResults(fake.runner, input, options));
        const sorted = (list: unknown[]) => (list as number[]).toSorted((a, b) => a - b);
        assert.deepEqual(sorted(values), sorted(input.map(result)));
      }),
      { numRuns: 150 },
    );
  });

  it("a failed chunk throws after the results before it, or stands as a ChunkFailure", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        planAt,
        async (s, { input, chunksize, buffersize, at }) => {
          const failing = new Set([input[at]]);
          const first = input.findIndex((x) => failing.has(x));
          const failedChunk = Math.floor(first / chunksize) * chunksize;
          const fake = fakeRunner(s, failing);
          const options = { chunksize, buffersize, ordered: true };
          const { values, error } = await consume(s, streamResults(fake.runner, input, options));
          assert.match(
            String((error as Error).message),
            new RegExp(`chunk at ${failedChunk} failed`),
          );
          assert.deepEqual(values, input.slice(0, failedChunk).map(result));

          const fake2 = fakeRunner(s, failing);
          const going = streamResults(fake2.runner, input, { ...options, continueOnError: true });
          const all = (await consume(s, going)).values;
          const expected: unknown[] = [];
          for (let offset = 0; offset < input.length; offset += chunksize) {
            const items = input.slice(offset, offset + chunksize);
            if (items.some((x) => failing.has(x))) expected.push("failed");
            else expected.push(...items.map(result));
          }
          assert.deepEqual(all.map((v) => v instanceof ChunkFailure ? "failed" : v), expected);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("leaving early withdraws every chunk it did not finish and closes the source", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        planAt,
        fc.boolean(),
        async (s, { input, chunksize, buffersize, at: stopAfter }, ordered) => {
          const fake = fakeRunner(s);
          let closed = false;
          const source = {
            [Symbol.iterator]: () => {
              const inner = input[Symbol.iterator]();
              return {
                next: () => inner.next(),
                return: () => {
                  closed = true;
                  return { done: true as const, value: undefined };
                },
              };
            },
          };
          let taken = 0;
          await s.waitFor((async () => {
            for await (
              const _ of streamResults(fake.runner, source, { chunksize, buffersize, ordered })
            ) {
              if (++taken > stopAfter) break;
            }
          })());
          const unfinished = fake.chunks.filter((c) => !c.cancelled);
          // Ordered: only chunks whose results were all taken, and the one being yielded, stay.
          if (ordered) {
            assert.ok(unfinished.every((c) => c.offset < taken), "a pending chunk left running");
          }
          const submitted = fake.chunks.reduce((n, c) => n + c.length, 0);
          if (submitted < input.length) assert.ok(closed, "the source is closed");
        },
      ),
      { numRuns: 150 },
    );
  });
});
