// Condition (Python: multiprocessing.Condition), after CPython's lock_tests.py ConditionTests:
// wait/notify without the lock, timeouts, wait_for, and _check_notify's exact notify counts
// with five worker threads.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Condition, fromModule, Lock, ProcessError, RLock } from "../../mod.ts";
import { cells, joined, startWorker, stopLeftovers, until } from "../fixtures/sync_helpers.ts";

const tasks = fromModule<typeof import("../fixtures/sync_tasks.ts")>(
  new URL("../fixtures/sync_tasks.ts", import.meta.url),
);

describe("Condition", () => {
  after(stopLeftovers);

  it("wait() and notify() without holding the lock throw ProcessError (CPython test_unacquired_wait/notify)", async () => {
    const cond = new Condition();
    await assert.rejects(cond.wait(10), {
      name: "ProcessError",
      message: "Cannot wait on condition as its lock is not held by this thread",
    });
    assert.throws(() => cond.waitSync(10), ProcessError);
    assert.throws(() => cond.notify(), {
      name: "ProcessError",
      message: "Cannot notify condition as its lock is not held by this thread",
    });
    assert.throws(() => cond.notifyAll(), ProcessError);
    await assert.rejects(cond.waitFor(() => true), ProcessError);
  });

  it("wait(timeoutMs) resolves to false when nobody notifies, holding the lock again after", async () => {
    const cond = new Condition();
    await cond.acquire();
    const t0 = performance.now();
    assert.equal(await cond.wait(40), false);
    assert.ok(performance.now() - t0 >= 35);
    assert.equal(cond.waitSync(5), false);
    cond.release(); // held again: no error
    assert.throws(() => cond.release(), ProcessError);
  });

  it("a notify() with nobody waiting is not stored for a later wait()", async () => {
    const cond = new Condition(new Lock());
    using _ = await cond.hold();
    cond.notify(5);
    cond.notifyAll();
    assert.equal(await cond.wait(20), false);
  });

  it("waitFor() resolves to the predicate's value, or its last falsy value after the timeout", async () => {
    const cond = new Condition();
    using _ = await cond.hold();
    assert.equal(await cond.waitFor(() => "ready"), "ready");
    const t0 = performance.now();
    assert.equal(await cond.waitFor(() => 0, 30), 0);
    assert.ok(performance.now() - t0 >= 25);
    assert.equal(cond.waitForSync(() => null, 5), null);
  });

  it("the default lock is an RLock: wait() frees every level, and restores them after", async () => {
    const cond = new Condition();
    const box = cells(1);
    await cond.acquire();
    await cond.acquire();
    const worker = startWorker(tasks.setAndNotify, [cond, cond as never, box, 7]);
    assert.equal(await cond.waitFor(() => Atomics.load(box, 0) === 7, 20_000), true);
    await joined(worker);
    cond.release();
    cond.release();
    assert.throws(() => cond.release(), ProcessError);
  });

  it("a Condition and its Lock arrive in a worker sharing one lock", async () => {
    const lock = new RLock();
    const cond = new Condition(lock);
    const box = cells(2);
    const waiter = startWorker(tasks.waitForValue, [cond, box, 3]);
    for (let value = 1; value <= 3; value++) {
      await joined(startWorker(tasks.setAndNotify, [cond, lock, box, value]));
    }
    await joined(waiter);
    assert.equal(box[1], 1);
  });

  it("notify(n) wakes exactly n waiting workers, notifyAll() the rest (CPython _check_notify)", async () => {
    const cond = new Condition();
    const ready = cells(1);
    const phase = cells(1);
    const results = cells(8); // results[round * 4 + phase]: wake-ups seen in that phase
    const round = (r: number) => Array.from(results.subarray(r * 4, r * 4 + 4));
    const workers = Array.from(
      { length: 5 },
      () => startWorker(tasks.notifyWorker, [cond, ready, phase, results]),
    );
    await until(() => Atomics.load(ready, 0) === 5, "5 workers wait");
    Atomics.store(ready, 0, 0);
    assert.deepEqual(round(0), [0, 0, 0, 0]);

    // Notify 3 of them.
    await cond.acquire();
    cond.notify(3);
    Atomics.store(phase, 0, 1);
    cond.release();
    await until(() => round(0)[1] === 3, "3 workers wake");
    await until(() => Atomics.load(ready, 0) === 3, "the 3 wait again");

    // Notify 5: the 2 still in their first wait and the 3 in their second.
    await cond.acquire();
    cond.notify(5);
    Atomics.store(phase, 0, 2);
    cond.release();
    await until(() => [...results].reduce((a, b) => a + b) === 8, "8 wake-ups in all");
    assert.deepEqual(round(0), [0, 3, 2, 0]);
    assert.deepEqual(round(1), [0, 0, 3, 0]);
    await until(() => Atomics.load(ready, 0) === 5, "all 5 wait again");

    // Notify all: the 2 left in their second wait.
    await cond.acquire();
    cond.notifyAll();
    Atomics.store(phase, 0, 3);
    cond.release();
    await Promise.all(workers.map(joined));
    assert.deepEqual(round(0), [0, 3, 2, 0]);
    assert.deepEqual(round(1), [0, 0, 3, 2]);
  });

  it("async functions of one thread share a Condition over a Lock: each item is taken once", async () => {
    const cond = new Condition(new Lock());
    const queue: number[] = [];
    const taken: number[] = [];
    let done = false;
    const consumer = async () => {
      for (;;) {
        using _ = await cond.hold();
        await cond.waitFor(() => queue.length > 0 || done, 10_000);
        if (queue.length === 0) return;
        taken.push(queue.shift()!);
      }
    };
    const consumers = [consumer(), consumer(), consumer()];
    for (let i = 0; i < 30; i++) {
      using _ = await cond.hold();
      queue.push(i);
      cond.notify();
    }
    {
      using _ = await cond.hold();
      done = true;
      cond.notifyAll();
    }
    await Promise.all(consumers);
    assert.deepEqual(taken.sort((a, b) => a - b), Array.from({ length: 30 }, (_, i) => i));
  });

  it("bad arguments are refused with a TypeError or RangeError naming them", async () => {
    assert.throws(() => new Condition({} as Lock), {
      name: "TypeError",
      message: "Cannot create condition as 'lock' must be a Lock or an RLock: received an object",
    });
    const cond = new Condition();
    using _ = await cond.hold();
    assert.throws(() => cond.notify(-1), {
      name: "RangeError",
      message: "Cannot notify condition as 'n' must be an integer >= 0: received -1",
    });
    await assert.rejects(cond.waitFor("x" as never), TypeError);
  });
});
