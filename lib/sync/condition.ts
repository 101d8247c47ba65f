/**
 * `Condition`: wait until another thread says something changed (Python:
 * `multiprocessing.Condition`).
 *
 * @module
 */
import { deadlineOf, runAsync, runSync, type WaitOptions } from "./_atomics.ts";
import { type Condvar, newCondvarCells, notify, waitForSteps, waitSteps } from "./_condvar.ts";
import { isMine } from "./_mutex.ts";
import { type HandleDescriptor, toDescriptor } from "../task/values.ts";
import { Adoption } from "../_adoption.ts";
import { checkTimeout, invalid, outOfRange } from "../_validate.ts";
import { ProcessError } from "../errors.ts";
import { Lock, mutexOf, reviveLock, RLock } from "./lock.ts";

const conditionType = "polycore.Condition";

interface ConditionState {
  readonly lock: { readonly recursive: boolean; readonly cells: Int32Array };
  readonly cells: Int32Array;
}

const adoption = new Adoption<ConditionState>(import.meta.url);

/**
 * A condition variable (Python: `multiprocessing.Condition(lock=None)`): hold
 * its lock, check your condition, `wait()` until another thread changes it and
 * calls `notify()`. Without a lock it makes an {@linkcode RLock}, as Python
 * does; `wait`, `waitFor`, `notify` and `notifyAll` throw `ProcessError`
 * unless the current thread holds it. `notify(n)` wakes exactly
 * `min(n, waiting)` waits, in no guaranteed order. The lock is per thread: to
 * use one condition from several async functions of the same thread, give it
 * a {@linkcode Lock}.
 *
 * @example A worker waits for an item
 * ```ts
 * import { Condition } from "./condition.ts";
 * import { Lock } from "./lock.ts";
 * const ready = new Condition(new Lock());
 * const items: string[] = [];
 * setTimeout(async () => {
 *   using _ = await ready.hold();
 *   items.push("job");
 *   ready.notify();
 * }, 10);
 * using _ = await ready.hold();
 * console.log(await ready.waitFor(() => items.length > 0, 1000)); // true
 * ```
 */
export class Condition {
  readonly #lock: Lock | RLock;
  readonly #condvar: Condvar;

  /**
   * Creates it (see the class description).
   * @param lock The lock to use; a new {@linkcode RLock} by default.
   */
  constructor(lock?: Lock | RLock) {
    const state = adoption.state;
    if (state) {
      this.#lock = reviveLock(state.lock);
      this.#condvar = {
        lock: state.lock.cells,
        recursive: state.lock.recursive,
        cells: state.cells,
      };
      return;
    }
    if (lock !== undefined && !(lock instanceof Lock) && !(lock instanceof RLock)) {
      invalid("create condition", "lock", "must be a Lock or an RLock", lock);
    }
    this.#lock = lock ?? new RLock();
    const { cells, recursive } = mutexOf(this.#lock);
    this.#condvar = { lock: cells, recursive, cells: newCondvarCells() };
  }

  /** Acquires the underlying lock (Python: `acquire()`). */
  acquire(options?: WaitOptions): Promise<boolean> {
    return this.#lock.acquire(options);
  }

  /** Acquires the underlying lock, blocking the thread while it waits. */
  acquireSync(options?: WaitOptions): boolean {
    return this.#lock.acquireSync(options);
  }

  /** Releases the underlying lock (Python: `release()`). */
  release(): void {
    this.#lock.release();
  }

  /** Acquires the lock and returns a `Disposable` that releases it (Python: `with cond:`). */
  hold(options?: WaitOptions): Promise<Disposable> {
    return this.#lock.hold(options);
  }

  /** Like {@linkcode Condition.hold}, blocking the thread while it waits. */
  holdSync(options?: WaitOptions): Disposable {
    return this.#lock.holdSync(options);
  }

  #check(what: string): void {
    if (!isMine(this.#condvar.lock)) {
      throw new ProcessError(`Cannot ${what} as its lock is not held by this thread`);
    }
  }

  /**
   * Releases the lock, waits for a `notify()` or for `timeoutMs`, and takes the
   * lock back (Python: `wait(timeout)`); true when notified, false on timeout.
   */
  async wait(timeoutMs?: number): Promise<boolean> {
    const timeout = checkTimeout("wait on condition", "timeoutMs", timeoutMs);
    this.#check("wait on condition");
    return await runAsync(waitSteps(this.#condvar, deadlineOf(timeout)));
  }

  /** Like {@linkcode Condition.wait}, blocking the thread while it waits. */
  waitSync(timeoutMs?: number): boolean {
    const timeout = checkTimeout("wait on condition", "timeoutMs", timeoutMs);
    this.#check("wait on condition");
    return runSync(waitSteps(this.#condvar, deadlineOf(timeout)));
  }

  /**
   * Waits until `predicate()` is truthy, at most `timeoutMs` in all (Python:
   * `wait_for(predicate, timeout)`); resolves to the predicate's last value.
   */
  async waitFor<T>(predicate: () => T, timeoutMs?: number): Promise<T> {
    const deadline = this.#waitForDeadline(predicate, timeoutMs);
    return await runAsync(waitForSteps(this.#condvar, predicate, deadline));
  }

  /** Like {@linkcode Condition.waitFor}, blocking the thread while it waits. */
  waitForSync<T>(predicate: () => T, timeoutMs?: number): T {
    const deadline = this.#waitForDeadline(predicate, timeoutMs);
    return runSync(waitForSteps(this.#condvar, predicate, deadline));
  }

  #waitForDeadline(predicate: unknown, timeoutMs: number | undefined): number {
    const action = "wait for condition";
    if (typeof predicate !== "function") {
      invalid(action, "predicate", "must be a function", predicate);
    }
    const timeout = checkTimeout(action, "timeoutMs", timeoutMs);
    this.#check(action);
    return deadlineOf(timeout);
  }

  /** Wakes up to `n` waiting threads (Python: `notify(n=1)`); the lock must be held. */
  notify(n = 1): void {
    if (typeof n !== "number") invalid("notify condition", "n", "must be an integer >= 0", n);
    if (!(Number.isInteger(n) || n === Infinity) || n < 0) {
      outOfRange("notify condition", "n", "must be an integer >= 0", n);
    }
    this.#check("notify condition");
    notify(this.#condvar.cells, n);
  }

  /** Wakes every waiting thread (Python: `notify_all()`); the lock must be held. */
  notifyAll(): void {
    this.#check("notify condition");
    notify(this.#condvar.cells, Infinity);
  }

  /** Sent to workers as the same condition, with the same lock. */
  [toDescriptor](): { descriptor: HandleDescriptor } {
    const state: ConditionState = {
      lock: { recursive: this.#condvar.recursive, cells: this.#condvar.lock },
      cells: this.#condvar.cells,
    };
    return adoption.descriptor(conditionType, state);
  }
}

adoption.register(conditionType, () => new Condition());
