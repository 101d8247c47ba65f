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
/** Batches of a task measured before it may count as steady. */
const steadyAfterSamples = 3;
/**
 * The most a steady task's batches stray from its estimate (a moving average of the share): half
 * the next-due lead, so that on a steady task no worker ends early enough to take the call another
 * was due (see {@linkcode TaskEstimates.runsSteadily}).
 */
const steadySpread = nextDueLeadShare / 2;

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

/** What is known of one task's items: their time, how far batches stray from it, how often measured. */
interface Estimate {
  /** Run time of one item (ms; a moving average). */
  ms: number;
  /** How far a batch's time per item strays from `ms`, as a share of it (a moving average). */
  spread: number;
  samples: number;
}

/** Per-task cost estimates (an exponential moving average per task). */
export class TaskEstimates {
  readonly #estimates = new WeakMap<TaskSpec, Estimate>();

  /** Estimated run time of one item of `spec`, once measured (ms). */
  get(spec: TaskSpec): number | undefined {
    return this.#estimates.get(spec)?.ms;
  }

  /** Records a settled batch: `elapsedMs` spent on `items` items of the tasks `specs`. */
  record(specs: Iterable<TaskSpec>, elapsedMs: number, items: number): void {
    if (items === 0) return;
    const sample = elapsedMs / items;
    for (const spec of specs) {
      const known = this.#estimates.get(spec);
      if (known === undefined) {
        this.#estimates.set(spec, { ms: sample, spread: 0, samples: 1 });
        continue;
      }
      const stray = known.ms > 0 ? Math.abs(sample - known.ms) / known.ms : 0;
      known.spread = 0.7 * known.spread + 0.3 * stray;
      known.ms = 0.7 * known.ms + 0.3 * sample;
      known.samples++;
    }
  }

  /** Whether a worker may hold a second batch behind one led by `head`. */
  mayPrefetch(head: PoolCall): boolean {
    const estimate = this.get(head.spec);
    return estimate !== undefined && estimate * head.items < prefetchBelowMs;
  }

  /**
   * Whether `head`'s task runs steadily: measured {@linkcode steadyAfterSamples} times or more,
   * its batches within {@linkcode steadySpread} of the estimate, and `head` too long to prefetch
   * (its worker's next call would go on the next-due timer). A worker running such a call ends
   * when expected, so it could never take a call due to another worker (see `tailShare`).
   */
  runsSteadily(head: PoolCall): boolean {
    const known = this.#estimates.get(head.spec);
    return known !== undefined && known.samples >= steadyAfterSamples &&
      known.spread < steadySpread && !this.mayPrefetch(head);
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
      const estimate = this.get(call.spec);
      if (estimate === undefined) return undefined;
      total += estimate * call.items;
    }
    return total;
  }

  /** How many items a batch led by `head` may carry. */
  budget(head: PoolCall): number {
    return itemsPerMessage(this.get(head.spec));
  }
}
