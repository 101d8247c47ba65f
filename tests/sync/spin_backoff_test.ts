// Spins that may not pay off (an idle thread's, the awake event loop's) back off only after
// several misses in a row (lib/sync/_spin_backoff.ts): one late call must not cost the next ones.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { SpinBackoff } from "../../lib/sync/_spin_backoff.ts";

/** How many waits skip the spin before the next one spins. */
function skipped(backoff: SpinBackoff): number {
  let count = 0;
  while (!backoff.shouldSpin()) count++;
  return count;
}

describe("backing off a spin", () => {
  it("misses fewer than the patience in a row skip nothing", () => {
    const backoff = new SpinBackoff(4, 64);
    for (let round = 0; round < 10; round++) {
      for (let miss = 0; miss < 3; miss++) {
        backoff.missed();
        assert.equal(skipped(backoff), 0);
      }
      backoff.paidOff();
    }
  });

  it("from the patience on, each miss doubles the skipped waits, up to the most", () => {
    const backoff = new SpinBackoff(2, 8);
    backoff.missed();
    const runs: number[] = [skipped(backoff)];
    for (let miss = 0; miss < 6; miss++) {
      backoff.missed();
      runs.push(skipped(backoff));
    }
    assert.deepEqual(runs, [0, 1, 2, 4, 8, 8, 8]);
  });

  it("a spin that pays off brings back a spin for every wait", () => {
    const backoff = new SpinBackoff(1, 64);
    for (let miss = 0; miss < 5; miss++) backoff.missed(), skipped(backoff);
    backoff.paidOff();
    assert.equal(skipped(backoff), 0);
    backoff.missed();
    assert.equal(skipped(backoff), 1, "the skipping starts over from one");
  });

  it("a wait that skipped the spin but got its call soon after ends the skipping at once", () => {
    const backoff = new SpinBackoff(1, 64);
    for (let miss = 0; miss < 4; miss++) backoff.missed(), skipped(backoff);
    backoff.missed(); // 16 waits to skip from here
    assert.equal(backoff.shouldSpin(), false);
    backoff.paidOff(); // that wait's call came soon: it would have paid to spin
    assert.equal(backoff.shouldSpin(), true, "the remaining skips are dropped");
  });
});
