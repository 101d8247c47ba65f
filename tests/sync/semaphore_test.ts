// Semaphore and BoundedSemaphore (Python: multiprocessing.Semaphore/BoundedSemaphore), after
// CPython's lock_tests.py (BaseSemaphoreTests, SemaphoreTests, BoundedSemaphoreTests), plus
// fast-check properties: random acquire/release sequences keep the count, and queued waiters
// are each served exactly once.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { BoundedSemaphore, fromModule, ProcessError, Semaphore } from "../../mod.ts";
import { cells, joined, runWorkers, startWorker, stopLeftovers } from "../fixtures/sync_helpers.ts";

const tasks = fromModule<typeof import("../fixtures/sync_tasks.ts")>(
  new URL("../fixtures/sync_tasks.ts", import.meta.url),
);

describe("Semaphore", () => {
  after(stopLeftovers);

  it("new Semaphore(-1) throws a RangeError naming 'value' (CPython test_constructor)", () => {
    assert.throws(() => new Semaphore(-1), {
      name: "RangeError",
      message:
        "Cannot create Semaphore as 'value' must be an integer from 0 to 2147483647: received -1",
    });
    assert.throws(() => new BoundedSemaphore(1.5), {
      name: "RangeError",
      message: /^Cannot create BoundedSemaphore as 'value'/,
    });
    assert.throws(() => new Semaphore("2" as unknown as number), TypeError);
  });

  it("the default value is 1 (CPython test_default_value)", async () => {
    const sem = new Semaphore();
    assert.equal(sem.getValue(), 1);
    assert.equal(await sem.acquire({ timeoutMs: 0 }), true);
    assert.equal(await sem.acquire({ timeoutMs: 0 }), false);
  });

  it("acquire() takes permits until none are left; release() gives them back (CPython test_acquire)", async () => {
    const sem = new Semaphore(3);
    assert.equal(await sem.acquire(), true);
    assert.equal(sem.acquireSync(), true);
    assert.equal(sem.getValue(), 1);
    assert.equal(await sem.acquire({ timeoutMs: 0 }), true);
    assert.equal(await sem.acquire({ timeoutMs: 0 }), false);
    sem.release();
    sem.release(2);
    assert.equal(sem.getValue(), 3);
  });

  it("acquire({ timeoutMs }) resolves to false when no permit comes in time (CPython test_acquire_timeout)", async () => {
    const sem = new Semaphore(0);
    const t0 = performance.now();
    assert.equal(await sem.acquire({ timeoutMs: 40 }), false);
    assert.ok(performance.now() - t0 >= 35);
    assert.equal(sem.acquireSync({ timeoutMs: 10 }), false);
    assert.equal(sem.getValue(), 0);
  });

  it("release(n) wakes n waiting acquires (CPython test_multirelease)", async () => {
    const sem = new Semaphore(0);
    const waits = [sem.acquire(), sem.acquire(), sem.acquire()];
    sem.release(2);
    const first = await Promise.race(waits.map((w, i) => w.then(() => i)));
    assert.ok(first >= 0);
    sem.release();
    assert.deepEqual(await Promise.all(waits), [true, true, true]);
    assert.equal(sem.getValue(), 0);
  });

  it("a Semaphore may be released more times than acquired (CPython test_release_unacquired)", () => {
    const sem = new Semaphore(1);
    sem.release();
    assert.equal(sem.getValue(), 2);
  });

  it("hold() takes a permit and its Disposable gives it back", async () => {
    const sem = new Semaphore(1);
    {
      using _ = await sem.hold();
      assert.equal(sem.getValue(), 0);
      await assert.rejects(sem.hold({ timeoutMs: 0 }), { name: "TimeoutError" });
    }
    assert.equal(sem.getValue(), 1);
    {
      using _ = sem.holdSync();
      assert.equal(sem.getValue(), 0);
    }
    assert.equal(sem.getValue(), 1);
  });

  it("release(n) refuses a bad n with a RangeError", () => {
    const sem = new Semaphore(0);
    assert.throws(() => sem.release(0), {
      name: "RangeError",
      message: "Cannot release semaphore as 'n' must be a positive integer: received 0",
    });
  });

  it("another thread cannot take the last permit without waiting (CPython test_try_acquire_contended)", async () => {
    const sem = new Semaphore(1);
    await sem.acquire();
    const out = cells(1);
    out[0] = -1;
    await joined(startWorker(tasks.tryAcquire, [sem, 0, out]));
    assert.equal(out[0], 0);
    sem.release();
    await joined(startWorker(tasks.tryAcquire, [sem, 20_000, out]));
    assert.equal(out[0], 1);
  });

  it("4 workers sharing Semaphore(2) never hold more than 2 permits at once", async () => {
    const sem = new Semaphore(2);
    const active = cells(2);
    await runWorkers(tasks.usePermits, Array(4).fill([sem, active, 2000]));
    assert.equal(active[0], 0);
    assert.ok(active[1] >= 1 && active[1] <= 2, `peak ${active[1]}`);
    assert.equal(sem.getValue(), 2);
  });
});

