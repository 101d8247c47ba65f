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
 * soon spends no CPU on it; a result that comes within a spell of a wait that skipped it brings the
 * spells back at once. Runtimes where a turn of the loop does not keep it awake (Deno) never do it.
 *
 * While a pool worker of this thread is starting, no spell is taken: it would hold one of the cores
 * the worker's boot needs (on a 2-core machine, two workers booting and the loop's spell contend
 * for both: Bun's `Pool(2)` start took 4–6% longer).
 *
 * While awake, each turn also polls the result sources of the workers it waits for (a thread's
 * results box, `_doorbell.ts`): a worker puts a plain result there instead of posting it only
 * while the loop looks, which spares the message's clone and its event on both sides.
 *
 * @module
 */
import { runtime } from "../../runtimes/mod.ts";
import { SpinBackoff } from "../sync/_spin_backoff.ts";

/** How long the loop stays awake for a result after a call or the last result (ms). */
export const awakeMs = 1;
/**
 * How long one turn polls the result sources before it lets the loop go on (ms): a round trip to
 * an idle thread takes about this, so most results are taken in the turn after their call.
 */
export const turnSpinMs = 0.02;
/** Spells in a row that may catch nothing before waits start skipping them. */
export const awakePatience = 4;
/** The most waits in a row that do not keep the loop awake. */
export const maxSkippedWaits = 64;

/** Where a worker may leave its results while the loop is awake and looks (see `_doorbell.ts`). */
export interface ResultSource {
  /** The loop starts looking: results may be left here from now on. */
  open(): void;
  /** Hands over a result left here, if any; whether it did. */
  poll(): boolean;
  /** The loop stops looking; false when a result is being left: poll again, then close. */
  close(): boolean;
}

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
  /** When the last wait that skipped its spell began (ms). */
  #skippedAt = -Infinity;
  /** The result sources polled in the current spell. */
  readonly #sources = new Set<ResultSource>();
  readonly #backoff = new SpinBackoff(awakePatience, maxSkippedWaits);
  readonly #now: () => number;
  readonly #spinMs: number;
  /** Workers started and not yet ready (or gone): while any is, no spell is taken. */
  #starting = 0;

  /**
   * @param nextTurn Runs a function on the loop's next turn, without sleeping (none: never awake).
   * @param now The clock, in ms (tests pass their own).
   * @param spinMs How long a turn polls the sources ({@linkcode turnSpinMs}; tests whose clock
   * stands still pass 0: a turn then polls a few times).
   */
  constructor(
    nextTurn: ((turn: () => void) => void) | undefined,
    now: () => number = () => performance.now(),
    spinMs: number = turnSpinMs,
  ) {
    this.#nextTurn = nextTurn;
    this.#now = now;
    this.#spinMs = spinMs;
  }

  /**
   * Work is going out whose result will be posted back (or left in `source`): stay awake for it,
   * polling `source`, unless skipping, or unless it is expected to take longer than a spell
   * (`expectedMs`, when measured): then its result, posted, wakes the loop. Call it before the
   * work goes, so that `source` is open in time; {@linkcode AwakeLoop.settled} when it could not
   * go after all.
   */
  expect(source?: ResultSource, expectedMs?: number): void {
    if (this.#nextTurn === undefined) return;
    this.#pending++;
    if ((expectedMs !== undefined && expectedMs >= awakeMs) || this.#starting > 0) return;
    if (this.#awake) {
      this.#until = this.#now() + awakeMs;
      this.#look(source);
      return;
    }
    if (!this.#backoff.shouldSpin()) {
      this.#skippedAt = this.#now();
      return;
    }
    this.#awake = true;
    this.#caught = false;
    this.#until = this.#now() + awakeMs;
    this.#look(source);
    this.#nextTurn(this.#turn);
  }

  /** A worker is starting: until {@linkcode AwakeLoop.started}, work going out takes no spell. */
  starting(): void {
    this.#starting++;
  }

  /** A worker counted by {@linkcode AwakeLoop.starting} is ready, or ended before it was. */
  started(): void {
    this.#starting--;
  }

  /** Workers starting now (see {@linkcode AwakeLoop.starting}). */
  get startingWorkers(): number {
    return this.#starting;
  }

  /**
   * Polls the sources until one hands over a result, for at most {@linkcode turnSpinMs}: a
   * result left meanwhile is taken at once rather than a turn later.
   */
  #pollSources(): void {
    if (this.#sources.size === 0) return;
    const until = this.#now() + this.#spinMs;
    for (let spin = 1;; spin++) {
      let taken = false;
      for (const source of this.#sources) taken = source.poll() || taken;
      if (taken || ((spin & 7) === 0 && this.#now() >= until)) return;
    }
  }

  #look(source: ResultSource | undefined): void {
    if (source === undefined || this.#sources.has(source)) return;
    source.open();
    this.#sources.add(source);
  }

  /** A result came. */
  settled(): void {
    if (this.#pending === 0) return;
    this.#pending--;
    if (!this.#awake) {
      // A result that came within a spell of a wait that skipped it: spells pay again.
      if (this.#now() - this.#skippedAt < awakeMs) this.#backoff.paidOff();
      return;
    }
    this.#caught = true;
    this.#until = this.#now() + awakeMs;
  }

  readonly #turn = (): void => {
    this.#pollSources();
    if (this.#pending > 0 && this.#now() < this.#until) {
      this.#nextTurn!(this.#turn);
      return;
    }
    for (const source of this.#sources) if (source.close()) this.#sources.delete(source);
    if (this.#sources.size > 0) {
      this.#nextTurn!(this.#turn); // a result is being left: take it on the next turn
      return;
    }
    this.#awake = false;
    if (this.#caught || this.#pending === 0) this.#backoff.paidOff();
    else this.#backoff.missed();
  };
}

/** This thread's spells: one for all its pools, so their waits share one chain of turns. */
export const awakeLoop: AwakeLoop = new AwakeLoop(runtime.nextTurnStaysAwake);
