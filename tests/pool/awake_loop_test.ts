// While a pool awaits a result it expects soon, it keeps its thread's event loop taking turns
// (lib/pool/_awake_loop.ts) instead of sleeping; work that takes longer soon stops costing those turns.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AwakeLoop, awakeMs, awakePatience, maxSkippedWaits } from "../../lib/pool/_awake_loop.ts";

/** An event loop whose turns the test takes one at a time. */
function manualTurns() {
  const queued: (() => void)[] = [];
  return {
    nextTurn: (turn: () => void) => void queued.push(turn),
    get waiting() {
      return queued.length;
    },
    /** Takes the turns until none is queued; how many it took. */
    runAll(beforeEach = () => {}): number {
      let taken = 0;
      for (let turn = queued.shift(); turn; turn = queued.shift()) {
        beforeEach();
        turn();
        taken++;
      }
      return taken;
    },
  };
}

/** A clock the test moves: turns take no time unless it says so. */
let clock = 0;
const now = () => clock;

/** Moves the clock past the awake spell, so the next turn finds it over. */
function outlastSpell(): void {
  clock += awakeMs * 2;
}

describe("keeping the event loop awake for a result", () => {
  it("takes turns while a result is awaited, and stops once it came", () => {
    const loop = manualTurns();
    const awake = new AwakeLoop(loop.nextTurn, now);
    awake.expect();
    assert.equal(loop.waiting, 1);
    let turns = 0;
    loop.runAll(() => {
      if (++turns === 3) awake.settled();
    });
    assert.equal(turns, 3, "one turn after the result, then no more");
    awake.expect(); // it paid off: the next wait keeps the loop awake too
    assert.equal(loop.waiting, 1);
  });

  it("one chain of turns serves every result awaited at once", () => {
    const loop = manualTurns();
    const awake = new AwakeLoop(loop.nextTurn, now);
    awake.expect();
    awake.expect();
    assert.equal(loop.waiting, 1);
    let turns = 0;
    loop.runAll(() => {
      turns++;
      if (turns === 2 || turns === 4) awake.settled();
    });
    assert.equal(turns, 4, "awake until the second result");
  });

  it("spells that catch nothing, 4 in a row, make the next waits skip them: 1, 2, 4, … 64", () => {
    const loop = manualTurns();
    const awake = new AwakeLoop(loop.nextTurn, now);
    /** Waits that skip the spell until one keeps the loop awake; whether that one catches it. */
    const skipsThen = (catches: boolean): number => {
      let skipped = 0;
      for (awake.expect(); loop.waiting === 0; awake.expect()) {
        awake.settled();
        skipped++;
      }
      if (catches) awake.settled();
      loop.runAll(outlastSpell);
      if (!catches) awake.settled(); // the result comes after the spell
      return skipped;
    };
    const skipsThenFails = () => skipsThen(false);
    assert.equal(awakePatience, 4);
    for (let miss = 1; miss < awakePatience; miss++) assert.equal(skipsThenFails(), 0);
    assert.equal(skipsThenFails(), 0, "the fourth miss in a row");
    const runs = Array.from({ length: 8 }, skipsThenFails);
    assert.deepEqual(runs, [1, 2, 4, 8, 16, 32, 64, 64]);
    assert.equal(maxSkippedWaits, 64);

    // A spell that pays off brings back a spell for every wait.
    assert.equal(skipsThen(true), 64);
    for (let miss = 0; miss < awakePatience; miss++) assert.equal(skipsThenFails(), 0);
    assert.equal(skipsThenFails(), 1);
  });

  it("where a turn does not keep the loop awake, it takes none", () => {
    const awake = new AwakeLoop(undefined);
    awake.expect();
    awake.settled();
    awake.settled(); // more results than calls are ignored
  });
});
