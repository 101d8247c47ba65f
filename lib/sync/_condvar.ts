/**
 * The condition-variable algorithm behind `Condition` and `Barrier`.
 *
 * One int32 `WORD` packs two counts: waits not yet notified (high 16 bits)
 * and wake-ups granted by `notify()` but not yet taken (low 16 bits).
 * `notify(n)` moves `min(n, waiting)` from the first to the second in one
 * compare-and-swap; a woken wait takes one wake-up. A wait that times out
 * settles lock-free in one compare-and-swap too: it takes a wake-up if one is
 * left, else withdraws; so no wake-up is lost or counted twice.
 *
 * A wake-up must go to a wait that began before the `notify()`. So a new wait
 * (which holds the lock) first lets the wake-ups still outstanding be taken;
 * the woken take them without the lock. This is CPython's
 * `multiprocessing.Condition`, whose `notify()` blocks until the woken have
 * woken — moved into the next waiter, since `notify()` must not block an
 * event loop. A thread that blocks in `waitSync()` while an async `wait()` of
 * its own holds an untaken wake-up would wait for itself: do not mix the two
 * forms on one condition in one thread.
 *
 * @module
 */
import type { Steps } from "./_atomics.ts";
import { acquireRestoreSteps, releaseSave } from "./_mutex.ts";
import { ProcessError } from "../errors.ts";

const WORD = 0;
/** Bumped when the last outstanding wake-up is taken; new waits sleep on it meanwhile. */
const DRAINED = 1;
const ONE_WAITER = 0x10000;
const TOKENS_MASK = 0xffff;
const maxWaiters = 0x7fff;

/** The cells of a condition variable, with its mutex. */
export interface Condvar {
  /** The mutex cells (see `_mutex.ts`). */
  readonly lock: Int32Array;
  /** Whether the mutex is an RLock, whose depth `wait()` saves and restores. */
  readonly recursive: boolean;
  /** `[WORD, DRAINED]`. */
  readonly cells: Int32Array;
}

/**
 * New condition-variable cells.
 *
 * @example
 * ```ts
 * import { newCondvarCells } from "./_condvar.ts";
 * console.log(newCondvarCells().length); // 2
 * ```
 */
export function newCondvarCells(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(8));
}

/** Takes a wake-up if one is left; wakes new waits once none are. */
function takeToken(cells: Int32Array): boolean {
  let word = Atomics.load(cells, WORD);
  while ((word & TOKENS_MASK) > 0) {
    const seen = Atomics.compareExchange(cells, WORD, word, word - 1);
    if (seen === word) {
      if ((word & TOKENS_MASK) === 1) {
        Atomics.add(cells, DRAINED, 1);
        Atomics.notify(cells, DRAINED);
      }
      return true;
    }
    word = seen;
  }
  return false;
}

/** A wait that timed out: takes a wake-up granted meanwhile (true), else withdraws. */
function settle(cells: Int32Array): boolean {
  if (takeToken(cells)) return true;
  let word = Atomics.load(cells, WORD);
  for (;;) {
    if ((word & TOKENS_MASK) > 0) {
      if (takeToken(cells)) return true;
      word = Atomics.load(cells, WORD);
      continue;
    }
    const seen = Atomics.compareExchange(cells, WORD, word, word - ONE_WAITER);
    if (seen === word) return false;
    word = seen;
  }
}

/**
 * Waits for a notification until `deadline`: releases the mutex (whatever its
 * depth), sleeps, and reacquires it before returning; true when notified. The
 * caller holds the mutex.
 *
 * @example
 * ```ts
 * import { runSync } from "./_atomics.ts";
 * import { newCondvarCells, waitSteps } from "./_condvar.ts";
 * import { newMutex, tryLock } from "./_mutex.ts";
 * const condvar = { lock: newMutex(), recursive: false, cells: newCondvarCells() };
 * tryLock(condvar.lock);
 * console.log(runSync(waitSteps(condvar, performance.now() + 5))); // false: nobody notified
 * ```
 */
export function* waitSteps(condvar: Condvar, deadline: number): Steps<boolean> {
  const { cells } = condvar;
  // Wake-ups still outstanding belong to earlier waits: let them be taken first.
  for (;;) {
    const drained = Atomics.load(cells, DRAINED);
    if ((Atomics.load(cells, WORD) & TOKENS_MASK) === 0) break;
    const outcome = yield { cells, index: DRAINED, value: drained, deadline };
    if (outcome === "timed-out") return false;
  }
  if (Atomics.load(cells, WORD) >>> 16 >= maxWaiters) {
    throw new ProcessError(`Cannot wait on condition as ${maxWaiters} waits are already waiting`);
  }
  Atomics.add(cells, WORD, ONE_WAITER);
  const depth = releaseSave(condvar.lock, condvar.recursive);
  let notified = false;
  for (;;) {
    if (takeToken(cells)) {
      notified = true;
      break;
    }
    const word = Atomics.load(cells, WORD);
    if ((word & TOKENS_MASK) > 0) continue;
    const outcome = yield { cells, index: WORD, value: word, deadline };
    if (outcome === "timed-out") {
      notified = settle(cells);
      break;
    }
  }
  yield* acquireRestoreSteps(condvar.lock, condvar.recursive, depth);
  return notified;
}

/**
 * Waits until `predicate()` is truthy or `deadline` passes; returns its last
 * value (Python: `Condition.wait_for`). The caller holds the mutex.
 */
export function* waitForSteps<T>(
  condvar: Condvar,
  predicate: () => T,
  deadline: number,
): Steps<T> {
  let result = predicate();
  while (!result) {
    if (deadline !== Infinity && performance.now() >= deadline) break;
    yield* waitSteps(condvar, deadline);
    result = predicate();
  }
  return result;
}

/**
 * Wakes up to `n` waits (Python: `notify(n)`); returns how many. The caller
 * holds the mutex.
 *
 * @example
 * ```ts
 * import { newCondvarCells, notify } from "./_condvar.ts";
 * console.log(notify(newCondvarCells(), 1)); // 0: nobody waits
 * ```
 */
export function notify(cells: Int32Array, n: number): number {
  let word = Atomics.load(cells, WORD);
  for (;;) {
    const woken = Math.min(n, word >>> 16);
    if (woken <= 0) return 0;
    const next = word - woken * ONE_WAITER + woken;
    const seen = Atomics.compareExchange(cells, WORD, word, next);
    if (seen === word) {
      Atomics.notify(cells, WORD, woken);
      return woken;
    }
    word = seen;
  }
}
