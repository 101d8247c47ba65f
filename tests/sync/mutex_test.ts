// The futex mutex under Lock, RLock, Condition and Barrier (lib/sync/_mutex.ts, Drepper's
// "mutex 3" with deadlines), tested directly: on one thread against a model of a plain flag,
// and under random interleavings of acquire and release by several workers (fast-check): at
// most one holder at a time, the owner recorded, and no lost wake-ups.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { fromModule } from "../../mod.ts";
import {
  acquireRestoreSteps,
  COUNT,
  isMine,
  lockSteps,
  newMutex,
  OWNER,
  releaseSave,
  STATE,
  tryLock,
  unlock,
} from "../../lib/sync/_mutex.ts";
import { deadlineOf, ownerId, runAsync, runSync } from "../../lib/sync/_atomics.ts";
import { type MutexOp, runMutexScript, Stat } from "../fixtures/mutex_tasks.ts";
import {
  cells,
  joined,
  runWorkers,
  startWorker,
  stopLeftovers,
  until,
} from "../fixtures/sync_helpers.ts";

const tasks = fromModule<typeof import("../fixtures/mutex_tasks.ts")>(
  new URL("../fixtures/mutex_tasks.ts", import.meta.url),
);

describe("the futex mutex on one thread", () => {
  it("tryLock() takes a free mutex once, records the owner, and unlock() frees it once", () => {
    const m = newMutex();
    assert.equal(isMine(m), false);
    assert.equal(tryLock(m), true);
    assert.equal(tryLock(m), false);
    assert.equal(Atomics.load(m, OWNER), ownerId);
    assert.equal(isMine(m), true);
    assert.equal(unlock(m), true);
    assert.equal(unlock(m), false);
    assert.deepEqual([Atomics.load(m, STATE), Atomics.load(m, OWNER)], [0, 0]);
  });

  it("a wait on a held mutex gives up at its deadline and leaves the mutex usable", async () => {
    const m = newMutex();
    tryLock(m);
    assert.equal(runSync(lockSteps(m, deadlineOf(0))), false);
    assert.equal(await runAsync(lockSteps(m, deadlineOf(5))), false);
    assert.equal(unlock(m), true);
    assert.equal(await runAsync(lockSteps(m, deadlineOf(5))), true);
    assert.equal(isMine(m), true);
  });

  it("releaseSave() frees an RLock's every level and acquireRestoreSteps() puts them back", () => {
    const m = newMutex();
    tryLock(m);
    Atomics.store(m, COUNT, 3);
    const depth = releaseSave(m, true);
    assert.equal(depth, 3);
    assert.deepEqual([Atomics.load(m, STATE), Atomics.load(m, COUNT)], [0, 0]);
    runSync(acquireRestoreSteps(m, true, depth));
    assert.deepEqual([isMine(m), Atomics.load(m, COUNT)], [true, 3]);
  });

  it("any sequence of takes, waits and releases behaves as a plain held flag (fast-check)", () => {
    const op = fc.constantFrom("try", "wait", "unlock", "saveRestore");
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const m = newMutex();
        let held = false;
        for (const name of ops) {
          if (name === "try") {
            assert.equal(tryLock(m), !held);
            held = true;
          } else if (name === "wait") {
            // Held by this very thread: nobody will free it, so the wait must time out.
            assert.equal(runSync(lockSteps(m, deadlineOf(0))), !held);
            held = true;
          } else if (name === "unlock") {
            assert.equal(unlock(m), held);
            held = false;
          } else if (held) {
            runSync(acquireRestoreSteps(m, false, releaseSave(m, false)));
          }
          assert.equal(isMine(m), held);
          assert.equal(Atomics.load(m, STATE) !== 0, held);
          assert.equal(Atomics.load(m, OWNER), held ? ownerId : 0);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe("the futex mutex across workers", () => {
  after(stopLeftovers);

  it("a waiter marks the mutex contended, and unlock() wakes it", async () => {
    const m = newMutex();
    const out = cells(1);
    out[0] = -1;
    tryLock(m);
    const waiter = startWorker(tasks.lockAndRelease, [m, out]);
    await until(() => Atomics.load(m, STATE) === 2, "the worker waits on the mutex");
    assert.equal(out[0], -1);
    assert.equal(unlock(m), true);
    await joined(waiter);
    assert.equal(out[0], 1);
    assert.deepEqual([Atomics.load(m, STATE), Atomics.load(m, OWNER)], [0, 0]);
  });

  it("a worker's wait that times out takes nothing, and the mutex stays usable", async () => {
    const m = newMutex();
    const out = cells(1);
    tryLock(m);
    await joined(startWorker(tasks.lockAndRelease, [m, out, 20]));
    assert.equal(out[0], 0);
    assert.equal(isMine(m), true);
    unlock(m);
    assert.equal(tryLock(m), true);
  });

  it("random interleavings keep one holder at a time and lose no wake-up (fast-check)", async () => {
    // Mostly short holds (contention on the fast paths), some long enough for a 1 ms wait to time out.
    const holdFor = fc.oneof(
      { arbitrary: fc.integer({ min: 0, max: 200 }), weight: 4 },
      { arbitrary: fc.integer({ min: 0, max: 300_000 }), weight: 1 },
    );
    const opOf = (hows: readonly MutexOp["how"][]) =>
      fc.record({ how: fc.constantFrom(...hows), work: holdFor });
    const script = (hows: readonly MutexOp["how"][]) =>
      fc.array(opOf(hows), { minLength: 1, maxLength: 60 });
    await fc.assert(
      fc.asyncProperty(
        fc.array(script(["block", "async", "try", "timed"]), { minLength: 2, maxLength: 3 }),
        // The main thread takes part too, without blocking its event loop.
        script(["async", "try"]),
        async (workerScripts, mainScript) => {
          const m = newMutex();
          const stats = cells(Stat.size);
          const workers = runWorkers(
            tasks.runMutexScript,
            workerScripts.map((ops) => [m, stats, ops]),
          );
          await runMutexScript(m, stats, mainScript);
          await workers;
          const waits = [...workerScripts, mainScript].flat()
            .filter((op) => op.how === "block" || op.how === "async").length;
          assert.equal(stats[Stat.overlaps], 0, "two holders at once");
          assert.equal(stats[Stat.lost], 0, "a waiter was never woken");
          assert.equal(stats[Stat.notMine], 0, "a holder not recorded as the owner");
          assert.equal(stats[Stat.badUnlocks], 0, "a release found the mutex free");
          assert.equal(stats[Stat.counter], stats[Stat.entries], "an update inside was lost");
          assert.ok(stats[Stat.entries] >= waits, "every wait ended holding the mutex");
          assert.deepEqual([Atomics.load(m, STATE), Atomics.load(m, OWNER)], [0, 0]);
        },
      ),
      { numRuns: 8, endOnFailure: true }, // shrinking a lost wake-up would take minutes
    );
  });
});
