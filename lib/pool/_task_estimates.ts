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
/**
 * How long before a long batch is expected to end its worker is sent the next one (ms): about a
 * result's and a call's trip between threads or processes, which the worker would otherwise
 * spend idle (Python's workers find their next task waiting in the queue's pipe). Balance and
 * cancellation give up no more than this, or {@linkcode nextDueLeadShare} of the batch.
 */
const nextDueLeadMs = 2;
/**
 * The least share of a long batch's expected time its next one is sent ahead by: the estimate is
 * a moving average, and a batch that ends 5% sooner than it (a quieter moment of the machine) would
 * otherwise leave its worker idle for the round trip the lead is for.
 */
const nextDueLeadShare = 0.15;
/**
 * How much earlier than due, as a share of its lead, a worker may be sent its next call when
 * another's is due (one wake-up of the parent for both: see `_next_due.ts`).
 */
const nextDueEarlyShare = 0.5;
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
   * When to send the worker of a long batch, too long to prefetch behind, its next one (ms from
   * the batch's start): by `dueMs`, ahead of the batch's expected end by {@linkcode nextDueLeadMs}
   * or {@linkcode nextDueLeadShare} of it, and from `fromMs`, {@linkcode nextDueEarlyShare} of
   * that lead earlier; `undefined` when it is short or not measured yet.
   */
  nextDueWindow(batch: Iterable<PoolCall>): { fromMs: number; dueMs: number } | undefined {
    const endMs = this.expectedMs(batch);
    if (endMs === undefined || endMs < prefetchBelowMs) return undefined;
    const leadMs = Math.max(nextDueLeadMs, endMs * nextDueLeadShare);
    return { fromMs: endMs - leadMs * (1 + nextDueEarlyShare), dueMs: endMs - leadMs };
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
