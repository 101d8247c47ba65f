/**
 * How long an idle pool thread spins for its next call before it sleeps (`_doorbell.ts`), from
 * how its calls have been coming. A spinning thread takes a call in about a µs; a sleeping one
 * must be woken, which costs its parent a system call and itself tens to hundreds of µs on a VM
 * whose idle vCPU has halted: in a stream of calls one after another (sequential `apply`), most
 * of a round trip. But a spin holds a core that the parent or another worker may need.
 *
 * So the spin follows the gaps between calls (a moving average of how long idle waits lasted):
 * while calls come back within {@linkcode streamGapMs}, a spin lasts {@linkcode longSpinMs}, long
 * enough to ride out a pause of the parent (a garbage collection, a preempted thread); otherwise
 * {@linkcode shortSpinMs}. A call that comes after the spin but within {@linkcode nearMissMs} still
 * says calls come often; only longer silences count as spins that did not pay, and after
 * {@linkcode spinPatience} of them in a row idle waits skip the spin (`_spin_backoff.ts`), so a
 * worker whose calls come rarely soon spins no more.
 *
 * @module
 */
import { SpinBackoff } from "../sync/_spin_backoff.ts";

/** How long an idle thread spins while its calls come one after another (ms). */
export const longSpinMs = 0.5;
/** How long it spins otherwise (ms). */
export const shortSpinMs = 0.1;
/** Calls whose gaps average less than this (ms) come one after another. */
export const streamGapMs = 0.05;
/**
 * A call that comes within this of an idle wait's start (ms) came soon enough that spinning for
 * it was worth its time: the spin missed it by a pause on the other side, not for want of calls.
 */
export const nearMissMs = 1;
/** Idle spins in a row that may catch nothing before idle waits start skipping the spin. */
export const spinPatience = 4;
/** The most idle waits in a row that skip the spin. */
export const maxSkippedSpins = 64;
/** The weight of the latest gap in the moving average. */
const gapWeight = 1 / 8;

/**
 * One idle thread's spins: {@linkcode IdleSpin.next} before an idle wait, {@linkcode IdleSpin.ended}
 * after it.
 *
 * @example
 * ```ts
 * import { IdleSpin } from "./_idle_spin.ts";
 * const spin = new IdleSpin();
 * console.log(spin.next()); // 0.1: nothing known yet
 * for (let call = 0; call < 4; call++) spin.ended(0.01, true, 0.1); // calls come back in 10 µs
 * console.log(spin.next()); // 0.5
 * ```
 */
export class IdleSpin {
  readonly #backoff = new SpinBackoff(spinPatience, maxSkippedSpins);
  /** The moving average of how long idle waits lasted (ms). */
  #gapMs = streamGapMs;

  /** How long the next idle wait spins (ms; 0: it skips the spin). */
  next(): number {
    if (!this.#backoff.shouldSpin()) return 0;
    return this.#gapMs < streamGapMs ? longSpinMs : shortSpinMs;
  }

  /**
   * The next call was already waiting when the thread went idle (sent ahead, as the next call of
   * a long map is): calls come one after another, but nothing was spun for, so it neither makes
   * up for silences nor counts as one. A CPU-bound map whose workers find each next call waiting
   * and then meet a silence at its end so stops spinning at the end of each map, while both
   * vCPUs are still needed.
   */
  waiting(): void {
    this.#gapMs -= gapWeight * this.#gapMs;
  }

  /**
   * An idle wait ended after `waitedMs`, with a call (`came`) or not, having spun `spunMs` first
   * (0: the spin was skipped).
   */
  ended(waitedMs: number, came: boolean, spunMs: number): void {
    this.#gapMs += gapWeight * (waitedMs - this.#gapMs);
    if (came && waitedMs < nearMissMs) this.#backoff.paidOff();
    else if (spunMs > 0) this.#backoff.missed();
  }
}
