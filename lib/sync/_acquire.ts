/**
 * How a lock or a semaphore is acquired and held, written once for `Lock`,
 * `RLock` and `Semaphore`: check the options, try at once, give up when
 * `timeoutMs` is 0, else wait until the deadline; `hold()` turns a failed
 * acquire into a `TimeoutError` and a successful one into a `Disposable`.
 *
 * @module
 */
import {
  deadlineOf,
  runAsync,
  runSync,
  type Steps,
  timeoutOption,
  type WaitOptions,
} from "./_atomics.ts";
import { TimeoutError } from "../errors.ts";

/** What `hold()` acquires and its `Disposable` releases. */
export interface Acquirable {
  /** Resolves to true once acquired, false when `timeoutMs` ran out. */
  acquire(options?: WaitOptions): Promise<boolean>;
  /** Like `acquire`, blocking the thread. */
  acquireSync(options?: WaitOptions): boolean;
  /** Gives back what was acquired. */
  release(): void;
}

/**
 * How a lock or a semaphore is taken: at once when it can be, else by an
 * algorithm that waits until a deadline.
 */
export interface Taking {
  /** Takes it if it can without waiting. */
  tryNow(): boolean;
  /** Takes it, waiting until `deadline`; true when taken. */
  steps(deadline: number): Steps<boolean>;
}

/**
 * Acquires without blocking the event loop: checks `options` (`action` names the
 * call in the error), tries at once, gives up when `timeoutMs` is 0, else waits.
 *
 * @example
 * ```ts
 * import { acquireWith } from "./_acquire.ts";
 * const busy = { tryNow: () => false, steps: function* () { return true; } };
 * console.log(await acquireWith("acquire", { timeoutMs: 0 }, busy)); // false
 * console.log(await acquireWith("acquire", {}, busy)); // true
 * ```
 */
export async function acquireWith(
  action: string,
  options: WaitOptions | undefined,
  taking: Taking,
): Promise<boolean> {
  return await acquiring(action, options, taking, runAsync);
}

/** Like {@linkcode acquireWith}, blocking the thread while it waits. */
export function acquireSyncWith(
  action: string,
  options: WaitOptions | undefined,
  taking: Taking,
): boolean {
  return acquiring(action, options, taking, runSync);
}

function acquiring<R>(
  action: string,
  options: WaitOptions | undefined,
  taking: Taking,
  run: (steps: Steps<boolean>) => R,
): R | boolean {
  const timeoutMs = timeoutOption(action, options);
  if (taking.tryNow()) return true;
  if (timeoutMs === 0) return false;
  return run(taking.steps(deadlineOf(timeoutMs)));
}

/**
 * Acquires `lock` and returns a `Disposable` that releases it (Python: `with
 * lock:`); throws `TimeoutError` when `timeoutMs` ran out. `what` names it.
 */
export async function hold(
  what: string,
  lock: Acquirable,
  options: WaitOptions | undefined,
): Promise<Disposable> {
  if (!await lock.acquire(options)) throw holdTimeout(what, options);
  return disposable(lock);
}

/** Like {@linkcode hold}, blocking the thread while it waits. */
export function holdSync(
  what: string,
  lock: Acquirable,
  options: WaitOptions | undefined,
): Disposable {
  if (!lock.acquireSync(options)) throw holdTimeout(what, options);
  return disposable(lock);
}

function holdTimeout(what: string, options: WaitOptions | undefined): TimeoutError {
  const timeoutMs = options?.timeoutMs ?? 0;
  return new TimeoutError(`Cannot hold ${what} as it was not acquired within ${timeoutMs} ms`);
}

/**
 * A `Disposable` that calls `held.release()` once: what `hold()` returns, for
 * `using _ = await lock.hold()` (Python: `with lock:`).
 *
 * @example
 * ```ts
 * import { disposable } from "./_acquire.ts";
 * {
 *   using _ = disposable({ release: () => console.log("released") });
 * } // "released"
 * ```
 */
export function disposable(held: { release(): void }): Disposable {
  return new Held(held);
}

/** What `hold()` returns: releases once, on dispose. */
class Held implements Disposable {
  #held: { release(): void } | undefined;

  constructor(held: { release(): void }) {
    this.#held = held;
  }

  [Symbol.dispose](): void {
    const held = this.#held;
    this.#held = undefined;
    held?.release();
  }
}
