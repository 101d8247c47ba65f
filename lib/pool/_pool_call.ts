/**
 * A call waiting in, or running on, a pool: its task, its arguments and how
 * to settle it.
 *
 * @module
 */
import type { CallMode } from "../task/_protocol.ts";
import type { EncodedArgs } from "../task/values.ts";
import type { TaskSpec } from "../task/task.ts";

/** The calls of one `map`: once one fails, the map has failed and its queued calls are dropped. */
export interface CallGroup {
  failed: boolean;
}

/** One unit of pool work: an `apply`, or one chunk of a `map`. */
export interface PoolCall {
  readonly id: number;
  readonly spec: TaskSpec;
  readonly mode: CallMode;
  readonly args: EncodedArgs;
  /** Items the call covers: 1 for apply, the chunk length for map. */
  readonly items: number;
  /** Index of the chunk's first item within its map, for error messages. */
  readonly offset: number;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** The map this call is a chunk of, if its failure fails the whole map. */
  readonly group?: CallGroup;
  readonly submittedAt: number;
  dispatchedAt: number;
  /** Set once settled or cancelled; a settled call is skipped and ignored. */
  done: boolean;
  timer?: ReturnType<typeof setTimeout>;
  onAbort?: () => void;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** Whether a call must run alone on a worker, so that stopping it stops nothing else. */
export function isExclusive(call: PoolCall): boolean {
  return call.timeoutMs !== undefined || call.signal !== undefined;
}

/**
 * Whether a worker running `earlier` may hold their results until it has run `batch` too (see
 * `_held_results.ts`): all are chunks of one map (which settles only when all its chunks have),
 * and none has a time limit or a signal, which need the call's end to be heard when it comes.
 */
export function mayHoldBefore(earlier: Iterable<PoolCall>, batch: readonly PoolCall[]): boolean {
  const group = batch[0]?.group;
  if (group === undefined) return false;
  const sameMap = (call: PoolCall) => call.group === group && !isExclusive(call);
  if (!batch.every(sameMap)) return false;
  for (const call of earlier) if (!sameMap(call)) return false;
  return true;
}

/** A call ready to queue: `init` with its id, submission time and the default time limit. */
export function newCall(
  init: Omit<PoolCall, "id" | "submittedAt" | "dispatchedAt" | "done">,
  id: number,
  defaultTimeoutMs: number | undefined,
): PoolCall {
  return {
    ...init,
    timeoutMs: init.timeoutMs ?? defaultTimeoutMs,
    id,
    submittedAt: performance.now(),
    dispatchedAt: 0,
    done: false,
  };
}

/** Fails a call that never gets queued (refused at submission). */
export function refuseCall(call: PoolCall, error: unknown): PoolCall {
  call.done = true;
  call.reject(error);
  return call;
}

/**
 * Settles `call` once: stops its timer and abort listener, counts it, and resolves or rejects
 * it (a failure fails its map). `false` when it was already settled. `counted: false` for
 * calls withdrawn before they ran.
 */
export function settleCall(
  call: PoolCall,
  ok: boolean,
  value: unknown,
  accounting: { completed: number; failed: number },
  counted = true,
): boolean {
  if (call.done) return false;
  call.done = true;
  clearTimeout(call.timer);
  if (call.onAbort) call.signal!.removeEventListener("abort", call.onAbort);
  if (ok) {
    accounting.completed++;
    call.resolve(value);
  } else {
    if (counted) accounting.failed++;
    if (call.group) call.group.failed = true;
    call.reject(value);
  }
  return true;
}

/** `Task 'f'`, or for a chunk of a map `Task 'f' (items 100–199)`, for error messages. */
export function callLabel(call: PoolCall): string {
  return call.mode === "apply"
    ? `Task '${call.spec.label}'`
    : `Task '${call.spec.label}' (items ${call.offset}–${call.offset + call.items - 1})`;
}
