/**
 * A pool's accounting: counts, run and wait times, busy time.
 *
 * @module
 */
import { type Percentiles, Samples } from "./percentiles.ts";

/** A snapshot of a pool's activity (`pool.stats()`). */
export interface PoolStats {
  /** Workers running. */
  readonly workers: number;
  /** Workers running a call. */
  readonly busy: number;
  /** Calls waiting in the parent for a worker. */
  readonly queued: number;
  /** Calls that succeeded. */
  readonly completed: number;
  /** Calls that failed. */
  readonly failed: number;
  /** Dispatch to settlement, per call (ms). */
  readonly runTime: Percentiles;
  /** Submission to dispatch, per call (ms). */
  readonly waitTime: Percentiles;
  /** Share of worker time spent running tasks since the pool started (0…1). */
  readonly utilization: number;
}

/** What a pool counts as its calls go by. */
export class PoolAccounting {
  completed = 0;
  failed = 0;
  #busyMs = 0;
  readonly #startedAt = performance.now();
  readonly #runTimes = new Samples();
  readonly #waitTimes = new Samples();

  /** A call waited `ms` in the parent before dispatch. */
  waited(ms: number): void {
    this.#waitTimes.add(ms);
  }

  /** A call ran `ms` from dispatch to settlement. */
  ran(ms: number): void {
    this.#runTimes.add(ms);
  }

  /** A worker spent `ms` running a batch. */
  busy(ms: number): void {
    this.#busyMs += ms;
  }

  /** The snapshot, given what only the scheduler knows. */
  snapshot(live: { workers: number; busy: number; queued: number }, size: number): PoolStats {
    const elapsed = performance.now() - this.#startedAt;
    return {
      ...live,
      completed: this.completed,
      failed: this.failed,
      runTime: this.#runTimes.percentiles(),
      waitTime: this.#waitTimes.percentiles(),
      utilization: elapsed > 0 ? Math.min(1, this.#busyMs / (elapsed * size)) : 0,
    };
  }
}
