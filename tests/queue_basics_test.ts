// Queue and SimpleQueue (Python: multiprocessing.Queue, multiprocessing.SimpleQueue): FIFO order
// and counts, structured-clone semantics of items, timeouts and non-blocking calls, back-pressure
// of a bounded queue, close(), items larger than the buffer, bad arguments; the seeds' programs
// (001's producer/consumer with a None sentinel, 000's worker_logic, 004's worker_function with
// a shared queue, a lock and poison pills); fast-check properties: any value comes back equal to
// its structuredClone, and N producers × M consumers in real workers lose and duplicate nothing.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  JoinableQueue,
  Lock,
  Pool,
  ProcessError,
  Queue,
  QueueEmptyError,
  QueueFullError,
  SimpleQueue,
} from "../mod.ts";
import {
  cells,
  joined,
  runWorkers,
  startWorker,
  stopLeftovers,
  until,
} from "./fixtures/sync_helpers.ts";

type Tagged = [producer: number, seq: number, pad: string];

/**
 * `value` with each Map and Set turned into a tagged list of its entries, in order: Bun's
 * `deepStrictEqual` compares object keys of Maps (and members of Sets) by reference.
 */
function entriesOf(value: unknown): unknown {
  if (value instanceof Map) {
    return ["Map", [...value].map(([k, v]) => [entriesOf(k), entriesOf(v)])];
  }
  if (value instanceof Set) return ["Set", [...value].map(entriesOf)];
  if (Array.isArray(value)) return value.map(entriesOf);
  if (typeof value !== "object" || value === null || ArrayBuffer.isView(value)) return value;
  if (value instanceof Date || value instanceof RegExp || value instanceof ArrayBuffer) {
    return value;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, entriesOf(v)]));
}

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

  it("get() returns items in the order put(); qsize(), empty() and full() follow", async () => {
    const q = new Queue<number>(3);
    assert.equal(q.empty(), true);
    assert.equal(q.maxsize, 3);
    await q.put(1);
    q.putNowait(2);
    q.putSync(3);
    assert.equal(q.qsize(), 3);
    assert.equal(q.full(), true);
    assert.deepEqual([await q.get(), q.getNowait(), q.getSync()], [1, 2, 3]);
    assert.equal(q.empty(), true);
    assert.equal(q.full(), false);
  });

  it("an unbounded queue is never full and takes 100,000 items before anyone gets one", () => {
    const q = new Queue<{ i: number }>();
    for (let i = 0; i < 100_000; i++) q.putNowait({ i });
    assert.equal(q.full(), false);
    assert.equal(q.qsize(), 100_000);
    for (let i = 0; i < 100_000; i++) assert.equal(q.getNowait().i, i);
  });

  it("items keep undefined, NaN, -0, BigInt, Date, RegExp, Map, Set, typed arrays and error classes", async () => {
    const error = new RangeError("out of range", { cause: new TypeError("inner") });
    Object.assign(error, { code: "E_RANGE" });
    const item = {
      nothing: undefined,
      numbers: [NaN, -0, Infinity, -Infinity, 2 ** 53, 0.1],
      big: -(2n ** 100n),
      when: new Date(86_400_000),
      pattern: /a+b/giu,
      map: new Map<unknown, unknown>([[1, "one"], ["nested", new Set([1, 2])]]),
      bytes: new Uint8Array([1, 2, 255]),
      floats: new Float64Array([1.5, -2.25]),
      buffer: new Uint16Array([7, 8]).buffer,
      text: "héllo ✓ 😀",
      holes: [1, , 3],
    };
    const q = new Queue<unknown>();
    await q.put(item);
    await q.put(error);
    assert.deepEqual(await q.get(), item);
    const back = await q.get() as RangeError & { code: string; cause: TypeError };
    assert.ok(back instanceof RangeError);
    assert.equal(back.message, "out of range");
    assert.equal(back.code, "E_RANGE");
    assert.ok(back.cause instanceof TypeError);
    assert.equal(back.cause.message, "inner");
  });

  it("a class instance arrives as a plain object, as with structuredClone", async () => {
    class Point {
      x = 1;
      y = 2;
      #secret = 3;
      get sum(): number {
        return this.x + this.y + this.#secret;
      }
    }
    const q = new Queue<unknown>();
    await q.put(new Point());
    assert.deepEqual(await q.get(), { x: 1, y: 2 });
  });

  it("property: any structured-cloneable value comes back equal to its structuredClone", async () => {
    const q = new Queue<unknown>();
    await fc.assert(
      fc.asyncProperty(
        fc.anything({
          withBigInt: true,
          withBoxedValues: true,
          withDate: true,
          withMap: true,
          withNullPrototype: true,
          withSet: true,
          withSparseArray: true,
          withTypedArray: true,
          withUnicodeString: true,
        }),
        async (value) => {
          await q.put(value);
          assert.deepEqual(entriesOf(await q.get()), entriesOf(structuredClone(value)));
        },
      ),
      { numRuns: 300 },
    );
  });

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

  it("get({ timeoutMs }) throws QueueEmptyError once the time has passed; timeoutMs 0 at once", async () => {
    const q = new Queue<number>();
    const t0 = performance.now();
    await assert.rejects(q.get({ timeoutMs: 50 }), {
      name: "QueueEmptyError",
      message: "Cannot get item from queue as it stayed empty for 50 ms",
    });
    assert.ok(performance.now() - t0 >= 45, `returned after ${performance.now() - t0} ms`);
    await assert.rejects(q.get({ timeoutMs: 0 }), {
      name: "QueueEmptyError",
      message: "Cannot get item from queue as it is empty",
    });
    assert.throws(() => q.getNowait(), QueueEmptyError);
    assert.throws(() => q.getSync({ timeoutMs: 5 }), QueueEmptyError);
  });

  it("a full queue makes put({ timeoutMs }) throw QueueFullError; putNowait() throws at once", async () => {
    const q = new Queue<number>(2);
    await q.put(1);
    await q.put(2);
    const t0 = performance.now();
    await assert.rejects(q.put(3, { timeoutMs: 50 }), {
      name: "QueueFullError",
      message: "Cannot put item on queue as it stayed full for 50 ms (maxsize 2)",
    });
    assert.ok(performance.now() - t0 >= 45, `returned after ${performance.now() - t0} ms`);
    assert.throws(() => q.putNowait(3), {
      name: "QueueFullError",
      message: "Cannot put item on queue as it is full (maxsize 2)",
    });
    assert.throws(() => q.putSync(3, { timeoutMs: 5 }), QueueFullError);
    assert.deepEqual([await q.get(), await q.get()], [1, 2], "the failed puts added nothing");
  });

  it("concurrent put() and get() calls on one thread each move their own item", async () => {
    const q = new Queue<string>(1);
    const puts = Promise.all(["aaa", "bbb", "ccc", "ddd"].map((s) => q.put(s)));
    const got = await Promise.all([q.get(), q.get(), q.get(), q.get()]);
    await puts;
    assert.deepEqual(got.sort(), ["aaa", "bbb", "ccc", "ddd"]);
    assert.equal(q.empty(), true);
  });

  it("a pending put() on a full queue completes when an item is taken", async () => {
    const q = new Queue<string>(1);
    await q.put("a");
    let done = false;
    const pending = q.put("b").then(() => done = true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(done, false);
    assert.equal(await q.get(), "a");
    await pending;
    assert.equal(await q.get(), "b");
  });

  it("a pending get() resolves when a worker puts an item", async () => {
    const q = new Queue<string>();
    const pending = q.get();
    const p = startWorker((q: Queue<string>) => q.putSync("from worker"), [q]);
    assert.equal(await pending, "from worker");
    await joined(p);
  });

  it("back-pressure: a worker producing into a bounded queue waits while it is full", async () => {
    const q = new Queue<number>(2);
    const sent = cells(1);
    const p = startWorker((q: Queue<number>, sent: Int32Array) => {
      for (let i = 0; i < 6; i++) {
        q.putSync(i);
        Atomics.add(sent, 0, 1);
      }
    }, [q, sent]);
    await until(() => Atomics.load(sent, 0) === 2, "the producer filled the queue");
    assert.equal(q.full(), true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(Atomics.load(sent, 0), 2, "the producer went past a full queue");
    assert.equal(q.qsize(), 2);
    const got: number[] = [];
    for (let i = 0; i < 6; i++) {
      got.push(await q.get());
      assert.ok(q.qsize() <= 2);
    }
    assert.deepEqual(got, [0, 1, 2, 3, 4, 5]);
    await joined(p);
  });

  it("close() makes this handle's put() and get() throw ProcessError; other handles go on", async () => {
    const q = new Queue<number>();
    await q.put(1);
    const other = startWorker((q: Queue<number>) => {
      if (q.getSync() !== 1) throw new Error("lost the item put before close()");
      q.putSync(2);
    }, [q]);
    await joined(other);
    q.close();
    await assert.rejects(q.put(3), {
      name: "ProcessError",
      message: "Cannot put item on queue as the queue is closed",
    });
    assert.throws(() => q.getNowait(), {
      name: "ProcessError",
      message: "Cannot get item from queue as the queue is closed",
    });
    assert.throws(() => q.putSync(3), ProcessError);
    assert.equal(q.qsize(), 1, "the worker's item is still there");
  });

  it("an item larger than the whole buffer passes in pieces, both ways, without deadlock", async () => {
    const q = new Queue<Uint8Array | string>(0, { maxBytes: 1024 });
    const big = new Uint8Array(300_000).map((_, i) => (i * 7) & 255);
    const text = "é".repeat(50_000);
    const p = startWorker((q: Queue<Uint8Array | string>) => {
      const bytes = q.getSync() as Uint8Array;
      for (let i = 0; i < bytes.length; i++) {
        if (bytes[i] !== ((i * 7) & 255)) throw new Error(`byte ${i} is wrong`);
      }
      q.putSync(`${bytes.length}`);
      q.putSync(bytes);
      const text = q.getSync() as string;
      q.putSync("small");
      q.putSync(text);
    }, [q]);
    await q.put(big);
    await until(() => !q.empty(), "the worker answered");
    assert.equal(await q.get(), "300000");
    assert.deepEqual(await q.get(), big);
    await q.put(text);
    await until(() => !q.empty(), "the worker answered");
    assert.equal(await q.get(), "small");
    assert.equal(await q.get(), text);
    await joined(p);
  });

  it("the buffer grows for a large item while the items in it wrap around its end", async () => {
    // A small integer takes 12 bytes of the 64 KiB the buffer starts with: 5,000 of them and
    // 1,000 more after 4,990 are taken wrap around its end.
    const q = new Queue<number | string>();
    for (let i = 0; i < 5000; i++) await q.put(i);
    for (let i = 0; i < 4990; i++) assert.equal(await q.get(), i);
    for (let i = 5000; i < 6000; i++) await q.put(i);
    const big = "big".repeat(100_000);
    await q.put(big);
    await q.put(-1);
    for (let i = 4990; i < 6000; i++) assert.equal(await q.get(), i);
    assert.equal(await q.get(), big);
    assert.equal(await q.get(), -1);
  });

  it("bad arguments throw TypeError or RangeError naming the argument", async () => {
    assert.throws(() => new Queue(-1), {
      name: "RangeError",
      message:
        "Cannot create queue as 'maxsize' must be an integer from 0 (no limit) to 2147483647: received -1",
    });
    assert.throws(() => new Queue(1.5), RangeError);
    assert.throws(() => new Queue("3" as unknown as number), {
      name: "TypeError",
      message: /^Cannot create queue as 'maxsize' must be an integer/,
    });
    assert.throws(() => new Queue(0, { maxBytes: 8 }), {
      name: "RangeError",
      message:
        "Cannot create queue as 'maxBytes' must be an integer from 64 to 1073741824: received 8",
    });
    const q = new Queue<unknown>();
    await assert.rejects(q.put(1, { timeoutMs: -1 }), {
      name: "RangeError",
      message: "Cannot put item on queue as 'timeoutMs' must be >= 0: received -1",
    });
    await assert.rejects(q.get({ timeoutMs: "5" as unknown as number }), TypeError);
    await assert.rejects(q.put({ job: { run: () => 1 } }), {
      name: "TypeError",
      message:
        "Cannot put item on queue as item.job.run is function run, which cannot be serialized",
    });
    const cyclic: { self?: unknown; list: unknown[] } = { list: [] };
    cyclic.list.push(cyclic);
    assert.throws(() => q.putNowait(cyclic), {
      name: "TypeError",
      message:
        "Cannot put item on queue as item.list[0] refers back to item: an item with a cycle cannot be serialized",
    });
    assert.throws(() => q.putNowait([new Lock()]), {
      name: "TypeError",
      message:
        "Cannot put item on queue as item[0] is an instance of Lock: share it by passing it to the worker as a Process or Pool argument, not through a queue or pipe",
    });
    assert.equal(q.empty(), true, "nothing was put by the failed calls");
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

describe("SimpleQueue", () => {
  after(stopLeftovers);

  it("put(), get(), empty() and close() (Python: SimpleQueue)", async () => {
    const q = new SimpleQueue<string | number[]>();
    assert.equal(q.empty(), true);
    await q.put("a");
    q.putSync([1, 2]);
    assert.equal(q.empty(), false);
    assert.equal(await q.get(), "a");
    assert.deepEqual(q.getSync(), [1, 2]);
    q.close();
    await assert.rejects(q.put("b"), {
      name: "ProcessError",
      message: "Cannot put item on simple queue as the queue is closed",
    });
    await assert.rejects(q.get(), ProcessError);
  });

  it("a worker gets the same queue: a pending get() resolves with its item", async () => {
    const q = new SimpleQueue<string>();
    const pending = q.get();
    await joined(startWorker((q: SimpleQueue<string>) => q.putSync("hi"), [q]));
    assert.equal(await pending, "hi");
  });
});
