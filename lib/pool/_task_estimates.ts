/**
 * How long one item of each task takes, measured as batches settle, and the
 * batch sizes that follow from it: tiny tasks travel many to a message (about
 * 2 ms of work each) with one batch prefetched; long or unknown ones go one
 * at a time, so work balances and queued work stays cancellable (a long one's
 * next goes just before it is expected to end: see the scheduler).
 *
 * @module
 */
import type { PoolCall } from "./_pool_call.ts";
import type { TaskSpec } from "../task/task.ts";

/** How much work one message to a worker carries, when its items are tiny (ms). */
const targetMessageMs = 2;
const prefetchBelowMs = 5;
/** The most items one message carries. */
const maxItemsPerMessage = 4096;

/**
 * The pool's one sizing policy: how many items of a task that takes `estimateMs` each go in one
 * message to a worker — a batch of calls, or an automatic `imap` chunk (1 while unmeasured).
 *
 * @example
 * ```ts
 * import { itemsPerMessage } from "./_task_estimates.ts";
 * console.log(itemsPerMessage(0.01)); // 200: about 2 ms of work
 * console.log(itemsPerMessage(undefined)); // 1
 * ```
 */
export function itemsPerMessage(estimateMs: number | undefined): number {
  if (estimateMs === undefined) return 1;
  return Math.max(
    1,
    Math.min(maxItemsPerMessage, Math.floor(targetMessageMs / Math.max(estimateMs, 1e-6))),
  );
}

/** Per-task cost estimates (an exponential moving average per task). */
export class TaskEstimates {
  readonly #estimates = new WeakMap<TaskSpec, number>();

  /** Estimated run time of one item of `spec`, once measured (ms). */
  get(spec: TaskSpec): number | undefined {
    return this.#estimates.get(spec);
  }

  /** Records a settled batch: `elapsedMs` spent on `items` items of the tasks `specs`. */
  record(specs: Iterable<TaskSpec>, elapsedMs: number, items: number): void {
    if (items === 0) return;
    const sample = elapsedMs / items;
    for (const spec of specs) {
      const previous = this.#estimates.get(spec);
      this.#estimates.set(spec, previous === undefined ? sample : 0.7 * previous + 0.3 * sample);
    }
  }

  /** Whether a worker may hold a second batch behind one led by `head`. */
  mayPrefetch(head: PoolCall): boolean {
    const estimate = this.#estimates.get(head.spec);
    return estimate !== undefined && estimate * head.items < prefetchBelowMs;
  }

  /**
   * When a long batch is expected to end, for a batch too long to prefetch behind (ms from now);
   * `undefined` when it is short (prefetched anyway) or not measured yet.
   */
  expectedEndMs(batch: Iterable<PoolCall>): number | undefined {
    const total = this.expectedMs(batch);
    return total === undefined || total < prefetchBelowMs ? undefined : total;
  }

  /** How long a batch is expected to run (ms); `undefined` while one of its tasks is unmeasured. */
  expectedMs(batch: Iterable<PoolCall>): number | undefined {
    let total = 0;
    for (const call of batch) {
      const estimate = this.#estimates.get(call.spec);
      if (estimate === undefined) return undefined;
      total += estimate * call.items;
    }
    return total;
  }

  /** How many items a batch led by `head` may carry. */
  budget(head: PoolCall): number {
    return itemsPerMessage(this.#estimates.get(head.spec));
  }
}
