/**
 * Promise-based waiting with timeouts, for the manager's server-side objects.
 *
 * @module
 */

interface Waiter {
  readonly wake: (woken: boolean) => void;
  readonly timer?: ReturnType<typeof setTimeout>;
}

/** A FIFO of callers waiting to be woken. */
export class Waiters {
  readonly #queue: Waiter[] = [];

  /** Number of callers waiting. */
  get size(): number {
    return this.#queue.length;
  }

  /** Waits to be woken (`true`) or for `timeoutMs` to pass (`false`). */
  wait(timeoutMs?: number): Promise<boolean> {
    if (timeoutMs !== undefined && timeoutMs <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const waiter: { wake: (woken: boolean) => void; timer?: ReturnType<typeof setTimeout> } = {
        wake: resolve,
      };
      if (timeoutMs !== undefined && Number.isFinite(timeoutMs)) {
        waiter.timer = setTimeout(() => {
          const index = this.#queue.indexOf(waiter);
          if (index >= 0) this.#queue.splice(index, 1);
          resolve(false);
        }, timeoutMs);
      }
      this.#queue.push(waiter);
    });
  }

  /** Wakes up to `n` waiters, oldest first; returns how many were woken. */
  wake(n = 1): number {
    let woken = 0;
    while (woken < n && this.#queue.length > 0) {
      const waiter = this.#queue.shift()!;
      clearTimeout(waiter.timer);
      waiter.wake(true);
      woken++;
    }
    return woken;
  }

  /** Wakes every waiter. */
  wakeAll(): number {
    return this.wake(this.#queue.length);
  }
}

/** Milliseconds left until `deadline` (`undefined` = no deadline). */
export function remaining(deadline: number | undefined): number | undefined {
  return deadline === undefined ? undefined : Math.max(0, deadline - performance.now());
}

/** The deadline `timeoutMs` from now. */
export function deadlineOf(timeoutMs: number | undefined): number | undefined {
  return timeoutMs === undefined || !Number.isFinite(timeoutMs)
    ? undefined
    : performance.now() + timeoutMs;
}
