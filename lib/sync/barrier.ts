/**
 * `Barrier`: a meeting point for a fixed number of threads (Python:
 * `multiprocessing.Barrier`). CPython's `threading.Barrier` algorithm, over a
 * futex mutex and condition variable in shared memory.
 *
 * @module
 */
import { deadlineOf, runAsync, runSync, type Steps } from "./_atomics.ts";
import { type Condvar, notify, waitForSteps, waitSteps } from "./_condvar.ts";
import { lockSteps, MUTEX_CELLS, unlock } from "./_mutex.ts";
import { type HandleDescriptor, toDescriptor } from "../task/values.ts";
import { Adoption } from "../_adoption.ts";
import { checkPositiveInteger, checkTimeout, invalid } from "../_validate.ts";
import {
  type BarrierAction,
  resolveAction,
  shipAction,
  type ShippedAction,
} from "./_barrier_action.ts";
import { BrokenBarrierError } from "../errors.ts";

export type { BarrierAction } from "./_barrier_action.ts";

const STATE = 0;
const COUNT = 1;
const FILLING = 0;
const DRAINING = 1;
const RESETTING = -1;
const BROKEN = -2;
const barrierType = "polycore.Barrier";

/** Options of {@linkcode Barrier} (Python: `Barrier(parties, action, timeout)`). */
export interface BarrierOptions {
  /**
   * Runs once per generation, in the last thread to arrive, before any is
   * released. A function used from workers must be self-contained (it is
   * shipped as source, like a function task), or a module task from `fromModule()`.
   */
  readonly action?: BarrierAction;
  /** Default time limit of `wait()`; a wait that runs out breaks the barrier. */
  readonly timeoutMs?: number;
}

interface BarrierState {
  readonly buffer: SharedArrayBuffer;
  readonly parties: number;
  readonly timeoutMs?: number;
  readonly action?: ShippedAction;
}

const adoption = new Adoption<BarrierState>(import.meta.url);

function broken(why = "it is broken (aborted, reset, timed out, or its action threw)"): Error {
  return new BrokenBarrierError(`Cannot pass barrier as ${why}`);
}

/**
 * Waits until `parties` threads have called `wait()`, then releases them all
 * together (Python: `multiprocessing.Barrier`). Each `wait()` resolves to a
 * distinct index `0 … parties-1`; `action` runs once per round in the last
 * arriver. A wait that times out, `abort()`, `reset()` or an action that
 * throws breaks the barrier: waits in progress and new ones throw
 * {@linkcode BrokenBarrierError} until `reset()`.
 *
 * @example Two parties meet
 * ```ts
 * import { Barrier } from "./barrier.ts";
 * const barrier = new Barrier(2, { action: () => console.log("both here") });
 * const indexes = await Promise.all([barrier.wait(), barrier.wait()]);
 * console.log(indexes.sort()); // [0, 1]
 * ```
 */
export class Barrier {
  readonly #state: BarrierState;
  readonly #condvar: Condvar;
  readonly #cells: Int32Array;
  readonly #action: ReturnType<typeof resolveAction>;

