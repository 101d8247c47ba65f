/**
 * `Lock` and `RLock` over shared memory and Atomics (Python:
 * `multiprocessing.Lock`, `multiprocessing.RLock`). Pass them to a `Process`,
 * `Pool` or executor: the worker gets the same lock.
 *
 * @module
 */
import { ownerId, type Steps, type WaitOptions } from "./_atomics.ts";
import { acquireSyncWith, acquireWith, hold, holdSync, type Taking } from "./_acquire.ts";
import { COUNT, lockSteps, newMutex, OWNER, STATE, tryLock, unlock } from "./_mutex.ts";
import { type HandleDescriptor, toDescriptor } from "../task/values.ts";
import { Adoption } from "../_adoption.ts";
import { ProcessError } from "../errors.ts";

export type { WaitOptions } from "./_atomics.ts";

const lockType = "polycore.Lock";
const rlockType = "polycore.RLock";

/** The cells a revived lock is built over. */
const adoption = new Adoption<Int32Array>(import.meta.url);
let cellsOfLock: (lock: Lock) => Int32Array;
let cellsOfRLock: (lock: RLock) => Int32Array;

/** The mutex cells of a lock, and whether it is recursive (for Condition and Value). */
export function mutexOf(lock: Lock | RLock): { cells: Int32Array; recursive: boolean } {
  return lock instanceof RLock
    ? { cells: cellsOfRLock(lock), recursive: true }
    : { cells: cellsOfLock(lock), recursive: false };
}

/** Rebuilds a lock over existing cells (a revived handle). */
export function reviveLock(state: { recursive: boolean; cells: Int32Array }): Lock | RLock {
  return adoption.revive(state.cells, () => state.recursive ? new RLock() : new Lock());
}

function takeCells(): Int32Array {
  return adoption.state ?? newMutex();
}

function thread(owner: number): string {
  return `thread ${owner - 1}`;
}

/**
 * A mutual-exclusion lock (Python: `multiprocessing.Lock` / `threading.Lock`).
 * Not recursive: a thread that acquires it twice waits for itself. Any thread
 * may release it, as in Python; releasing a lock that is not held throws
 * `ProcessError`. `await acquire()` waits without blocking the event loop;
 * `acquireSync()` blocks the thread (meant for workers).
 *
 * @example Guard a shared counter
 * ```ts
 * import { Lock } from "./lock.ts";
 * const lock = new Lock();
 * {
 *   using _ = await lock.hold();
 *   console.log(lock.locked()); // true
 * }
 * console.log(await lock.acquire({ timeoutMs: 0 })); // true
 * lock.release();
 * ```
 */
