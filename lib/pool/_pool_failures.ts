/**
 * The errors a pool rejects calls with when something goes wrong in a worker:
 * a task error (with which task and item), a call that timed out, a worker
 * that died, a failed initializer, workers that never get ready.
 *
 * @module
 */
import { decodeRemoteError, decodeThrown, type Thrown } from "../task/error_codec.ts";
import type { PoolCall } from "./_pool_call.ts";
import type { PoolWorker } from "./_pool_worker.ts";
import type { Outcome } from "../task/_protocol.ts";
import { looksOutOfMemory } from "../process/_spawn.ts";
import { ProcessError, TimeoutError, WorkerExitedError } from "../errors.ts";
import type { Backend } from "../context.ts";
import { runtime } from "../../runtimes/mod.ts";
import { type ItemEnd, recordChunkProgress } from "./_chunk_progress.ts";

/** A task's own error, with a RemoteError cause naming the task, item and worker. */
function taskError(
  call: PoolCall,
  worker: PoolWorker,
  error: Thrown,
  index: number | undefined,
): unknown {
  const item = index === undefined ? "" : ` on item ${call.offset + index}`;
  return decodeRemoteError(
    error,
    `Task '${call.spec.label}' failed${item} in worker '${worker.name}'`,
  );
}

/** {@linkcode taskError}, with how far a failed map chunk got (see `_chunk_progress.ts`). */
export function chunkError(
  call: PoolCall,
  worker: PoolWorker,
  outcome: Outcome & { ok: false },
): unknown {
  const { index, before } = outcome;
  const error = taskError(call, worker, outcome.error, index);
  if (index !== undefined && before !== undefined) {
    const after = (outcome.after ?? []).map((end, k): ItemEnd =>
      end.ok ? end : { ok: false, error: taskError(call, worker, end.error, index + 1 + k) }
    );
    recordChunkProgress(error, { index, before, after });
  }
  return error;
}

/** What a call that ran past its `timeoutMs` on `worker` (being stopped) is rejected with. */
export function timeoutError(call: PoolCall, worker: PoolWorker, backend: Backend): TimeoutError {
  const stopping = backend === "process" || runtime.canTerminateBusyThread
    ? "the worker was stopped and replaced"
    : `the worker was replaced, but on ${runtime.name} a thread busy in JavaScript cannot be stopped: it runs on until the task returns or the program exits. Use backend: "process" for tasks that may run away`;
  return new TimeoutError(
    `Task '${call.spec.label}' timed out after ${call.timeoutMs} ms in worker '${worker.name}': ${stopping}`,
  );
}

/** What a call held by a worker that stopped is rejected with. */
export function workerExitedError(
  call: PoolCall,
  worker: PoolWorker,
  exit: { code: number; signal: string | null; maxHeapMb?: number },
): WorkerExitedError {
  const { code, signal, maxHeapMb } = exit;
  const how = maxHeapMb !== undefined && looksOutOfMemory(worker.exit?.code ?? null, signal)
    ? `ran out of memory (its heap limit is ${maxHeapMb} MiB)`
    : signal
    ? `was killed by ${signal}`
    : `exited with code ${code}`;
  return new WorkerExitedError(
    `Worker '${worker.name}' ${how} while running task '${call.spec.label}'`,
    { exitCode: signal ? null : code, signal },
    worker.fatal === undefined ? undefined : { cause: worker.fatal },
  );
}

/** What breaks a pool whose initializer failed. */
export function initializerError(worker: PoolWorker, error: Thrown): ProcessError {
  const cause = decodeThrown(error);
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new ProcessError(`The pool's initializer failed in worker '${worker.name}': ${reason}`, {
    cause,
  });
}

/** What breaks a pool whose workers keep exiting before they are ready. */
export function earlyExitError(worker: PoolWorker, exits: number, code: number): ProcessError {
  return new ProcessError(
    `The pool's workers exit before they are ready (${exits} in a row, last code ${code}): is the worker entry loadable?`,
    worker.fatal === undefined ? undefined : { cause: worker.fatal },
  );
}
