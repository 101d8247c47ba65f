/**
 * `Semaphore` and `BoundedSemaphore` over shared memory and Atomics (Python:
 * `multiprocessing.Semaphore`, `multiprocessing.BoundedSemaphore`).
 *
 * @module
 */
import type { Steps, WaitOptions } from "./_atomics.ts";
import { acquireSyncWith, acquireWith, hold, holdSync, type Taking } from "./_acquire.ts";
import { type HandleDescriptor, toDescriptor } from "../task/values.ts";
import { Adoption } from "../_adoption.ts";
import { invalid, outOfRange } from "../_validate.ts";
import { ProcessError } from "../errors.ts";

const VALUE = 0;
const WAITERS = 1;
const maxValue = 2 ** 31 - 1;
const semaphoreType = "polycore.Semaphore";

interface SemaphoreState {
  readonly cells: Int32Array;
  /** The most `value` may reach: the initial value for a bounded semaphore. */
  readonly bound: number;
  readonly bounded: boolean;
}

const adoption = new Adoption<SemaphoreState>(import.meta.url);

function checkValue(action: string, name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number") invalid(action, name, "must be an integer >= 0", value);
  if (!Number.isInteger(value) || value < 0 || value > maxValue) {
    outOfRange(action, name, `must be an integer from 0 to ${maxValue}`, value);
  }
  return value;
}

function tryTake(cells: Int32Array): boolean {
  let value = Atomics.load(cells, VALUE);
  while (value > 0) {
    const seen = Atomics.compareExchange(cells, VALUE, value, value - 1);
    if (seen === value) return true;
    value = seen;
  }
  return false;
}

function* takeSteps(cells: Int32Array, deadline: number): Steps<boolean> {
  for (;;) {
    if (tryTake(cells)) return true;
    // Count ourselves before sleeping: release() notifies only when someone waits.
    Atomics.add(cells, WAITERS, 1);
    const outcome = yield { cells, index: VALUE, value: 0, deadline };
    Atomics.sub(cells, WAITERS, 1);
    if (outcome === "timed-out") return tryTake(cells);
  }
}

/**
 * A counter of permits (Python: `multiprocessing.Semaphore(value)`):
 * `acquire()` takes one, waiting while there are none; `release()` gives one
 * back and wakes a waiter. `new Semaphore(-1)` throws a `RangeError`.
 *
 * @example At most two at a time
 * ```ts
 * import { Semaphore } from "./semaphore.ts";
 * const slots = new Semaphore(2);
 * await slots.acquire();
 * await slots.acquire();
 * console.log(await slots.acquire({ timeoutMs: 0 })); // false: both taken
 * slots.release();
 * console.log(slots.getValue()); // 1
 * ```
 */
export class Semaphore {
  readonly #cells: Int32Array;
  readonly #bound: number;
  readonly #taking: Taking = {
    tryNow: () => tryTake(this.#cells),
    steps: (deadline) => takeSteps(this.#cells, deadline),
  };

  /**
   * Creates it (see the class description).
   * @param value The initial number of permits (default 1).
   */
  constructor(value?: number) {
    const state = adoption.state;
    if (state) {
      this.#cells = state.cells;
      this.#bound = state.bound;
      return;
    }
    const initial = checkValue(`create ${new.target.name}`, "value", value, 1);
    this.#cells = new Int32Array(new SharedArrayBuffer(8));
    this.#cells[VALUE] = initial;
    this.#bound = new.target === BoundedSemaphore ? initial : maxValue;
  }

  /**
   * Takes a permit, waiting at most `timeoutMs` (Python: `acquire(block, timeout)`);
   * resolves to false when time ran out. `timeoutMs: 0` tries once.
   */
  acquire(options?: WaitOptions): Promise<boolean> {
    return acquireWith("acquire semaphore", options, this.#taking);
  }

  /** Like {@linkcode Semaphore.acquire}, blocking the thread while it waits. */
  acquireSync(options?: WaitOptions): boolean {
    return acquireSyncWith("acquire semaphore", options, this.#taking);
  }

  /**
   * Gives back `n` permits and wakes as many waiters (Python: `release(n=1)`).
   * A `BoundedSemaphore` throws `ProcessError` when that would exceed its
   * initial value (Python: `ValueError: Semaphore released too many times`).
   */
  release(n = 1): void {
    if (typeof n !== "number") invalid("release semaphore", "n", "must be a positive integer", n);
    if (!Number.isInteger(n) || n < 1) {
      outOfRange("release semaphore", "n", "must be a positive integer", n);
    }
    let value = Atomics.load(this.#cells, VALUE);
    for (;;) {
      if (value + n > this.#bound) {
        throw new ProcessError(
          !(this instanceof BoundedSemaphore)
            ? `Cannot release Semaphore as its value would exceed ${maxValue}`
            : `Cannot release BoundedSemaphore as it was released too many times: its value would exceed ${this.#bound}`,
        );
      }
      const seen = Atomics.compareExchange(this.#cells, VALUE, value, value + n);
      if (seen === value) break;
      value = seen;
    }
    if (Atomics.load(this.#cells, WAITERS) > 0) Atomics.notify(this.#cells, VALUE, n);
  }

  /** Takes a permit and returns a `Disposable` that gives it back (Python: `with sem:`). */
  hold(options?: WaitOptions): Promise<Disposable> {
    return hold("semaphore", this, options);
  }

  /** Like {@linkcode Semaphore.hold}, blocking the thread while it waits. */
  holdSync(options?: WaitOptions): Disposable {
    return holdSync("semaphore", this, options);
  }

  /** The number of permits available now (Python: `get_value()`). */
  getValue(): number {
    return Atomics.load(this.#cells, VALUE);
  }

  /** Sent to workers as the same semaphore. */
  [toDescriptor](): { descriptor: HandleDescriptor } {
    const state: SemaphoreState = {
      cells: this.#cells,
      bound: this.#bound,
      bounded: this instanceof BoundedSemaphore,
    };
    return adoption.descriptor(semaphoreType, state);
  }
}

/**
 * A semaphore that may not be released above its initial value (Python:
 * `multiprocessing.BoundedSemaphore`): the extra `release()` throws
 * `ProcessError`, catching a release without a matching acquire.
 *
 * @example
 * ```ts
 * import { BoundedSemaphore } from "./semaphore.ts";
 * const sem = new BoundedSemaphore(1);
 * try {
 *   sem.release();
 * } catch (error) {
 *   console.log((error as Error).name); // "ProcessError"
 * }
 * ```
 */
export class BoundedSemaphore extends Semaphore {}

adoption.register(
  semaphoreType,
  (state) => state.bounded ? new BoundedSemaphore() : new Semaphore(),
);
