/**
 * Which queued calls go to a worker in one message: as many as fit the
 * task's time budget and the worker's fair share of the queue, none beside a
 * call that may be stopped (a timeout or a signal: stopping its worker must
 * stop only it), and never past `maxTasksPerChild`.
 *
 * @module
 */
import type { Deque } from "./_deque.ts";
import { isExclusive, type PoolCall } from "./_pool_call.ts";
import type { PoolWorker } from "./_pool_worker.ts";

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
