/**
 * A call waiting in, or running on, a pool: its task, its arguments and how
 * to settle it.
 *
 * @module
 */
import type { CallMode } from "./_protocol.ts";
import type { EncodedArgs } from "./_serialize.ts";
import type { TaskSpec } from "./task.ts";

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
