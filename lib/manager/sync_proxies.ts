/**
 * Proxies to a manager's locks, semaphores, events, conditions and barriers
 * (Python: `AcquirerProxy`, `EventProxy`, `ConditionProxy`, `BarrierProxy`).
 * Ownership of a lock is per thread or process (one connection each).
 *
 * @module
 */
import { ManagerProxy } from "./proxy.ts";
import { checkTimeout } from "../_validate.ts";
import { TimeoutError } from "../errors.ts";
import type { TimeoutOptions } from "./proxies.ts";

/**
 * `manager.Lock()`, `manager.RLock()`, `manager.Semaphore(n)`, `manager.BoundedSemaphore(n)`:
 * `acquire({ timeoutMs })` → whether it was taken; `release()`; `using _ = await x.hold()`.
 *
 * @example
 * ```ts
 * import { Manager } from "./manager.ts";
 * await using manager = await Manager.start();
 * const lock = await manager.Lock();
 * {
 *   await using _held = await lock.hold();
 *   // … one thread or process at a time here
 * }
 * console.log(await lock.acquire({ timeoutMs: 0 })); // true: free again
 * await lock.release();
 * ```
 */
export class AcquirerProxy extends ManagerProxy {
  /** Takes it, waiting up to `timeoutMs` (`0`: don't wait); whether it was taken. */
  acquire(options: TimeoutOptions = {}): Promise<boolean> {
    return this.call("acquire", checkTimeout("acquire", "timeoutMs", options.timeoutMs)) as Promise<
      boolean
    >;
  }

  /** Gives it back (n times, for a semaphore). */
  release(n?: number): Promise<void> {
    return (n === undefined ? this.call("release") : this.call("release", n)) as Promise<void>;
  }

  /** Takes it and returns an async disposable that releases it: `await using _ = await x.hold()`. */
  async hold(options: TimeoutOptions = {}): Promise<AsyncDisposable> {
    if (!await this.acquire(options)) {
      throw new TimeoutError(`Could not acquire the ${this.kind} within ${options.timeoutMs} ms`);
    }
    return { [Symbol.asyncDispose]: () => this.release() };
  }
}

/**
 * `manager.Event()`: `set`, `clear`, `isSet`, `wait(timeoutMs?)` → whether it is set.
 *
 * @example
 * ```ts
 * import { Manager } from "./manager.ts";
 * await using manager = await Manager.start();
 * const ready = await manager.Event();
 * await ready.set();
 * console.log(await ready.wait(100)); // true
 * ```
 */
export class EventProxy extends ManagerProxy {
  /** Sets the flag, waking every waiter. */
  set(): Promise<void> {
    return this.call("set") as Promise<void>;
  }
  /** Clears the flag. */
  clear(): Promise<void> {
    return this.call("clear") as Promise<void>;
  }
  /** Whether the flag is set. */
  isSet(): Promise<boolean> {
    return this.call("isSet") as Promise<boolean>;
  }
  /** Waits until the flag is set or `timeoutMs` passes; whether it is set. */
  wait(timeoutMs?: number): Promise<boolean> {
    return this.call("wait", checkTimeout("wait for event", "timeoutMs", timeoutMs)) as Promise<
      boolean
    >;
  }
}

/**
 * `manager.Condition(lock?)`: hold it (`acquire`/`hold`), then `wait`, `waitFor`,
 * `notify(n)`, `notifyAll()`; without holding it these throw.
 *
 * @example
 * ```ts
 * import { Manager } from "./manager.ts";
 * await using manager = await Manager.start();
 * const condition = await manager.Condition();
 * await condition.acquire();
 * console.log(await condition.wait(10)); // false: nobody notified
 * await condition.release();
 * ```
 */
export class ConditionProxy extends AcquirerProxy {
  /** Releases the lock, waits for a notify or `timeoutMs`, takes the lock back; whether notified. */
  wait(timeoutMs?: number): Promise<boolean> {
    return this.call("wait", checkTimeout("wait on condition", "timeoutMs", timeoutMs)) as Promise<
      boolean
    >;
  }
  /** Waits until `predicate()` is true (checked here) or `timeoutMs` passes; its last result. */
  async waitFor(predicate: () => unknown | Promise<unknown>, timeoutMs?: number): Promise<unknown> {
    const deadline = timeoutMs === undefined ? undefined : performance.now() + timeoutMs;
    let result = await predicate();
    while (!result) {
      const left = deadline === undefined ? undefined : deadline - performance.now();
      if (left !== undefined && left <= 0) break;
      await this.wait(left);
      result = await predicate();
    }
    return result;
  }
  /** Wakes up to `n` waiters. */
  notify(n = 1): Promise<void> {
    return this.call("notify", n) as Promise<void>;
  }
  /** Wakes every waiter. */
  notifyAll(): Promise<void> {
    return this.call("notifyAll") as Promise<void>;
  }
}

/** A barrier's state. */
export interface BarrierState {
  /** How many parties must wait together. */
  readonly parties: number;
  /** How many are waiting now. */
  readonly nWaiting: number;
  /** Whether it is broken (until `reset()`). */
  readonly broken: boolean;
}

/**
 * `manager.Barrier(parties, { action, timeoutMs })`: `wait()` → a distinct index per party;
 * `reset()`, `abort()`, `state()`; a broken barrier throws `BrokenBarrierError`.
 *
 * @example
 * ```ts
 * import { Manager } from "./manager.ts";
 * await using manager = await Manager.start();
 * const barrier = await manager.Barrier(2);
 * console.log((await Promise.all([barrier.wait(), barrier.wait()])).sort()); // [0, 1]
 * ```
 */
export class BarrierProxy extends ManagerProxy {
  /** Waits for all parties; resolves to this party's index `0…parties-1`. */
  wait(timeoutMs?: number): Promise<number> {
    return this.call("wait", checkTimeout("wait at barrier", "timeoutMs", timeoutMs)) as Promise<
      number
    >;
  }
  /** Back to the initial state; parties waiting now get `BrokenBarrierError`. */
  reset(): Promise<void> {
    return this.call("reset") as Promise<void>;
  }
  /** Breaks the barrier: current and future waits throw `BrokenBarrierError` until `reset()`. */
  abort(): Promise<void> {
    return this.call("abort") as Promise<void>;
  }
  /** `parties`, `nWaiting` and `broken` (Python's attributes). */
  state(): Promise<BarrierState> {
    return this.call("state") as Promise<BarrierState>;
  }
}
