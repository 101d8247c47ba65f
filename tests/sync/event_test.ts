// Event (Python: multiprocessing.Event), after CPython's lock_tests.py EventTests: is_set,
// notify (set wakes every waiter), timeout, and set-then-clear (a waiter that was waiting when
// set() ran returns true even if clear() follows at once).
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Event, fromModule } from "../../mod.ts";
import { cells, joined, startWorker, stopLeftovers, until } from "../fixtures/sync_helpers.ts";

const tasks = fromModule<typeof import("../fixtures/sync_tasks.ts")>(
  new URL("../fixtures/sync_tasks.ts", import.meta.url),
);

describe("Event", () => {
  after(stopLeftovers);

  it("isSet() follows set() and clear() (CPython test_is_set)", () => {
    const event = new Event();
    assert.equal(event.isSet(), false);
    event.set();
    assert.equal(event.isSet(), true);
    event.set();
    assert.equal(event.isSet(), true);
    event.clear();
    assert.equal(event.isSet(), false);
    event.clear();
    assert.equal(event.isSet(), false);
  });

  it("wait() on a set event resolves to true at once; waitSync() returns true", async () => {
    const event = new Event();
    event.set();
    assert.equal(await event.wait(), true);
    assert.equal(await event.wait(0), true);
    assert.equal(event.waitSync(), true);
  });

  it("wait(timeoutMs) resolves to false when nobody sets it (CPython test_timeout)", async () => {
    const event = new Event();
    const t0 = performance.now();
    assert.equal(await event.wait(40), false);
    assert.ok(performance.now() - t0 >= 35);
    assert.equal(await event.wait(0), false);
    assert.equal(event.waitSync(5), false);
  });

  it("set() wakes every async waiter on this thread", async () => {
    const event = new Event();
    const waits = Array.from({ length: 5 }, () => event.wait(10_000));
    event.set();
    assert.deepEqual(await Promise.all(waits), [true, true, true, true, true]);
  });

  it("set() wakes every worker blocked in waitSync() (CPython test_notify)", async () => {
    const event = new Event();
    const arrived = cells(1);
    const woke = cells(1);
    const workers = Array.from(
      { length: 3 },
      () => startWorker(tasks.waitForEvent, [event, arrived, woke]),
    );
    await until(() => Atomics.load(arrived, 0) === 3, "3 workers wait");
    event.set();
    await Promise.all(workers.map(joined));
    assert.equal(woke[0], 3);
  });

  it("waiters woken by set() return true even when clear() follows at once (CPython test_set_and_clear)", async () => {
    // Only a waiter already waiting when set() runs is woken by it, and a worker cannot be
    // seen to wait; so set() and clear() repeat until every waiter has returned. A wait that
    // re-checked the flag after waking would see it down and sleep on: the test would time out.
    const event = new Event();
    const arrived = cells(1);
    const woke = cells(1);
    const workers = Array.from(
      { length: 3 },
      () => startWorker(tasks.waitForEvent, [event, arrived, woke]),
    );
    const local = [event.wait(20_000), event.wait(20_000)];
    await until(() => Atomics.load(arrived, 0) === 3, "3 workers wait");
    let settled = false;
    void Promise.all(local).then(() => settled = true);
    while (Atomics.load(woke, 0) < 3 || !settled) {
      event.set();
      event.clear();
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await Promise.all(workers.map(joined));
    assert.equal(woke[0], 3);
    assert.deepEqual(await Promise.all(local), [true, true]);
    assert.equal(event.isSet(), false);
  });

  it("a worker's set() wakes an async wait() on the main thread", async () => {
    const event = new Event();
    const worker = startWorker((e: Event) => e.set(), [event]);
    assert.equal(await event.wait(20_000), true);
    await joined(worker);
  });

  it("a bad timeoutMs is refused with a RangeError naming it", async () => {
    await assert.rejects(new Event().wait(-5), {
      name: "RangeError",
      message: "Cannot wait for event as 'timeoutMs' must be >= 0: received -5",
    });
  });
});