describe("BoundedSemaphore", () => {
  after(stopLeftovers);

  it("release() beyond the initial value throws ProcessError (CPython test_release_unacquired)", async () => {
    const sem = new BoundedSemaphore(2);
    assert.throws(() => sem.release(), {
      name: "ProcessError",
      message:
        "Cannot release BoundedSemaphore as it was released too many times: its value would exceed 2",
    });
    await sem.acquire();
    assert.throws(() => sem.release(2), ProcessError);
    sem.release();
    assert.equal(sem.getValue(), 2);
  });

  it("arrives in a worker as a BoundedSemaphore over the same count", async () => {
    const sem = new BoundedSemaphore(1);
    const out = cells(1);
    await joined(startWorker(tasks.tryAcquire, [sem, 0, out]));
    assert.equal(out[0], 1);
    assert.equal(sem.getValue(), 1);
    assert.throws(() => sem.release(), ProcessError);
  });
});

type Op = { kind: "acquire" } | { kind: "release"; n: number };

const ops = fc.array(
  fc.oneof(
    fc.constant<Op>({ kind: "acquire" }),
    fc.integer({ min: 1, max: 3 }).map((n): Op => ({ kind: "release", n })),
  ),
  { maxLength: 60 },
);

describe("semaphore properties (fast-check)", () => {
  it("random acquire/release sequences keep getValue() equal to a plain counter", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 5 }),
        fc.boolean(),
        ops,
        async (initial, bounded, seq) => {
          const sem = bounded ? new BoundedSemaphore(initial) : new Semaphore(initial);
          let model = initial;
          for (const [i, op] of seq.entries()) {
            if (op.kind === "acquire") {
              const taken = i % 2 === 0
                ? await sem.acquire({ timeoutMs: 0 })
                : sem.acquireSync({ timeoutMs: 0 });
              assert.equal(taken, model > 0);
              if (taken) model--;
            } else if (bounded && model + op.n > initial) {
              assert.throws(() => sem.release(op.n), ProcessError);
            } else {
              sem.release(op.n);
              model += op.n;
            }
            assert.equal(sem.getValue(), model);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("queued waiters are each served exactly once: w waiters and r >= w releases leave r - w", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 0, max: 8 }),
        fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 6 }),
        async (waiters, extra, chunks) => {
          const sem = new Semaphore(0);
          const waits = Array.from({ length: waiters }, () => sem.acquire({ timeoutMs: 10_000 }));
          let released = 0;
          for (const n of chunks) {
            sem.release(n);
            released += n;
          }
          const rest = Math.max(0, waiters - released) + extra;
          if (rest > 0) sem.release(rest);
          released += rest;
          assert.deepEqual(await Promise.all(waits), Array(waiters).fill(true));
          assert.equal(sem.getValue(), released - waiters);
        },
      ),
      { numRuns: 100 },
    );
  });
});
