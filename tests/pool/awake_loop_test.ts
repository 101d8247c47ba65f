// While a pool awaits a result it expects soon, it keeps its thread's event loop taking turns
// (lib/pool/_awake_loop.ts) instead of sleeping; work that takes longer soon stops costing those turns,
// and while a pool worker starts no turns are taken (they would hold a core its boot needs).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  AwakeLoop,
  awakeLoop,
  awakeMs,
  awakePatience,
  maxSkippedWaits,
  type ResultSource,
} from "../../lib/pool/_awake_loop.ts";
import { onEachBackend } from "../fixtures/backends.ts";
import { poolOn, until } from "../fixtures/pool_helpers.ts";

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

/**
 * A worker's results box as the loop sees it: `left` results waiting; `writing` closes that fail
 * (a result on its way in); `onPoll` runs when a poll hands one over.
 */
function fakeSource(onPoll: () => void = () => {}) {
  const source = {
    opened: 0,
    polls: 0,
    left: 0,
    writing: 0,
    isOpen: false,
    open() {
      source.opened++;
      source.isOpen = true;
    },
    poll(): boolean {
      source.polls++;
      if (source.left === 0) return false;
      source.left--;
      onPoll();
      return true;
    },
    close(): boolean {
      if (source.writing > 0) {
        source.writing--;
        source.left++; // it arrives: the next poll takes it
        return false;
      }
      source.isOpen = false;
      return true;
    },
  } satisfies ResultSource & Record<string, unknown>;
  return source;
}

/** Moves the clock past the awake spell, so the next turn finds it over. */
function outlastSpell(): void {
  clock += awakeMs * 2;
}

describe("keeping the event loop awake for a result", () => {
  it("takes turns while a result is awaited, and stops once it came", () => {
    const loop = manualTurns();
    const awake = new AwakeLoop(loop.nextTurn, now, 0);
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
    const awake = new AwakeLoop(loop.nextTurn, now, 0);
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
    const awake = new AwakeLoop(loop.nextTurn, now, 0);
    /** Waits that skip the spell until one keeps the loop awake; whether that one catches it. */
    const skipsThen = (catches: boolean): number => {
      let skipped = 0;
      for (awake.expect(); loop.waiting === 0; awake.expect()) {
        outlastSpell(); // its result came later than a spell would have lasted
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

  it("polls the result sources it expects results from, and hands a result over as it comes", () => {
    const loop = manualTurns();
    const awake = new AwakeLoop(loop.nextTurn, now, 0);
    const source = fakeSource(() => awake.settled());
    awake.expect(source);
    awake.expect(source);
    assert.equal(source.opened, 1, "opened once for the spell");
    assert.ok(source.isOpen);
    let turns = 0;
    loop.runAll(() => {
      if (++turns === 2) source.left = 2;
    });
    assert.equal(turns, 3, "both results were taken in the second and third turns");
    assert.equal(source.isOpen, false, "closed when the spell ended");
  });

  it("a source that cannot close yet (a result on its way in) is polled until it has handed it over", () => {
    const loop = manualTurns();
    const awake = new AwakeLoop(loop.nextTurn, now, 0);
    let handed = 0;
    const source = fakeSource(() => handed++);
    awake.expect(source);
    source.writing = 1;
    loop.runAll(outlastSpell);
    assert.equal(handed, 1, "the late result was taken before the loop let the source go");
    assert.equal(source.isOpen, false);
  });

  it("a wait that skips the spell does not open its source: its worker posts instead", () => {
    const loop = manualTurns();
    const awake = new AwakeLoop(loop.nextTurn, now, 0);
    for (let miss = 0; miss < awakePatience; miss++) {
      awake.expect();
      loop.runAll(outlastSpell);
      awake.settled();
    }
    const source = fakeSource();
    awake.expect(source);
    assert.equal(loop.waiting, 0, "skipped");
    assert.equal(source.opened, 0);
  });

  it("a result that comes soon after a wait that skipped its spell brings the spells back", () => {
    const loop = manualTurns();
    const awake = new AwakeLoop(loop.nextTurn, now, 0);
    for (let miss = 0; miss < awakePatience + 3; miss++) {
      awake.expect();
      loop.runAll(outlastSpell);
      outlastSpell(); // the result comes late, spell or no spell
      awake.settled();
    }
    awake.expect();
    assert.equal(loop.waiting, 0, "skipping");
    clock += awakeMs / 2;
    awake.settled(); // it would have been caught
    awake.expect();
    assert.equal(loop.waiting, 1, "awake again for the next result");
  });

  it("a result expected to take longer than a spell is not waited for awake", () => {
    const loop = manualTurns();
    const awake = new AwakeLoop(loop.nextTurn, now, 0);
    const source = fakeSource();
    awake.expect(source, awakeMs * 4);
    assert.equal(loop.waiting, 0, "no spell");
    assert.equal(source.opened, 0, "its worker posts the result");
    awake.settled();
    awake.expect(source, awakeMs / 10); // a short one still gets a spell
    assert.equal(loop.waiting, 1);
    assert.equal(source.opened, 1);
  });
});

describe("no spell while a worker starts", () => {
  it("work going out while a worker starts takes no spell; once it is ready, spells come back", () => {
    const loop = manualTurns();
    const awake = new AwakeLoop(loop.nextTurn, now, 0);
    const source = fakeSource();
    awake.starting();
    awake.starting();
    awake.expect(source);
    assert.equal(loop.waiting, 0, "no spell while two workers start");
    assert.equal(source.opened, 0, "its worker posts the result");
    awake.settled();
    awake.started();
    awake.expect(source);
    assert.equal(loop.waiting, 0, "one still starts");
    awake.settled();
    awake.started();
    awake.expect(source);
    assert.equal(loop.waiting, 1, "every worker is ready: a spell");
    assert.equal(source.opened, 1);
  });

  it("waits without a spell while a worker starts do not count as spells that missed", () => {
    const loop = manualTurns();
    const awake = new AwakeLoop(loop.nextTurn, now, 0);
    awake.starting();
    for (let wait = 0; wait < awakePatience * 2; wait++) {
      awake.expect();
      outlastSpell(); // the result comes late: a spell would have missed it
      awake.settled();
    }
    awake.started();
    awake.expect();
    assert.equal(loop.waiting, 1, "the first wait after the start has its spell");
  });
});

onEachBackend((backend) => {
  const newPool = poolOn(backend);

  describe(`a pool's starting workers (${backend})`, () => {
    it("count as starting until they are ready", async () => {
      const before = awakeLoop.startingWorkers;
      await using pool = newPool(2);
      assert.equal(awakeLoop.startingWorkers, before + 2);
      assert.deepEqual(await pool.map((n: number) => n + 1, [1, 2], { chunksize: 1 }), [2, 3]);
      await until(() => awakeLoop.startingWorkers === before, "both workers are ready");
    });

    it("a worker that ends before it is ready (terminated, or its initializer failed) no longer counts", async () => {
      const before = awakeLoop.startingWorkers;
      const terminated = newPool(2);
      await terminated.terminate();
      assert.equal(awakeLoop.startingWorkers, before, "terminated while starting");
      await using failing = newPool({
        processes: 2,
        initializer: () => {
          throw new RangeError("bad configuration");
        },
      });
      await assert.rejects(failing.apply((n: number) => n, [1]), /initializer failed/);
      await until(() => failing.stats().workers === 0, "the workers are gone");
      assert.equal(awakeLoop.startingWorkers, before, "ended after their initializer failed");
    });
  });
});