  /**
   * Creates it (see the class description).
   * @param parties How many threads must wait.
   * @param options `action`, `timeoutMs`.
   */
  constructor(parties: number, options: BarrierOptions = {}) {
    const state = adoption.state;
    if (state) {
      this.#state = state;
      this.#action = resolveAction(state.action);
    } else {
      const action = "create barrier";
      if (typeof options !== "object" || options === null) {
        invalid(action, "options", "must be an object such as { timeoutMs: 1000 }", options);
      }
      if (typeof parties !== "number") {
        invalid(action, "parties", "must be a positive integer", parties);
      }
      checkPositiveInteger(action, "parties", parties);
      const timeoutMs = checkTimeout(action, "timeoutMs", options.timeoutMs);
      const shipped = shipAction(options.action);
      const buffer = new SharedArrayBuffer((MUTEX_CELLS + 4) * 4);
      this.#state = {
        buffer,
        parties,
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
        ...(shipped ? { action: shipped } : {}),
      };
      this.#action = resolveAction(shipped, options.action);
    }
    const buffer = this.#state.buffer;
    this.#condvar = {
      lock: new Int32Array(buffer, 0, MUTEX_CELLS),
      recursive: false,
      cells: new Int32Array(buffer, MUTEX_CELLS * 4, 2),
    };
    this.#cells = new Int32Array(buffer, (MUTEX_CELLS + 2) * 4, 2);
  }

  /** How many threads must wait (Python: `parties`). */
  get parties(): number {
    return this.#state.parties;
  }

  /** How many threads wait now (Python: `n_waiting`). */
  get nWaiting(): number {
    return Atomics.load(this.#cells, STATE) === FILLING ? Atomics.load(this.#cells, COUNT) : 0;
  }

  /** Whether the barrier is broken (Python: `broken`). */
  get broken(): boolean {
    return Atomics.load(this.#cells, STATE) === BROKEN;
  }

  /**
   * Waits for the other parties (Python: `wait(timeout)`); resolves to this
   * party's index. Throws {@linkcode BrokenBarrierError} when the barrier is or
   * becomes broken, or this wait runs out of time (which breaks it).
   */
  async wait(timeoutMs?: number): Promise<number> {
    const deadline = this.#deadline(timeoutMs);
    const run = this.#action.ready ? this.#action.run : await this.#action.load();
    return runAsync(this.#waitSteps(deadline, timeoutMs ?? this.#state.timeoutMs, run));
  }

  /**
   * Like {@linkcode Barrier.wait}, blocking the thread while it waits. A module
   * task action must have loaded first (one `await wait()`, or a moment after the
   * barrier arrived in this worker).
   */
  waitSync(timeoutMs?: number): number {
    const deadline = this.#deadline(timeoutMs);
    if (!this.#action.ready) {
      throw new BrokenBarrierError(
        "Cannot wait on barrier synchronously before its module action has loaded in this thread: use await barrier.wait()",
      );
    }
    return runSync(this.#waitSteps(deadline, timeoutMs ?? this.#state.timeoutMs, this.#action.run));
  }

  #deadline(timeoutMs: number | undefined): number {
    const timeout = checkTimeout("wait on barrier", "timeoutMs", timeoutMs);
    return deadlineOf(timeout ?? this.#state.timeoutMs);
  }

  *#waitSteps(deadline: number, timeoutMs: number | undefined, action: () => void): Steps<number> {
    const cells = this.#cells;
    const condvar = this.#condvar;
    yield* lockSteps(condvar.lock, Infinity);
    try {
      // Wait while the previous round drains or a reset completes.
      while (Atomics.load(cells, STATE) === DRAINING || Atomics.load(cells, STATE) === RESETTING) {
        yield* waitSteps(condvar, Infinity);
      }
      if (Atomics.load(cells, STATE) < 0) throw broken();
      const index = Atomics.add(cells, COUNT, 1);
      try {
        if (index + 1 === this.#state.parties) {
          try {
            action();
          } catch (error) {
            this.#break();
            throw error;
          }
          Atomics.store(cells, STATE, DRAINING);
          notify(condvar.cells, Infinity);
        } else {
          const released = yield* waitForSteps(
            condvar,
            () => Atomics.load(cells, STATE) !== FILLING,
            deadline,
          );
          if (!released) {
            this.#break();
            throw broken(`the wait timed out after ${timeoutMs} ms, which broke it`);
          }
          if (Atomics.load(cells, STATE) < 0) throw broken();
        }
        return index;
      } finally {
        // The last one out of a drain or reset opens the barrier for the next round.
        if (Atomics.sub(cells, COUNT, 1) === 1) {
          const state = Atomics.load(cells, STATE);
          if (state === DRAINING || state === RESETTING) {
            Atomics.store(cells, STATE, FILLING);
            notify(condvar.cells, Infinity);
          }
        }
      }
    } finally {
      unlock(condvar.lock);
    }
  }

  #break(): void {
    Atomics.store(this.#cells, STATE, BROKEN);
    notify(this.#condvar.cells, Infinity);
  }

  #locked(change: () => void): void {
    runSync(lockSteps(this.#condvar.lock, Infinity));
    try {
      change();
    } finally {
      unlock(this.#condvar.lock);
    }
  }

  /**
   * Returns the barrier to its initial state (Python: `reset()`): waits in
   * progress throw {@linkcode BrokenBarrierError}; a broken barrier works again.
   */
  reset(): void {
    this.#locked(() => {
      const count = Atomics.load(this.#cells, COUNT);
      const state = Atomics.load(this.#cells, STATE);
      if (count > 0) {
        if (state === FILLING || state === BROKEN) Atomics.store(this.#cells, STATE, RESETTING);
      } else Atomics.store(this.#cells, STATE, FILLING);
      notify(this.#condvar.cells, Infinity);
    });
  }

  /** Breaks the barrier (Python: `abort()`): waits in progress and new ones throw. */
  abort(): void {
    this.#locked(() => this.#break());
  }

  /** Sent to workers as the same barrier (its action as source or module task). */
  [toDescriptor](): { descriptor: HandleDescriptor } {
    return adoption.descriptor(barrierType, this.#state);
  }
}

adoption.register(barrierType, (state) => new Barrier(state.parties));
