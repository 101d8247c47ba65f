// The workers on long batches are due their next call on one timer (lib/pool/_next_due.ts): the
// workers whose windows are open when the first is due go in the same wake-up of the parent, and
// a plan that is dropped wakes nobody. The clock here stands still at 0 (a window's times are
// then the timer's delays, in ms): the timer serves the windows open at the end of the first.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { NextDueTimer } from "../../lib/pool/_next_due.ts";
import { until } from "../fixtures/pool_helpers.ts";

/** A timer on a clock at 0, and what was due at each of its wake-ups. */
function timer(workers: readonly string[]) {
  const wakeUps: string[][] = [];
  const next: NextDueTimer<string> = new NextDueTimer(
    () => wakeUps.push(workers.filter((w) => next.isDue(w))),
    () => 0,
  );
  return { next, wakeUps };
}

describe("the next-due timer of a pool's long batches", () => {
  it("makes every worker whose window has opened due in one wake-up, the rest in later ones", async () => {
    const { next, wakeUps } = timer(["a", "b", "c"]);
    next.plan("a", 3, 5);
    next.plan("b", 4, 6); // open when a is due
    next.plan("c", 6, 8); // not yet
    assert.ok(next.holds("a") && !next.isDue("a"), "planned, not due yet");
    await until(() => next.isDue("c"), "c is due");
    assert.deepEqual(wakeUps, [["a", "b"], ["a", "b", "c"]]);
  });

  it("a dropped plan wakes nobody, and its worker is not due", async () => {
    const { next, wakeUps } = timer(["a", "b"]);
    next.plan("a", 1, 2);
    next.plan("b", 10, 12);
    next.clear("a");
    assert.equal(next.holds("a"), false);
    await until(() => next.isDue("b"), "b is due");
    assert.deepEqual(wakeUps, [["b"]], "one wake-up, for b");
  });

  it("a plan made again replaces the one before, and the worker is no longer due", async () => {
    const { next, wakeUps } = timer(["a"]);
    next.plan("a", 0, 1);
    await until(() => next.isDue("a"), "a is due");
    next.plan("a", 4, 5); // its next batch went out, and runs long
    assert.equal(next.isDue("a"), false);
    await until(() => wakeUps.length === 2, "the second wake-up");
    assert.deepEqual(wakeUps, [["a"], ["a"]]);
  });

  it("a plan moved later, whose window had set the timer, sets it again: no wake-up for nobody", async () => {
    const { next, wakeUps } = timer(["a"]);
    next.plan("a", 0, 1);
    next.plan("a", 4, 5); // its batch was found to run longer before the timer fired
    await until(() => next.isDue("a"), "a is due");
    assert.deepEqual(wakeUps, [["a"]], "one wake-up, at the new window's end");
  });

  it("takeOpen() makes the open windows due at once, without a wake-up, and keeps the rest", async () => {
    const { next, wakeUps } = timer(["a", "b"]);
    next.plan("a", 0, 50);
    next.plan("b", 30, 40);
    next.takeOpen(); // the parent is awake at 0: a's window is open, b's is not
    assert.deepEqual([next.isDue("a"), next.isDue("b"), next.holds("b")], [true, false, true]);
    assert.deepEqual(wakeUps, []);
    await until(() => next.isDue("b"), "b is due");
    assert.deepEqual(wakeUps, [["a", "b"]], "one wake-up, when b's window ends");
  });
});
