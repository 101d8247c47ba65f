// Queues between workers: the seeds' programs (001's producer/consumer with a None sentinel,
// 000's worker_logic, 004's worker_function with a shared queue, a lock and poison pills), a
// queue passed to Pool tasks, and a fast-check property: N producers × M consumers in real
// workers lose and duplicate nothing.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { JoinableQueue, Lock, Pool, Queue } from "../../mod.ts";
import { joined, runWorkers, startWorker, stopLeftovers } from "../fixtures/sync_helpers.ts";

type Tagged = [producer: number, seq: number, pad: string];

/** Puts `count` tagged items (worker). */
async function produce(
  q: Queue<Tagged | null>,
  id: number,
  count: number,
  pads: number[],
  sync: boolean,
): Promise<void> {
  for (let seq = 0; seq < count; seq++) {
    const item: Tagged = [id, seq, "x".repeat(pads[seq % pads.length])];
    if (sync) q.putSync(item);
    else await q.put(item);
  }
}

/** Takes items until `null`; sends what it got, in order, to `out` (worker). */
async function consume(
  q: Queue<Tagged | null>,
  out: Queue<[number, number][]>,
  sync: boolean,
): Promise<void> {
  const got: [number, number][] = [];
  for (;;) {
    const item = sync ? q.getSync() : await q.get();
    if (item === null) break;
    if (item[2] !== "x".repeat(item[2].length)) throw new Error(`corrupt item ${item}`);
    got.push([item[0], item[1]]);
  }
  await out.put(got);
}

describe("Queue", () => {
  after(stopLeftovers);

  it("items travel between workers: the seed's worker_logic doubles 10 (000)", async () => {
    const tasks = new Queue<number | null>();
    const results = new Queue<number>();
    const p = startWorker((input: Queue<number | null>, output: Queue<number>) => {
      for (;;) {
        const item = input.getSync();
        if (item === null) break;
        output.putSync(item * 2);
      }
    }, [tasks, results]);
    await tasks.put(10);
    await tasks.put(null);
    assert.equal(await results.get(), 20);
    await joined(p);
  });

  it("the seed's producer and consumer (001): items 0-4 arrive in order, then the sentinel", async () => {
    const q = new Queue<number | null>();
    const seen = new Queue<number[]>();
    const producer = startWorker(async (q: Queue<number | null>, items: number[]) => {
      for (const item of items) await q.put(item);
      await q.put(null); // Sentinel
    }, [q, [0, 1, 2, 3, 4]]);
    const consumer = startWorker(async (q: Queue<number | null>, seen: Queue<number[]>) => {
      const consumed: number[] = [];
      for (;;) {
        const item = await q.get();
        if (item === null) break;
        consumed.push(item);
      }
      await seen.put(consumed);
    }, [q, seen]);
    await joined(producer);
    await joined(consumer);
    assert.deepEqual(await seen.get(), [0, 1, 2, 3, 4]);
    assert.equal(q.empty(), true);
  });

  it("the seed's worker_function (004): workers share a queue and a Lock, poison pills stop them", async () => {
    const taskQueue = new Queue<string | null>();
    const printLock = new Lock();
    const log = new Queue<string>();
    for (let i = 0; i < 20; i++) await taskQueue.put(`Task-${i}`);
    const workers = 3;
    for (let i = 0; i < workers; i++) await taskQueue.put(null);
    await runWorkers(
      async (name: string, q: Queue<string | null>, lock: Lock, log: Queue<string>) => {
        for (;;) {
          let item: string | null;
          try {
            item = await q.get({ timeoutMs: 1000 });
          } catch {
            break;
          }
          if (item === null) break; // Poison pill
          await lock.acquire();
          try {
            await log.put(`${name} processed: ${item}`);
          } finally {
            lock.release();
          }
        }
      },
      Array.from(
        { length: workers },
        (_, i): [string, Queue<string | null>, Lock, Queue<string>] => [
          `Worker-${i}`,
          taskQueue,
          printLock,
          log,
        ],
      ),
    );
    const lines: string[] = [];
    while (!log.empty()) lines.push(await log.get());
    const tasks = lines.map((line) => /processed: (Task-\d+)$/.exec(line)![1]).sort();
    assert.deepEqual(tasks, Array.from({ length: 20 }, (_, i) => `Task-${i}`).sort());
  });

  it("a queue given to Pool tasks as an argument, or in initargs, is the same queue in every worker", async () => {
    const results = new Queue<number>();
    const done = new JoinableQueue<string>();
    await using pool = new Pool({
      processes: 2,
      initializer: (q: JoinableQueue<string>) => Object.assign(globalThis, { doneQueue: q }),
      initargs: [done],
    });
    await pool.map(async ([q, x]: [Queue<number>, number]) => {
      await q.put(x * x);
      const { doneQueue } = globalThis as unknown as { doneQueue: JoinableQueue<string> };
      doneQueue.putSync(`done ${x}`);
    }, [1, 2, 3, 4].map((x): [Queue<number>, number] => [results, x]));
    const squares: number[] = [];
    while (!results.empty()) squares.push(await results.get());
    assert.deepEqual(squares.sort((a, b) => a - b), [1, 4, 9, 16]);
    assert.equal(done.qsize(), 4);
    assert.equal(done.unfinishedTasks(), 4);
  });

  it("property: N producers × M consumers in workers lose and duplicate nothing, FIFO per producer", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          producers: fc.integer({ min: 1, max: 3 }),
          consumers: fc.integer({ min: 1, max: 3 }),
          count: fc.integer({ min: 0, max: 400 }),
          maxsize: fc.constantFrom(0, 1, 7),
          maxBytes: fc.constantFrom(undefined, 1024),
          pads: fc.array(fc.constantFrom(0, 3, 100, 2000), { minLength: 1, maxLength: 5 }),
          sync: fc.boolean(),
        }),
        async ({ producers, consumers, count, maxsize, maxBytes, pads, sync }) => {
          const q = new Queue<Tagged | null>(maxsize, { maxBytes });
          const out = new Queue<[number, number][]>();
          const consumerWorkers = Array.from(
            { length: consumers },
            (_, i) => startWorker(consume, [q, out, sync === (i % 2 === 0)]),
          );
          await runWorkers(
            produce,
            Array.from(
              { length: producers },
              (_, id): [Queue<Tagged | null>, number, number, number[], boolean] => [
                q,
                id,
                count,
                pads,
                sync === (id % 2 === 1),
              ],
            ),
          );
          for (let i = 0; i < consumers; i++) await q.put(null);
          const lists: [number, number][][] = [];
          for (let i = 0; i < consumers; i++) lists.push(await out.get());
          for (const worker of consumerWorkers) await joined(worker);
          for (const list of lists) {
            const last = new Map<number, number>();
            for (const [producer, seq] of list) {
              assert.ok(seq > (last.get(producer) ?? -1), "items of one producer out of order");
              last.set(producer, seq);
            }
          }
          const all = lists.flat().map(([p, s]) => p * 1_000_000 + s).sort((a, b) => a - b);
          const expected = Array.from(
            { length: producers },
            (_, p) => Array.from({ length: count }, (_, s) => p * 1_000_000 + s),
          ).flat();
          assert.deepEqual(all, expected);
          assert.equal(q.empty(), true);
        },
      ),
      { numRuns: 8 },
    );
  });
});
