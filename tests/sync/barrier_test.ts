// Barrier (Python: multiprocessing.Barrier), after CPython's lock_tests.py BarrierTests:
// passes, distinct indexes, the action once per generation, abort, reset, timeouts, and the
// broken state.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Barrier, BrokenBarrierError, fromModule, SharedArray } from "../../mod.ts";
import { cells, joined, startWorker, stopLeftovers, until } from "../fixtures/sync_helpers.ts";
import { readText } from "../fixtures/sync_tasks.ts";

const tasks = fromModule<typeof import("../fixtures/sync_tasks.ts")>(
  new URL("../fixtures/sync_tasks.ts", import.meta.url),
);

const countAction = (): void => {
  Atomics.add((globalThis as Record<string, unknown>).barrierActionCount as Int32Array, 0, 1);
};

/** Runs `parties - 1` workers and the main thread through `rounds` passes; checks each pass. */
async function passTogether(barrier: Barrier, rounds: number, sync: boolean): Promise<Int32Array> {
  const parties = barrier.parties;
  const arrivals = cells(rounds);
  const indexes = cells(rounds * parties);
  const actionCount = cells(1);
  const workers = Array.from(
    { length: parties - 1 },
    (_, i) =>
      startWorker(tasks.passBarrier, [
        barrier,
        arrivals,
        indexes,
        actionCount,
        rounds,
        sync && i % 2 === 0,
      ]),
  );
  (globalThis as Record<string, unknown>).barrierActionCount = actionCount;
  for (let round = 0; round < rounds; round++) {
    Atomics.add(arrivals, round, 1);
    const index = await barrier.wait(20_000);
    assert.equal(Atomics.load(arrivals, round), parties, `main left round ${round} early`);
    Atomics.add(indexes, round * parties + index, 1);
  }
  await Promise.all(workers.map(joined));
  assert.deepEqual([...indexes], Array(rounds * parties).fill(1), "each index once per round");
  assert.deepEqual([...arrivals], Array(rounds).fill(parties));
  return actionCount;
}

describe("Barrier", () => {
  after(stopLeftovers);

  it("new Barrier(0) throws a RangeError naming 'parties'", () => {
    assert.throws(() => new Barrier(0), {
      name: "RangeError",
      message: "Cannot create barrier as 'parties' must be a positive integer: received 0",
    });
    assert.throws(() => new Barrier(2, { timeoutMs: -1 }), RangeError);
    assert.throws(() => new Barrier(2, { action: 5 as never }), TypeError);
  });

  it("a barrier of one party passes at once with index 0, running the action (CPython test_single_thread)", async () => {
    let runs = 0;
    const barrier = new Barrier(1, { action: () => runs++ });
    assert.equal(await barrier.wait(), 0);
    assert.equal(barrier.waitSync(), 0);
    assert.equal(runs, 2);
    assert.equal(barrier.parties, 1);
    assert.equal(barrier.nWaiting, 0);
    assert.equal(barrier.broken, false);
  });

  it("4 parties (3 workers and the main thread) pass 3 rounds together with distinct indexes (CPython test_barrier, test_wait_return)", async () => {
    await passTogether(new Barrier(4), 3, false);
  });

  it("waitSync() in workers and wait() on the main thread pass together", async () => {
    await passTogether(new Barrier(3), 3, true);
  });

  it("the action runs exactly once per round, in whichever party arrives last (CPython test_action)", async () => {
    const count = await passTogether(new Barrier(3, { action: countAction }), 4, false);
    assert.equal(count[0], 4);
  });

  it("a module task as action runs once per round too", async () => {
    const count = await passTogether(
      new Barrier(3, { action: tasks.countBarrierAction }),
      3,
      false,
    );
    assert.equal(count[0], 3);
  });

  it("nWaiting counts the parties waiting", async () => {
    const barrier = new Barrier(3);
    const out = [new SharedArray("B", 40), new SharedArray("B", 40)];
    const workers = out.map((o) => startWorker(tasks.waitOnceReporting, [barrier, o]));
    await until(() => barrier.nWaiting === 2, "2 parties wait");
    const index = await barrier.wait();
    await Promise.all(workers.map(joined));
    assert.deepEqual(
      [...out.map(readText), `ok ${index}`].sort(),
      ["ok 0", "ok 1", "ok 2"],
    );
    assert.equal(barrier.nWaiting, 0);
  });

  it("abort() breaks the barrier: waiting parties and later waits throw BrokenBarrierError (CPython test_abort)", async () => {
    const barrier = new Barrier(3);
    const out = [new SharedArray("B", 40), new SharedArray("B", 40)];
    const workers = out.map((o) => startWorker(tasks.waitOnceReporting, [barrier, o]));
    await until(() => barrier.nWaiting === 2, "2 parties wait");
    barrier.abort();
    await Promise.all(workers.map(joined));
    assert.deepEqual(out.map(readText), ["BrokenBarrierError", "BrokenBarrierError"]);
    assert.equal(barrier.broken, true);
    await assert.rejects(barrier.wait(), {
      name: "BrokenBarrierError",
      message:
        "Cannot pass barrier as it is broken (aborted, reset, timed out, or its action threw)",
    });
    assert.throws(() => barrier.waitSync(), BrokenBarrierError);
  });

  it("reset() wakes waiting parties with BrokenBarrierError and leaves the barrier usable (CPython test_reset)", async () => {
    const barrier = new Barrier(2);
    const waiting = barrier.wait(20_000);
    await until(() => barrier.nWaiting === 1, "1 party waits");
    barrier.reset();
    await assert.rejects(waiting, BrokenBarrierError);
    assert.equal(barrier.broken, false);
    assert.deepEqual((await Promise.all([barrier.wait(), barrier.wait()])).sort(), [0, 1]);
  });

  it("reset() mends an aborted barrier (CPython test_abort_and_reset)", async () => {
    const barrier = new Barrier(2);
    barrier.abort();
    assert.equal(barrier.broken, true);
    barrier.reset();
    assert.equal(barrier.broken, false);
    assert.deepEqual((await Promise.all([barrier.wait(), barrier.wait()])).sort(), [0, 1]);
  });

  it("a wait that times out breaks the barrier for every party (CPython test_timeout)", async () => {
    const barrier = new Barrier(3);
    const other = barrier.wait(20_000);
    await assert.rejects(barrier.wait(30), {
      name: "BrokenBarrierError",
      message: "Cannot pass barrier as the wait timed out after 30 ms, which broke it",
    });
    await assert.rejects(other, BrokenBarrierError);
    assert.equal(barrier.broken, true);
  });

  it("the timeoutMs option is the default time limit of wait() (CPython test_default_timeout)", async () => {
    const barrier = new Barrier(2, { timeoutMs: 20 });
    const t0 = performance.now();
    await assert.rejects(barrier.wait(), BrokenBarrierError);
    assert.ok(performance.now() - t0 >= 15);
    assert.equal(barrier.broken, true);
  });

  it("an action that throws breaks the barrier: the last party gets its error, the others BrokenBarrierError", async () => {
    const barrier = new Barrier(2, {
      action: () => {
        throw new Error("action failed");
      },
    });
    const first = barrier.wait(20_000);
    await until(() => barrier.nWaiting === 1, "1 party waits");
    await assert.rejects(barrier.wait(), { message: "action failed" });
    await assert.rejects(first, BrokenBarrierError);
    assert.equal(barrier.broken, true);
  });
});
