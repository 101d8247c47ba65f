/**
 * Which queued calls go to a worker in one message: as many as fit the
 * task's time budget and the worker's fair share of the queue, none beside a
 * call that may be stopped (a timeout or a signal: stopping its worker must
 * stop only it), and never past `maxTasksPerChild`; and when the last calls of
 * a map on an idle pool are few and steady, each worker's share at once.
 *
 * @module
 */
import type { Deque } from "./_deque.ts";
import { isExclusive, type PoolCall } from "./_pool_call.ts";
import type { PoolWorker } from "./_pool_worker.ts";
import type { TaskEstimates } from "./_task_estimates.ts";

/** The limits of one batch. */
export interface BatchLimits {
  /** Items of work the batch may hold (from the task's measured cost). */
  readonly budget: number;
  /** Calls one worker may take of the queue now. */
  readonly fairShare: number;
  readonly maxTasksPerChild?: number;
  /** Drops settled calls from the head of the queue. */
  skipDone(): void;
}

/** Takes the next batch for `worker` off `queue`. */
export function takeBatch(
  queue: Deque<PoolCall>,
  worker: PoolWorker,
  limits: BatchLimits,
): PoolCall[] {
  for (const held of worker.inFlight.values()) if (isExclusive(held)) return [];
  const max = limits.maxTasksPerChild;
  const quota = max === undefined ? Infinity : max - worker.completed - worker.inFlight.size;
  const batch: PoolCall[] = [];
  let items = 0;
  while (batch.length < quota) {
    limits.skipDone();
    const call = queue.peek();
    if (!call) break;
    if (isExclusive(call)) {
      if (batch.length === 0 && worker.inFlight.size === 0) batch.push(queue.shift()!);
      break;
    }
    if (
      batch.length > 0 && (items + call.items > limits.budget || batch.length >= limits.fairShare)
    ) {
      break;
    }
    batch.push(queue.shift()!);
    items += call.items;
  }
  return batch;
}

/**
 * How many calls each worker takes in one message when the calls queued are the last of one
 * `map`, at most two per worker, every worker is idle, and the map's task runs steadily
 * ({@linkcode TaskEstimates.runsSteadily}); 0 otherwise. Each worker would otherwise get one call
 * now and its second on the next-due timer, shortly before the first is expected to end (see the
 * scheduler's `#planNext`): on a steady task no worker ends early enough to take a call due to
 * another, so each gets the same calls at once, without the timer waking the parent while every
 * core computes, and without the worker's pause between its two calls.
 */
export function tailShare(
  queue: Deque<PoolCall>,
  queued: number,
  workers: ReadonlySet<PoolWorker>,
  estimates: Pick<TaskEstimates, "runsSteadily">,
): number {
  const head = queue.peek();
  const group = head?.group;
  if (group === undefined || queued <= workers.size || queued > 2 * workers.size) return 0;
  for (const worker of workers) {
    if (!worker.ready || worker.retiring || worker.batches > 0) return 0;
  }
  if (!estimates.runsSteadily(head!)) return 0;
  for (const call of queue.values()) {
    if (!call.done && (call.group !== group || isExclusive(call))) return 0;
  }
  return Math.ceil(queued / workers.size);
}
