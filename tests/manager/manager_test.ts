// Manager: one server, async proxies used from the main program, thread workers and process
// workers alike, on both backends for the server too.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  BrokenBarrierError,
  EOFError,
  fromModule,
  Manager,
  Pool,
  Process,
  ProcessError,
  QueueEmptyError,
  QueueFullError,
} from "../../mod.ts";
import { onEachBackend } from "../fixtures/backends.ts";

const tasks = fromModule<typeof import("../fixtures/manager_tasks.ts")>(
  new URL("../fixtures/manager_tasks.ts", import.meta.url),
);

onEachBackend((backend) => {
  describe(`Manager objects (server on ${backend})`, () => {
    it("dict, list and Namespace keep Python's semantics", { timeout: 30_000 }, async () => {
      await using manager = await Manager.start({ backend });
      const d = await manager.dict<string, number>({ a: 1 });
      await d.set("b", 2);
      assert.equal(await d.get("a"), 1);
      assert.equal(await d.get("zz", 9), 9);
      assert.equal(await d.has("b"), true);
      assert.equal(await d.size(), 2);
      assert.equal(await d.setDefault("c", 3), 3);
      assert.equal(await d.pop("c"), 3);
      await assert.rejects(d.pop("c"), RangeError);
      assert.equal(await d.pop("c", 0), 0);
      assert.equal(await d.add("hits", 1), 1);
      assert.equal(await d.add("hits", 1), 2);
      assert.deepEqual(await d.toObject(), { a: 1, b: 2, hits: 2 });
      assert.deepEqual(await d.toMap(), new Map([["a", 1], ["b", 2], ["hits", 2]]));

      const l = await manager.list<number>([3, 1]);
      await l.append(2);
      await l.extend([5, 5]);
      assert.equal(await l.get(-1), 5);
      assert.equal(await l.count(5), 2);
      assert.equal(await l.pop(), 5);
      await l.insert(0, 0);
      assert.equal(await l.index(1), 2);
      assert.deepEqual(await l.toArray(), [0, 3, 1, 2, 5]);
      await assert.rejects(l.get(10), RangeError);

      const ns = await manager.Namespace({ x: 1 });
      await ns.set("y", { nested: [1, 2] });
      assert.deepEqual(await ns.toObject(), { x: 1, y: { nested: [1, 2] } });
      await assert.rejects(ns.get("missing"), /no attribute "missing"/);
    });

    it(
      "Value and Array convert to their typecode; add is atomic",
      { timeout: 30_000 },
      async () => {
        await using manager = await Manager.start({ backend });
        const v = await manager.Value("i", 0);
        await v.set(2 ** 31); // wraps, as a C int does
        assert.equal(await v.get(), -(2 ** 31));
        await v.set(1.9);
        assert.equal(await v.get(), 1);
        await Promise.all(Array.from({ length: 50 }, () => v.add(1)));
        assert.equal(await v.get(), 51);
        const big = await manager.Value("q", 1n);
        assert.equal(await big.add(2n ** 40n), 2n ** 40n + 1n);
        const a = await manager.Array("d", [1, 2, 3]);
        await a.set(0, 0.5);
        assert.deepEqual(await a.toArray(), [0.5, 2, 3]);
        assert.equal(await a.length(), 3);
        await assert.rejects(a.get(3), RangeError);
        await assert.rejects(manager.Value("z" as "i", 0), TypeError);
      },
    );

    it("Queue: FIFO, bounds, timeouts and nowait", { timeout: 30_000 }, async () => {
      await using manager = await Manager.start({ backend });
      const q = await manager.Queue<number>(2);
      await q.put(1);
      await q.putNowait(2);
      assert.equal(await q.full(), true);
      await assert.rejects(q.putNowait(3), (error) => QueueFullError.is(error));
      await assert.rejects(q.put(3, { timeoutMs: 20 }), (error) => QueueFullError.is(error));
      const blocked = q.put(3); // waits for room
      assert.equal(await q.get(), 1);
      await blocked;
      assert.deepEqual([await q.get(), await q.getNowait()], [2, 3]);
      assert.equal(await q.empty(), true);
      await assert.rejects(q.getNowait(), (error) => QueueEmptyError.is(error));
      await assert.rejects(q.get({ timeoutMs: 20 }), (error) => QueueEmptyError.is(error));
    });

    it("locks: timeouts, RLock ownership, bounded semaphores", { timeout: 30_000 }, async () => {
      await using manager = await Manager.start({ backend });
      const lock = await manager.Lock();
      assert.equal(await lock.acquire(), true);
      assert.equal(await lock.acquire({ timeoutMs: 0 }), false);
      assert.equal(await lock.acquire({ timeoutMs: 30 }), false);
      await lock.release();
      await assert.rejects(lock.release(), (error) => ProcessError.is(error));
      const rlock = await manager.RLock();
      assert.equal(await rlock.acquire(), true);
      assert.equal(await rlock.acquire({ timeoutMs: 0 }), true, "reentrant for its owner");
      await rlock.release();
      await rlock.release();
      const semaphore = await manager.BoundedSemaphore(2);
      assert.equal(await semaphore.acquire(), true);
      assert.equal(await semaphore.acquire(), true);
      assert.equal(await semaphore.acquire({ timeoutMs: 0 }), false);
      await semaphore.release();
      await semaphore.release();
      await assert.rejects(semaphore.release(), /released too many times/);
      await assert.rejects(manager.Semaphore(-1), RangeError);
    });

    it("Event, Condition and Barrier", { timeout: 30_000 }, async () => {
      await using manager = await Manager.start({ backend });
      const event = await manager.Event();
      assert.equal(await event.wait(10), false);
      const waiting = event.wait();
      await event.set();
      assert.equal(await waiting, true);

      const condition = await manager.Condition();
      await assert.rejects(condition.notify(), /without holding its lock/);
      await condition.acquire();
      assert.equal(await condition.wait(10), false);
      await condition.notifyAll();
      await condition.release();

      const barrier = await manager.Barrier(3, { timeoutMs: 10_000 });
      const indexes = await Promise.all([barrier.wait(), barrier.wait(), barrier.wait()]);
      assert.deepEqual([...indexes].sort(), [0, 1, 2]);
      const stuck = barrier.wait();
      await barrier.abort();
      await assert.rejects(stuck, (error) => BrokenBarrierError.is(error));
      assert.equal((await barrier.state()).broken, true);
      await barrier.reset();
      assert.deepEqual(await barrier.state(), { parties: 3, nWaiting: 0, broken: false });
      const timed = await manager.Barrier(2);
      await assert.rejects(timed.wait(20), (error) => BrokenBarrierError.is(error));
    });
  });

  describe(`Manager proxies in ${backend} workers`, () => {
    it("the seed: 4 processes fill a shared dict and list", { timeout: 60_000 }, async () => {
      await using manager = await Manager.start({ backend });
      const shared = await manager.dict<number, number>();
      const list = await manager.list<number>();
      const processes = [0, 1, 2, 3].map((id) =>
        new Process({ backend, target: tasks.fill, args: [shared, list, id] })
      );
      for (const p of processes) p.start();
      for (const p of processes) await p.join();
      assert.deepEqual(processes.map((p) => p.exitCode), [0, 0, 0, 0]);
      assert.deepEqual(await shared.toObject(), { 0: 0, 1: 2, 2: 4, 3: 6 });
      assert.deepEqual((await list.toArray()).sort(), [0, 1, 2, 3]);
    });

    it("the seed's producer/consumer over manager.Queue() with a null sentinel", {
      timeout: 60_000,
    }, async () => {
      await using manager = await Manager.start({ backend });
      const queue = await manager.Queue<number | null>();
      const consumed = await manager.list<number>();
      const producer = new Process({
        backend,
        target: async (q: typeof queue, items: number[]) => {
          for (const item of items) await q.put(item);
          await q.put(null);
        },
        args: [queue, [0, 1, 2, 3, 4]],
      });
      const consumer = new Process({
        backend,
        target: async (q: typeof queue, out: typeof consumed) => {
          for (let item = await q.get(); item !== null; item = await q.get()) {
            await out.append(item);
          }
        },
        args: [queue, consumed],
      });
      producer.start();
      consumer.start();
      await Promise.all([producer.join(), consumer.join()]);
      assert.deepEqual([producer.exitCode, consumer.exitCode], [0, 0]);
      assert.deepEqual(await consumed.toArray(), [0, 1, 2, 3, 4]);
    });

    it("a manager Lock makes read-modify-write exact across workers", {
      timeout: 60_000,
    }, async () => {
      await using manager = await Manager.start({ backend });
      const counter = await manager.Value("i", 0);
      const lock = await manager.Lock();
      await using pool = new Pool({ processes: 2, backend });
      await pool.starmap(tasks.lockedIncrements, [1, 2, 3, 4].map(() => [counter, lock, 50]), {
        chunksize: 1,
      });
      assert.equal(await counter.get(), 200);
    });

    it("a JoinableQueue feeds workers; join() waits for every taskDone()", {
      timeout: 60_000,
    }, async () => {
      await using manager = await Manager.start({ backend });
      const queue = await manager.JoinableQueue<number | null>();
      const results = await manager.list<number>();
      const consumers = [1, 2].map(() =>
        new Process({ backend, target: tasks.consume, args: [queue, results] })
      );
      for (const c of consumers) c.start();
      for (let i = 0; i < 10; i++) await queue.put(i);
      for (const _ of consumers) await queue.put(null);
      await queue.join();
      for (const c of consumers) await c.join();
      assert.deepEqual((await results.toArray()).sort((a, b) => a - b), [
        0,
        2,
        4,
        6,
        8,
        10,
        12,
        14,
        16,
        18,
      ]);
      await assert.rejects(queue.taskDone(), /too many times/);
    });
  });
});

