// getContext() (Python: multiprocessing.get_context()), cpuCount() and runtime.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import {
  activeChildren,
  BoundedSemaphore,
  Condition,
  cpuCount,
  Event,
  getContext,
  Process,
  Queue,
  RLock,
  runtime,
  Semaphore,
} from "../mod.ts";

/** Stops whatever a failed test left running, so the runner can exit. */
async function stopLeftovers(): Promise<void> {
  for (const child of activeChildren()) {
    child.kill();
    await child.join();
  }
}

describe("getContext(), cpuCount() and runtime", () => {
  after(stopLeftovers);

  it('getContext("thread").Process runs a target on the thread backend', async () => {
    const ctx = getContext("thread");
    assert.equal(ctx.backend, "thread");
    const p = new ctx.Process({ target: (n: number) => n + 1, args: [1] });
    assert.ok(p instanceof Process);
    assert.equal(p.backend, "thread");
    p.start();
    await p.join();
    assert.equal(p.exitCode, 0);
  });

  it('getContext("process") gives a Pool, an executor and a Manager on child processes', {
    timeout: 60_000,
  }, async () => {
    const ctx = getContext("process");
    const parent = process.pid;
    const pid = () => (globalThis as { process: { pid: number } }).process.pid;
    {
      await using pool = new ctx.Pool(1);
      const child = await pool.apply(pid);
      assert.notEqual(child, parent);
    }
    {
      await using pool = new ctx.Pool({ processes: 1, maxTasksPerChild: 1 });
      assert.notEqual(await pool.apply(pid), parent);
    }
    {
      await using executor = new ctx.ProcessPoolExecutor({ maxWorkers: 1 });
      assert.notEqual(await executor.submit(pid), parent);
    }
    {
      await using manager = await ctx.Manager();
      const d = await manager.dict<string, number>();
      await d.set("a", 1);
      assert.deepEqual(await d.toObject(), { a: 1 });
    }
  });

  it("getContext() defaults to the thread backend and returns the same context each time", () => {
    assert.equal(getContext().backend, "thread");
    assert.equal(getContext(), getContext("thread"));
  });

  it('getContext("bogus") throws RangeError naming the backend received', () => {
    assert.throws(() => getContext("bogus" as "thread"), {
      name: "RangeError",
      message: `Cannot get context as 'backend' must be "thread" or "process": received "bogus"`,
    });
  });

  it('getContext("thread") makes the shared-memory objects, which its workers share', async () => {
    const ctx = getContext("thread");
    const queue = new ctx.Queue<number>();
    const lock = new ctx.Lock();
    const counter = new ctx.Value("i", 0);
    const [here, there] = ctx.Pipe<string>();
    const worker = new ctx.Process({
      target: (q: typeof queue, l: typeof lock, v: typeof counter, conn: typeof there) => {
        for (let i = 0; i < 3; i++) {
          l.acquireSync();
          v.value += 1;
          l.release();
          q.putSync(i);
        }
        conn.send("done");
      },
      args: [queue, lock, counter, there],
    });
    worker.start();
    assert.equal(await here.recv(), "done");
    await worker.join();
    assert.deepEqual([await queue.get(), await queue.get(), await queue.get()], [0, 1, 2]);
    assert.equal(counter.value, 3);
    // The thread context's objects are polycore's own classes, not copies.
    assert.deepEqual(
      [ctx.Event, ctx.Condition, ctx.Semaphore, ctx.BoundedSemaphore, ctx.RLock, ctx.Queue],
      [Event, Condition, Semaphore, BoundedSemaphore, RLock, Queue],
    );
    assert.ok(new ctx.Barrier(1) instanceof ctx.Barrier);
    assert.ok(new ctx.SharedArray("d", [1, 2]).length === 2);
  });

  it('getContext("process") refuses shared-memory objects, naming the Manager\'s equivalent', () => {
    const ctx = getContext("process");
    assert.throws(() => new ctx.Queue(), {
      name: "TypeError",
      message: /Cannot create Queue in a "process" context: .*manager\.Queue\(maxsize\)/,
    });
    assert.throws(() => new ctx.Lock(), /manager\.Lock\(\)/);
    assert.throws(() => new ctx.Value("i", 0), /manager\.Value\(typecode, value\)/);
    assert.throws(() => ctx.Pipe(), /manager\.Pipe\(duplex\)/);
  });

  it("cpuCount() is a positive integer", () => {
    const n = cpuCount();
    assert.ok(Number.isInteger(n) && n >= 1, `cpuCount() = ${n}`);
  });

  it("runtime names the runtime these tests run on, with its version", () => {
    const g = globalThis as { Deno?: { version: { deno: string } }; Bun?: { version: string } };
    const expected = g.Deno
      ? { name: "deno", version: g.Deno.version.deno }
      : g.Bun
      ? { name: "bun", version: g.Bun.version }
      : { name: "node", version: process.versions.node };
    assert.deepEqual({ ...runtime }, expected);
  });

  it("leaves no process running", () => {
    assert.deepEqual(activeChildren(), []);
  });
});
