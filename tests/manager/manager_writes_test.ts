// A worker's manager writes (set, append, …) are acknowledged lazily and sent in batches
// (lib/manager/_outbox.ts): what a user relies on must hold all the same — the task's caller
// sees every write once the task is done, the worker reads its own writes, and a write that
// fails is not lost silently.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type DictProxy,
  type ListProxy,
  Manager,
  Pool,
  Process,
  type QueueProxy,
} from "../../mod.ts";
import { onEachBackend } from "../fixtures/backends.ts";

const slow = { timeout: 60_000 };

/** Writes `count` keys, then reads one back (the worker's own writes). */
async function writeAndRead(d: DictProxy<string, number>, id: number, count: number) {
  for (let i = 0; i < count; i++) await d.set(`${id}:${i}`, i);
  return await d.get(`${id}:${count - 1}`);
}

async function appendAll(list: ListProxy<number>, items: number[]): Promise<void> {
  for (const item of items) await list.append(item);
}

onEachBackend((backend) => {
  describe(`manager writes from workers (${backend} backend)`, slow, () => {
    it("every write of a task is seen by its caller once the task is done", async () => {
      await using manager = await Manager.start({ backend });
      await using pool = new Pool({ processes: 2, backend });
      const d = await manager.dict<string, number>();
      const reads = await pool.starmap(writeAndRead, [[d, 1, 1500], [d, 2, 1500], [d, 3, 10]]);
      assert.deepEqual(reads, [1499, 1499, 9]);
      assert.equal(await d.size(), 3010);
      assert.equal(await d.get("2:1234"), 1234);
    });

    it("a Process target's writes are all there when it has exited", async () => {
      await using manager = await Manager.start({ backend });
      const list = await manager.list<number>();
      const items = Array.from({ length: 700 }, (_, i) => i);
      const p = new Process({ target: appendAll, args: [list, items], backend });
      p.start();
      await p.join();
      assert.equal(p.exitCode, 0);
      assert.deepEqual(await list.toArray(), items);
    });

    it("a manager call a Process target did not await still completes before it exits", async () => {
      await using manager = await Manager.start({ backend });
      const q = await manager.Queue<number>();
      const d = await manager.dict<string, number>();
      const p = new Process({
        target: (queue: QueueProxy<number>, shared: DictProxy<string, number>) => {
          void queue.put(7); // no await, as a Python user would write q.put(7)
          void shared.set("seen", 1);
        },
        args: [q, d],
        backend,
      });
      p.start();
      await p.join();
      assert.equal(p.exitCode, 0);
      assert.equal(await q.get({ timeoutMs: 5_000 }), 7);
      assert.equal(await d.get("seen"), 1);
    });

    it("a write that fails in the server fails the task that made it", async () => {
      await using manager = await Manager.start({ backend });
      await using pool = new Pool({ processes: 1, backend });
      const list = await manager.list<number>([1, 2]);
      await assert.rejects(
        pool.apply(async (l: ListProxy<number>) => {
          await l.set(10, 3); // out of range: Python's IndexError
        }, [list]),
        RangeError,
      );
      // The worker goes on, and so does the list.
      await pool.apply(async (l: ListProxy<number>) => await l.append(3), [list]);
      assert.deepEqual(await list.toArray(), [1, 2, 3]);
    });

    it("a write whose value cannot be sent is reported by the worker's next request", async () => {
      await using manager = await Manager.start({ backend });
      await using pool = new Pool({ processes: 1, backend });
      const d = await manager.dict<string, unknown>();
      const message = await pool.apply(async (shared: DictProxy<string, unknown>) => {
        await shared.set("fn", () => 1);
        try {
          await shared.size();
          return "no error";
        } catch (error) {
          return `${(error as Error).name}: ${(error as Error).message}`;
        }
      }, [d]);
      assert.match(message, /^TypeError: Cannot send the arguments of set\(\) to the manager/);
    });
  });
});
