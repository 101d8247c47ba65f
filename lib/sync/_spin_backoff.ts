/**
 * When to skip a spin that may not pay off: an idle pool thread spinning for its next call
 * (`_doorbell.ts`), the parent's event loop kept awake for a result (`_awake_loop.ts`). A spin
 * that catches what it waits for saves a wake-up of an idle core (tens of µs); one that does not
 * burns its time for nothing. A miss now and then (a garbage collection on the other side, a call
 * that took longer) changes nothing; after {@linkcode SpinBackoff.patience} misses in a row the
 * next waits skip the spin — 1, then 2, 4, … up to {@linkcode SpinBackoff.maxSkips} after each
 * further miss — so a thread whose work comes rarely soon spins no more, and one spin that pays
 * off brings it back.
 *
 * @module
 */

/**
 * One spinning thread's record of its spins.
 *
 * @example
 * ```ts
 * import { SpinBackoff } from "./_spin_backoff.ts";
 * const backoff = new SpinBackoff(1, 64);
 * console.log(backoff.shouldSpin()); // true
 * backoff.missed();
 * console.log(backoff.shouldSpin()); // false: this wait skips it
 * console.log(backoff.shouldSpin()); // true
 * ```
 */
export class SpinBackoff {
  /** Misses in a row before waits start skipping the spin. */
  readonly patience: number;
  /** The most waits in a row that skip it. */
  readonly maxSkips: number;
  #misses = 0;
  /** Waits left that skip the spin, and how many the next miss makes skip. */
  #skips = 0;
  #skipRun = 0;

  constructor(patience: number, maxSkips: number) {
    this.patience = patience;
    this.maxSkips = maxSkips;
  }

  /** Whether this wait spins (false: it skips the spin, and counts down the skips). */
  shouldSpin(): boolean {
    if (this.#skips === 0) return true;
    this.#skips--;
    return false;
  }

  /** The spin caught what it waited for (or would have, spinning a little longer): spin again. */
  paidOff(): void {
    this.#misses = 0;
    this.#skips = 0;
    this.#skipRun = 0;
  }

  /** The spin ended without it. */
  missed(): void {
    if (++this.#misses < this.patience) return;
    this.#skipRun = Math.min(this.maxSkips, Math.max(1, this.#skipRun * 2));
    this.#skips = this.#skipRun;
  }
}
