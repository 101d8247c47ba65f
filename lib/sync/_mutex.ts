/**
 * The futex mutex behind `Lock`, `RLock`, `Condition` and `Barrier`: three
 * int32 cells in shared memory. `STATE` is 0 (free), 1 (held) or 2 (held,
 * maybe with waiters: release must notify); `OWNER` is the holder's
 * {@linkcode ownerId} (0 when free); `COUNT` is an RLock's recursion depth.
 * The algorithm is Drepper's "mutex 3" ("Futexes Are Tricky"), with deadlines.
 *
 * @module
 */
import { ownerId, type Steps } from "./_atomics.ts";

/** Index of the lock state: 0 free, 1 held, 2 held with possible waiters. */
export const STATE = 0;
/** Index of the holder's owner id (0 when free). */
export const OWNER = 1;
/** Index of the recursion depth (RLock only). */
export const COUNT = 2;
/** Cells per mutex. */
export const MUTEX_CELLS = 3;

/**
 * New mutex cells, free.
 *
 * @example
 * ```ts
 * import { newMutex, tryLock } from "./_mutex.ts";
 * console.log(tryLock(newMutex())); // true
 * ```
 */
export function newMutex(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(MUTEX_CELLS * 4));
}

/**
 * Takes the mutex if it is free, without waiting; records the owner.
 *
 * @example
 * ```ts
 * import { newMutex, tryLock } from "./_mutex.ts";
 * const m = newMutex();
 * console.log(tryLock(m), tryLock(m)); // true false
 * ```
 */
export function tryLock(cells: Int32Array): boolean {
  if (Atomics.compareExchange(cells, STATE, 0, 1) !== 0) return false;
  Atomics.store(cells, OWNER, ownerId);
  return true;
}

/**
 * Takes the mutex, waiting until `deadline`; true when taken.
 *
 * @example
 * ```ts
 * import { runSync } from "./_atomics.ts";
 * import { lockSteps, newMutex } from "./_mutex.ts";
 * console.log(runSync(lockSteps(newMutex(), Infinity))); // true
 * ```
 */
export function* lockSteps(cells: Int32Array, deadline: number): Steps<boolean> {
  let state = Atomics.compareExchange(cells, STATE, 0, 1);
  if (state !== 0) {
    if (state !== 2) state = Atomics.exchange(cells, STATE, 2);
    while (state !== 0) {
      const outcome = yield { cells, index: STATE, value: 2, deadline };
      if (outcome === "timed-out") {
        // One last try: the holder may have let go just as time ran out.
        if (Atomics.compareExchange(cells, STATE, 0, 2) !== 0) return false;
        break;
      }
      state = Atomics.exchange(cells, STATE, 2);
    }
  }
  Atomics.store(cells, OWNER, ownerId);
  return true;
}

/**
 * Frees the mutex and wakes one waiter; false (nothing done) when it was free.
 *
 * @example
 * ```ts
 * import { newMutex, tryLock, unlock } from "./_mutex.ts";
 * const m = newMutex();
 * tryLock(m);
 * console.log(unlock(m), unlock(m)); // true false
 * ```
 */
export function unlock(cells: Int32Array): boolean {
  let state = Atomics.load(cells, STATE);
  if (state === 0) return false;
  // Clear the owner while still holding: once STATE is 0 the next holder writes it.
  Atomics.store(cells, OWNER, 0);
  for (;;) {
    const seen = Atomics.compareExchange(cells, STATE, state, 0);
    if (seen === state) break;
    if (seen === 0) return false; // released concurrently by another thread
    state = seen;
  }
  if (state === 2) Atomics.notify(cells, STATE, 1);
  return true;
}

/**
 * Whether the mutex is held by the current thread.
 *
 * @example
 * ```ts
 * import { isMine, newMutex, tryLock } from "./_mutex.ts";
 * const m = newMutex();
 * tryLock(m);
 * console.log(isMine(m)); // true
 * ```
 */
export function isMine(cells: Int32Array): boolean {
  return Atomics.load(cells, STATE) !== 0 && Atomics.load(cells, OWNER) === ownerId;
}

/**
 * Frees the mutex completely, whatever its recursion depth, and returns the
 * depth to restore (Python: `Condition`'s `_release_save`). The caller owns it.
 */
export function releaseSave(cells: Int32Array, recursive: boolean): number {
  const depth = recursive ? Atomics.load(cells, COUNT) : 1;
  if (recursive) Atomics.store(cells, COUNT, 0);
  unlock(cells);
  return depth;
}

/** Takes the mutex back after {@linkcode releaseSave}, with no time limit (Python: `_acquire_restore`). */
export function* acquireRestoreSteps(
  cells: Int32Array,
  recursive: boolean,
  depth: number,
): Steps<void> {
  yield* lockSteps(cells, Infinity);
  if (recursive) Atomics.store(cells, COUNT, depth);
}
