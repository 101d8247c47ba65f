/**
 * Keeps this thread's event loop awake for a moment after work goes to a worker, so the result
 * is taken the moment it is posted. An event loop with nothing to do sleeps in the kernel, and on
 * a VM its vCPU halts: waking it for the result costs 30–60 µs, most of a round trip. While a
 * result is awaited, the loop instead takes one more turn at a time (`setImmediate`), which
 * polls for messages without sleeping; a round trip to an idle pool worker then costs a few µs.
 *
 * It stays awake while results keep coming within {@linkcode awakeMs} of the last call or
 * result; after {@linkcode awakePatience} spells in a row that catch nothing in that time (the
 * work takes longer), the next waits skip it (see `_spin_backoff.ts`), so a pool of long tasks
 * soon spends no CPU on it. Runtimes where a turn of the loop does not keep it awake (Deno) never do it.
 *
 * @module
 */
import { runtime } from "../../runtimes/mod.ts";
import { SpinBackoff } from "../sync/_spin_backoff.ts";

/** How long the loop stays awake for a result after a call or the last result (ms). */
export const awakeMs = 0.25;
/** Spells in a row that may catch nothing before waits start skipping them. */
export const awakePatience = 4;
/** The most waits in a row that do not keep the loop awake. */
export const maxSkippedWaits = 64;

/**
 * The loop's awake spells for one thread: {@linkcode AwakeLoop.expect} when work goes out,
 * {@linkcode AwakeLoop.settled} when its result comes back.
 *
 * @example
 * ```ts
 * import { AwakeLoop } from "./_awake_loop.ts";
 * const loop = new AwakeLoop((turn) => setTimeout(turn, 0));
 * loop.expect(); // the loop now takes turns until the result comes, or for 0.25 ms
 * loop.settled();
 * ```
 */
export class AwakeLoop {
  readonly #nextTurn?: (turn: () => void) => void;
  /** Results awaited. */
  #pending = 0;
  /** When the current spell ends unless a result or call comes first. */
  #until = 0;
  #awake = false;
  /** Whether a result came in the current spell. */
  #caught = false;
  readonly #backoff = new SpinBackoff(awakePatience, maxSkippedWaits);
  readonly #now: () => number;

  /**
   * @param nextTurn Runs a function on the loop's next turn, without sleeping (none: never awake).
   * @param now The clock, in ms (tests pass their own).
   */
  constructor(
    nextTurn: ((turn: () => void) => void) | undefined,
    now: () => number = () => performance.now(),
  ) {
    this.#nextTurn = nextTurn;
    this.#now = now;
  }

  /** Work went out whose result will be posted back: stay awake for it, unless skipping. */
  expect(): void {
    if (this.#nextTurn === undefined) return;
    this.#pending++;
    if (this.#awake) {
      this.#until = this.#now() + awakeMs;
      return;
    }
    if (!this.#backoff.shouldSpin()) return;
    this.#awake = true;
    this.#caught = false;
    this.#until = this.#now() + awakeMs;
    this.#nextTurn(this.#turn);
  }

  /** A result came. */
  settled(): void {
    if (this.#pending === 0) return;
    this.#pending--;
    if (!this.#awake) return;
    this.#caught = true;
    this.#until = this.#now() + awakeMs;
  }

  readonly #turn = (): void => {
    if (this.#pending > 0 && this.#now() < this.#until) {
      this.#nextTurn!(this.#turn);
      return;
    }
    this.#awake = false;
    if (this.#caught || this.#pending === 0) this.#backoff.paidOff();
    else this.#backoff.missed();
  };
}

/** This thread's spells: one for all its pools, so their waits share one chain of turns. */
export const awakeLoop: AwakeLoop = new AwakeLoop(runtime.nextTurnStaysAwake);
