// Queue and SimpleQueue (Python: multiprocessing.Queue, multiprocessing.SimpleQueue): FIFO order
// and counts, timeouts and non-blocking calls, pending calls, back-pressure of a bounded queue,
// close(), items larger than the buffer, bad arguments.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  Lock,
  ProcessError,
  Queue,
  QueueEmptyError,
  QueueFullError,
  SimpleQueue,
} from "../../mod.ts";
import { cells, joined, startWorker, stopLeftovers, until } from "../fixtures/sync_helpers.ts";

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
