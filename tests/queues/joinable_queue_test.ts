// JoinableQueue (Python: multiprocessing.JoinableQueue): taskDone() counts, join() waits for
// every task, an extra taskDone() throws (Python's ValueError "task_done() called too many
// times"), and the seed's worker_function (004) with task_queue.join() and poison pills, here
// on a JoinableQueue (the seed's plain Queue has no join()).
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { cpuCount, JoinableQueue, Lock, ProcessError, Queue } from "../../mod.ts";
import { joined, startWorker, stopLeftovers } from "../fixtures/sync_helpers.ts";

describe("JoinableQueue", () => {
  after(stopLeftovers);

  it("join() resolves at once when no task was put", async () => {
    const q = new JoinableQueue<number>();
    await q.join();
    q.joinSync();
    assert.equal(q.unfinishedTasks(), 0);
  });

  it("each put() adds an unfinished task and each taskDone() removes one", async () => {
    const q = new JoinableQueue<string>(2);
    await q.put("a");
    q.putNowait("b");
    assert.equal(q.unfinishedTasks(), 2);
    assert.equal(await q.get(), "a");
    assert.equal(q.unfinishedTasks(), 2, "get() alone does not finish a task");
    q.taskDone();
    assert.equal(q.unfinishedTasks(), 1);
    let joinedYet = false;
    const joining = q.join().then(() => joinedYet = true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(joinedYet, false);
    assert.equal(q.getNowait(), "b");
    q.taskDone();
    await joining;
    assert.equal(q.unfinishedTasks(), 0);
  });

  it("taskDone() called more times than items were put throws ProcessError (Python: ValueError)", async () => {
    const q = new JoinableQueue<number>();
    assert.throws(() => q.taskDone(), {
      name: "ProcessError",
      message:
        "Cannot mark a task done as taskDone() was called more times than items were put (Python: task_done() called too many times)",
    });
    await q.put(1);
    await q.get();
    q.taskDone();
    assert.throws(() => q.taskDone(), ProcessError);
    assert.equal(q.unfinishedTasks(), 0);
  });

  it("a put that fails adds no task", async () => {
    const q = new JoinableQueue<number>(1);
    await q.put(1);
    await assert.rejects(q.put(2, { timeoutMs: 0 }), { name: "QueueFullError" });
    assert.throws(() => q.putNowait(3), { name: "QueueFullError" });
    await assert.rejects(q.put((() => 1) as unknown as number), TypeError);
    assert.equal(q.unfinishedTasks(), 1);
  });

  it("is a Queue, and arrives in a worker as a JoinableQueue", async () => {
    const q = new JoinableQueue<number>();
    assert.ok(q instanceof Queue);
    await q.put(5);
    const p = startWorker((q: JoinableQueue<number>) => {
      if (q.constructor.name !== "JoinableQueue") throw new Error(`got ${q.constructor.name}`);
      if (q.getSync() !== 5) throw new Error("wrong item");
      q.taskDone();
    }, [q]);
    await q.join();
    await joined(p);
  });

  it("the seed's worker_function (004): workers take tasks, join() waits for them, poison pills stop them", async () => {
    const taskQueue = new JoinableQueue<string | null>();
    const printLock = new Lock();
    const log = new Queue<string>();
    for (let i = 0; i < 20; i++) await taskQueue.put(`Task-${i}`);
    const workers = Math.max(2, cpuCount());
    const processes = Array.from({ length: workers }, (_, i) =>
      startWorker(
        async (name: string, q: JoinableQueue<string | null>, lock: Lock, log: Queue<string>) => {
          for (;;) {
            let item: string | null;
            try {
              item = await q.get({ timeoutMs: 10_000 });
            } catch {
              break;
            }
            try {
              if (item === null) break; // Poison pill
              await lock.acquire();
              try {
                await log.put(`Process ${name} processed: ${item}`);
              } finally {
                lock.release();
              }
            } finally {
              q.taskDone();
            }
          }
        },
        [`Worker-${i}`, taskQueue, printLock, log],
      ));
    await taskQueue.join();
    assert.equal(log.qsize(), 20, "join() returned before every task was done");
    for (let i = 0; i < workers; i++) await taskQueue.put(null);
    for (const p of processes) await joined(p);
    const tasks: string[] = [];
    while (!log.empty()) tasks.push(/processed: (Task-\d+)$/.exec(await log.get())![1]);
    assert.deepEqual(tasks.sort(), Array.from({ length: 20 }, (_, i) => `Task-${i}`).sort());
    await taskQueue.join();
  });

  it("joinSync() in a worker returns once the main thread has done every task", async () => {
    const q = new JoinableQueue<number>();
    const started = new Queue<string>();
    const p = startWorker((q: JoinableQueue<number>, started: Queue<string>) => {
      for (let i = 0; i < 3; i++) q.putSync(i);
      started.putSync("put 3");
      q.joinSync();
      if (q.unfinishedTasks() !== 0) throw new Error("joinSync() returned early");
    }, [q, started]);
    assert.equal(await started.get(), "put 3");
    for (let i = 0; i < 3; i++) {
      assert.equal(await q.get(), i);
      q.taskDone();
    }
    await joined(p);
  });

  it("property: join() resolves exactly when the last of the tasks is done", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.boolean(), { maxLength: 30 }), async (steps) => {
        const q = new JoinableQueue<number>();
        let put = 0;
        let done = 0;
        for (const step of steps) {
          if (step || put === done) await q.put(put++);
          else {
            await q.get();
            q.taskDone();
            done++;
          }
          assert.equal(q.unfinishedTasks(), put - done);
        }
        let resolved = false;
        const joining = q.join().then(() => resolved = true);
        while (done < put) {
          await Promise.resolve();
          assert.equal(resolved, false);
          await q.get();
          q.taskDone();
          done++;
        }
        await joining;
      }),
      { numRuns: 50 },
    );
  });
});