export class Lock {
  readonly #cells: Int32Array = takeCells();
  readonly #taking: Taking = {
    tryNow: () => tryLock(this.#cells),
    steps: (deadline) => lockSteps(this.#cells, deadline),
  };

  static {
    cellsOfLock = (lock) => lock.#cells;
  }

  /**
   * Acquires the lock, waiting at most `timeoutMs` (Python: `acquire(block, timeout)`);
   * resolves to false when time ran out. `timeoutMs: 0` tries once.
   */
  acquire(options?: WaitOptions): Promise<boolean> {
    return acquireWith("acquire lock", options, this.#taking);
  }

  /** Like {@linkcode Lock.acquire}, blocking the thread while it waits. */
  acquireSync(options?: WaitOptions): boolean {
    return acquireSyncWith("acquire lock", options, this.#taking);
  }

  /** Releases the lock (Python: `release()`); throws `ProcessError` when it is not held. */
  release(): void {
    if (!unlock(this.#cells)) throw new ProcessError("Cannot release Lock as it is not held");
  }

  /**
   * Acquires the lock and returns a `Disposable` that releases it (Python:
   * `with lock:`): `using _ = await lock.hold()`. With `timeoutMs`, throws
   * `TimeoutError` when it could not be acquired in time.
   */
  hold(options?: WaitOptions): Promise<Disposable> {
    return hold("lock", this, options);
  }

  /** Like {@linkcode Lock.hold}, blocking the thread while it waits. */
  holdSync(options?: WaitOptions): Disposable {
    return holdSync("lock", this, options);
  }

  /** Whether some thread holds the lock (Python: `threading.Lock.locked()`). */
  locked(): boolean {
    return Atomics.load(this.#cells, STATE) !== 0;
  }

  /** Sent to workers as the same lock. */
  [toDescriptor](): { descriptor: HandleDescriptor } {
    return adoption.descriptor(lockType, this.#cells);
  }
}

/**
 * A recursive lock (Python: `multiprocessing.RLock` / `threading.RLock`): the
 * thread that holds it may acquire it again, and must release it as many
 * times. Only that thread may release it; another thread's `release()` throws
 * `ProcessError`. Ownership is per thread, as in Python: concurrent async
 * functions of one thread share it, so use a {@linkcode Lock} to keep them
 * apart.
 *
 * @example Re-enter from the same thread
 * ```ts
 * import { RLock } from "./lock.ts";
 * const rlock = new RLock();
 * await rlock.acquire();
 * console.log(rlock.acquireSync({ timeoutMs: 0 })); // true: already ours
 * rlock.release();
 * rlock.release();
 * ```
 */
export class RLock {
  readonly #cells: Int32Array = takeCells();
  readonly #taking: Taking = {
    tryNow: () => this.#reenter() || this.#taken(tryLock(this.#cells)),
    steps: (deadline) => this.#takenSteps(deadline),
  };

  static {
    cellsOfRLock = (lock) => lock.#cells;
  }

  #reenter(): boolean {
    if (Atomics.load(this.#cells, OWNER) !== ownerId) return false;
    Atomics.store(this.#cells, COUNT, Atomics.load(this.#cells, COUNT) + 1);
    return true;
  }

  #taken(taken: boolean): boolean {
    if (taken) Atomics.store(this.#cells, COUNT, 1);
    return taken;
  }

  *#takenSteps(deadline: number): Steps<boolean> {
    return this.#taken(yield* lockSteps(this.#cells, deadline));
  }

  /**
   * Acquires the lock, or re-enters it when this thread holds it, waiting at most
   * `timeoutMs` (Python: `acquire(block, timeout)`); resolves to false when time ran out.
   */
  acquire(options?: WaitOptions): Promise<boolean> {
    return acquireWith("acquire RLock", options, this.#taking);
  }

  /** Like {@linkcode RLock.acquire}, blocking the thread while it waits. */
  acquireSync(options?: WaitOptions): boolean {
    return acquireSyncWith("acquire RLock", options, this.#taking);
  }

  /**
   * Releases one level (Python: `release()`); the lock is free when every
   * acquire has been released. Throws `ProcessError` when this thread does not hold it.
   */
  release(): void {
    const owner = Atomics.load(this.#cells, OWNER);
    if (owner !== ownerId) {
      throw new ProcessError(
        owner === 0
          ? "Cannot release RLock as it is not held"
          : `Cannot release RLock as it is held by ${thread(owner)}, not by this ${
            thread(ownerId)
          }: only the thread that acquired an RLock may release it`,
      );
    }
    const depth = Atomics.load(this.#cells, COUNT) - 1;
    Atomics.store(this.#cells, COUNT, depth);
    if (depth === 0) unlock(this.#cells);
  }

  /** Acquires and returns a `Disposable` that releases (Python: `with rlock:`). */
  hold(options?: WaitOptions): Promise<Disposable> {
    return hold("RLock", this, options);
  }

  /** Like {@linkcode RLock.hold}, blocking the thread while it waits. */
  holdSync(options?: WaitOptions): Disposable {
    return holdSync("RLock", this, options);
  }

  /** Sent to workers as the same lock. */
  [toDescriptor](): { descriptor: HandleDescriptor } {
    return adoption.descriptor(rlockType, this.#cells);
  }
}

adoption.register(lockType, () => new Lock());
adoption.register(rlockType, () => new RLock());