onEachBackend((backend) => {
  describe(`manager.Pipe() between ${backend} workers`, () => {
    it("the seed's sender/receiver: objects in order, then EOFError after close", {
      timeout: 60_000,
    }, async () => {
      await using manager = await Manager.start({ backend });
      const [receiving, sending] = await manager.Pipe<unknown>(false);
      const sender = new Process({
        backend,
        target: async (conn: typeof sending) => {
          await conn.send("Hello from sender");
          await conn.send({ data: [1, 2, 3] });
          await conn.sendBytes(new Uint8Array([7, 8]));
          await conn.close();
        },
        args: [sending],
      });
      sender.start();
      assert.equal(await receiving.recv(), "Hello from sender");
      assert.deepEqual(await receiving.recv(), { data: [1, 2, 3] });
      assert.deepEqual(await receiving.recvBytes(), new Uint8Array([7, 8]));
      await assert.rejects(receiving.recv(), (error) => EOFError.is(error));
      assert.equal(await receiving.poll(), true, "EOF counts as readable, as in Python");
      await sender.join();
      assert.equal(sender.exitCode, 0);
      await assert.rejects(receiving.send("x"), /receiving end of a one-way pipe/);
    });

    it("duplex ends talk both ways; poll and recv honour timeouts", {
      timeout: 60_000,
    }, async () => {
      await using manager = await Manager.start({ backend });
      const [a, b] = await manager.Pipe<number>();
      assert.equal(await a.poll(), false);
      assert.equal(await a.poll(20), false);
      await assert.rejects(a.recv({ timeoutMs: 20 }), (error) => QueueEmptyError.is(error));
      await using pool = new Pool({ processes: 1, backend });
      const echoed = pool.apply(async (end: typeof b) => {
        const n = await end.recv();
        await end.send(n * 2);
      }, [b]);
      await a.send(21);
      assert.equal(await a.recv(), 42);
      await echoed;
    });
  });
});

