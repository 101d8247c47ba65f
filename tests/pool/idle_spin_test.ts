// An idle pool thread spins for its next call as long as its calls' gaps make worth it
// (lib/pool/_idle_spin.ts): long in a stream of calls one after another, short otherwise, and
// not at all after silences; a call that comes soon after a missed spin keeps it spinning.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  IdleSpin,
  longSpinMs,
  nearMissMs,
  shortSpinMs,
  spinPatience,
  streamGapMs,
} from "../../lib/pool/_idle_spin.ts";

describe("an idle pool thread's spin", () => {
  it("spins long while calls come back at once, short once they come slower", () => {
    const spin = new IdleSpin();
    assert.equal(spin.next(), shortSpinMs, "nothing known yet");
    spin.ended(streamGapMs / 10, true, shortSpinMs);
    assert.equal(spin.next(), longSpinMs);
    for (let call = 0; call < 20; call++) spin.ended(streamGapMs * 4, true, longSpinMs);
    assert.equal(spin.next(), shortSpinMs, "gaps of four times a stream's");
    for (let call = 0; call < 20; call++) spin.waiting(); // calls already waiting
    assert.equal(spin.next(), longSpinMs);
  });

  it("calls found waiting do not keep it spinning through the silences between them", () => {
    // A long map: each worker finds its next call waiting, then meets a silence at the map's end.
    const spin = new IdleSpin();
    for (let map = 0; map < spinPatience; map++) {
      spin.waiting();
      assert.ok(spin.next() > 0, "spins until that many silences");
      spin.ended(2, false, spin.next());
    }
    spin.waiting();
    assert.equal(spin.next(), 0, "skips the spin at the end of the next map");
  });

  it("one pause in a stream (a collection on the other side) does not end the long spin for long", () => {
    const spin = new IdleSpin();
    for (let call = 0; call < 20; call++) spin.ended(0.01, true, longSpinMs);
    spin.ended(0.4, true, longSpinMs); // the call came after a 0.4 ms pause
    let short = 0;
    for (let call = 0; call < 20; call++) {
      if (spin.next() === shortSpinMs) short++;
      spin.ended(0.01, true, longSpinMs);
    }
    assert.ok(short <= 3, `${short} short spins after one pause`);
  });

  it("calls that come soon after a missed spin keep it spinning; silences make it skip", () => {
    const spin = new IdleSpin();
    for (let miss = 0; miss < spinPatience * 3; miss++) {
      assert.ok(spin.next() > 0, "a near miss is not a miss");
      spin.ended(nearMissMs / 2, true, shortSpinMs);
    }
    for (let miss = 0; miss < spinPatience; miss++) {
      assert.ok(spin.next() > 0);
      spin.ended(2, false, shortSpinMs); // nothing came within the wait
    }
    assert.equal(spin.next(), 0, "skips the spin after that many silences in a row");
    spin.ended(nearMissMs / 2, true, 0); // the call came soon after all
    assert.ok(spin.next() > 0, "spins again at once");
  });
});
