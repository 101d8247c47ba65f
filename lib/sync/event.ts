/**
 * `Event`: a flag threads wait on (Python: `multiprocessing.Event`).
 *
 * @module
 */
import { deadlineOf, runAsync, runSync, type Steps } from "./_atomics.ts";
import { type HandleDescriptor, toDescriptor } from "../task/values.ts";
import { Adoption } from "../_adoption.ts";
import { checkTimeout } from "../_validate.ts";

const FLAG = 0;
/** Bumped by every `set()`: a waiter that saw the flag down wakes on a change here. */
const GENERATION = 1;
const eventType = "polycore.Event";

const adoption = new Adoption<Int32Array>(import.meta.url);

function* waitSteps(cells: Int32Array, deadline: number): Steps<boolean> {
  const generation = Atomics.load(cells, GENERATION);
  if (Atomics.load(cells, FLAG) === 1) return true;
  const outcome = yield { cells, index: GENERATION, value: generation, deadline };
  // Woken, or the generation moved on: a set() happened after we started waiting, and
  // counts even if clear() came right after (CPython's test_set_and_clear).
  return outcome !== "timed-out" || Atomics.load(cells, FLAG) === 1;
}

/**
 * A flag that starts down (Python: `multiprocessing.Event` / `threading.Event`):
 * `set()` raises it and wakes every waiter, `clear()` lowers it, `wait()`
 * resolves once it is up. A `wait()` that was waiting when `set()` was called
 * resolves to true even if `clear()` follows at once.
 *
 * @example Tell a worker to go
 * ```ts
 * import { Event } from "./event.ts";
 * const go = new Event();
 * setTimeout(() => go.set(), 10);
 * console.log(await go.wait()); // true
 * console.log(go.isSet()); // true
 * go.clear();
 * console.log(await go.wait(5)); // false: timed out
 * ```
 */
export class Event {
  readonly #cells: Int32Array;

  constructor() {
    this.#cells = adoption.state ?? new Int32Array(new SharedArrayBuffer(8));
  }

  /** Whether the flag is up (Python: `is_set()`). */
  isSet(): boolean {
    return Atomics.load(this.#cells, FLAG) === 1;
  }

  /** Raises the flag and wakes every waiter (Python: `set()`). */
  set(): void {
    Atomics.store(this.#cells, FLAG, 1);
    Atomics.add(this.#cells, GENERATION, 1);
    Atomics.notify(this.#cells, GENERATION);
  }

  /** Lowers the flag (Python: `clear()`). */
  clear(): void {
    Atomics.store(this.#cells, FLAG, 0);
  }

  /**
   * Waits until the flag is up, at most `timeoutMs` (Python: `wait(timeout)`);
   * resolves to true when it was set, false when time ran out.
   */
  async wait(timeoutMs?: number): Promise<boolean> {
    const timeout = checkTimeout("wait for event", "timeoutMs", timeoutMs);
    if (this.isSet()) return true;
    return await runAsync(waitSteps(this.#cells, deadlineOf(timeout)));
  }

  /** Like {@linkcode Event.wait}, blocking the thread while it waits. */
  waitSync(timeoutMs?: number): boolean {
    const timeout = checkTimeout("wait for event", "timeoutMs", timeoutMs);
    if (this.isSet()) return true;
    return runSync(waitSteps(this.#cells, deadlineOf(timeout)));
  }

  /** Sent to workers as the same event. */
  [toDescriptor](): { descriptor: HandleDescriptor } {
    return adoption.descriptor(eventType, this.#cells);
  }
}

adoption.register(eventType, () => new Event());
