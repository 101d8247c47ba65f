/**
 * What a {@linkcode Pool} needs of whatever runs its calls: the local
 * scheduler (threads or child processes) or the NATS backend's.
 *
 * @module
 */
import type { PoolCall } from "./_pool_call.ts";
import type { PoolStats } from "./pool_stats.ts";
import type { CallInit } from "./_scheduler.ts";
import type { TaskSpec } from "../task/task.ts";
import { PoolTerminatedError, ProcessError } from "../errors.ts";

/** Runs a pool's calls and settles them through their `resolve`/`reject`. */
export interface PoolScheduler {
  /** Python's pool state: RUN, CLOSE or TERMINATE. */
  readonly stateName: "RUN" | "CLOSE" | "TERMINATE";
  /** Why new work is refused, when it is. */
  readonly refusal: string | undefined;
  /** The error that broke the pool, if one did. */
  readonly failure: unknown;
  /** Number of workers (for a remote pool: the number its chunk sizes assume). */
  readonly size: number;
  /** Whether `join()` may be called. */
  readonly joinable: boolean;
  /** Estimated run time of one item of `spec`, once measured (ms). */
  estimateMs(spec: TaskSpec): number | undefined;
  /** Queues a call. */
  submit(init: CallInit): PoolCall;
  /** Settles a call that has not started as cancelled; `false` if it started or ended. */
  cancel(call: PoolCall, reason: unknown): boolean;
  close(): void;
  terminate(): Promise<void>;
  join(): Promise<void>;
  stats(): PoolStats;
}

/** Where a scheduler is in its life. */
export type SchedulerState = "running" | "closed" | "terminated" | "broken";

/** Python's pool state for `state`: RUN, CLOSE or TERMINATE (broken counts as terminated). */
export function pythonStateName(state: SchedulerState): "RUN" | "CLOSE" | "TERMINATE" {
  return state === "running" ? "RUN" : state === "closed" ? "CLOSE" : "TERMINATE";
}

/** Why new work is refused in `state`; `broken` says why the pool broke. */
export function refusalIn(state: SchedulerState, broken: string): string | undefined {
  if (state === "running") return undefined;
  return state === "broken" ? broken : `it is ${state}`;
}

/** The error for `action` on a pool that is not running (a broken one carries why), or none. */
export function refusalError(scheduler: PoolScheduler, action: string): Error | undefined {
  const refusal = scheduler.refusal;
  if (refusal === undefined) return undefined;
  const message = `Cannot ${action} as the pool is not running: ${refusal}`;
  return scheduler.failure !== undefined
    ? new ProcessError(message, { cause: scheduler.failure })
    : new PoolTerminatedError(message);
}

/**
 * Whether `call` may be queued in `state`: refused once the pool stopped (a lazy map may still
 * submit chunks then) or when its signal already aborted; otherwise its signal's abort calls
 * `onAbort`.
 */
export function admitCall(
  call: PoolCall,
  state: SchedulerState,
  failure: unknown,
  onAbort: () => void,
): { reason: unknown } | undefined {
  if (state === "broken") return { reason: failure };
  if (state === "terminated") {
    return { reason: new PoolTerminatedError("The pool was terminated before the task started") };
  }
  if (!call.signal) return undefined;
  if (call.signal.aborted) return { reason: call.signal.reason };
  call.onAbort = onAbort;
  call.signal.addEventListener("abort", onAbort, { once: true });
  return undefined;
}