describe("Manager lifecycle", () => {
  it(
    "after shutdown, proxies and factories fail with clear errors",
    { timeout: 30_000 },
    async () => {
      const manager = await Manager.start();
      const d = await manager.dict();
      await manager.shutdown();
      await assert.rejects(d.set("a", 1), /manager's server .* is gone/);
      await assert.rejects(manager.list(), /has been shut down/);
      await manager.shutdown(); // idempotent
    },
  );

  it("a server that dies rejects pending and later calls instead of hanging", {
    timeout: 30_000,
  }, async () => {
    const manager = await Manager.start({ backend: "process" });
    const q = await manager.Queue();
    const pending = q.get(); // would wait forever
    const pid = await (async () => {
      const { childrenOf } = await import("../fixtures/children.ts");
      const { default: process } = await import("node:process");
      return childrenOf(process.pid);
    })();
    const { default: process } = await import("node:process");
    for (const child of pid) {
      try {
        process.kill(child, "SIGKILL");
      } catch {
        // not ours to kill
      }
    }
    await assert.rejects(pending, /is gone/);
    await assert.rejects(q.put(1), /is gone/);
    await manager.shutdown();
  });

  it("bad arguments throw TypeError/RangeError naming them", async () => {
    await assert.rejects(Manager.start({ backend: "fork" as "thread" }), RangeError);
    await assert.rejects(Manager.start(5 as never), TypeError);
  });
});
