/**
 * The options of a {@linkcode Pool} and of its calls, and their checks.
 *
 * @module
 */
import { runtime } from "../../runtimes/mod.ts";
import type { Invocation } from "../task/_protocol.ts";
import { encodeArgs } from "../task/values.ts";
import { checkHandlesFor } from "../process/_spawn.ts";
import {
  checkArray,
  checkBackend,
  checkHeapLimit,
  checkPositiveInteger,
  checkTimeout,
  invalid,
} from "../_validate.ts";
import type { Backend } from "../context.ts";
import { taskDescriptor, toTaskSpec } from "../task/task.ts";
import { type NatsPoolOptions, strayNatsKey } from "../nats/pool_options.ts";

/**
 * Options of {@linkcode Pool} (Python: `Pool(processes, initializer, initargs, maxtasksperchild)`).
 * With `backend: "nats"` the workers are other machines' (see {@linkcode NatsPoolOptions}).
 */
export interface PoolOptions extends NatsPoolOptions {
  /**
   * Number of workers; `cpuCount()` by default. With `backend: "nats"`, the number of workers
   * across the hosts that chunk sizes assume (4 by default).
   */
  readonly processes?: number;
  /** `"thread"` (default), `"process"`, or `"nats"`: the hosts of a NATS pool. */
  readonly backend?: Backend | "nats";
  /**
   * Heap limit per worker in MiB: enforced for child processes on every runtime
   * and for threads where the runtime can; a worker over it ends, failing the tasks it held
   * with `WorkerExitedError`, and is replaced. Refused (`RangeError`) for threads where
   * the runtime cannot limit them (`runtime.canLimitThreadMemory`; see the README).
   */
  readonly maxHeapMb?: number;
  /** Runs once in each worker before its first task. */
  readonly initializer?: (...args: never[]) => unknown;
  /** Arguments of `initializer`; handles arrive live. */
  readonly initargs?: readonly unknown[];
  /** Replace a worker after it has run this many tasks (a map chunk counts as one). */
  readonly maxTasksPerChild?: number;
  /** Default time limit of each task; a task over it rejects with `TimeoutError` and its worker is replaced. */
  readonly taskTimeoutMs?: number;
}

/** Options of one call. */
export interface CallOptions {
  /** Aborting rejects the call with the signal's reason; a running task's worker is replaced. */
  readonly signal?: AbortSignal;
  /** Time limit of the task (of each chunk, for maps). */
  readonly timeoutMs?: number;
}

/** Options of `map` and `starmap`. */
export interface MapOptions extends CallOptions {
  /** Items per task; by default `ceil(length / (4 × workers))`, as in Python. */
  readonly chunksize?: number;
}

/** Options of `imap` and `imapUnordered`. */
export interface ImapOptions {
  /** Items per task; by default sized from the measured cost per item. */
  readonly chunksize?: number;
  /** Chunks in flight at most (memory stays bounded); `4 × workers` by default. */
  readonly buffersize?: number;
  /** Aborting rejects the chunks in flight with the signal's reason, which the iteration throws. */
  readonly signal?: AbortSignal;
  /** Time limit of each chunk. */
  readonly timeoutMs?: number;
}

/** How a scheduler runs its workers. */
export interface SchedulerOptions {
  readonly workers: number;
  readonly init?: Invocation;
  readonly maxTasksPerChild?: number;
  readonly taskTimeoutMs?: number;
  readonly backend: Backend;
  /** Heap limit per worker (MiB), where the runtime enforces it. */
  readonly maxHeapMb?: number;
  /** Names workers `${namePrefix}-N`. */
  readonly namePrefix: string;
}

let pools = 0;

/** Checks a pool's options and turns them into its scheduler's. */
export function schedulerOptions(options: number | PoolOptions | undefined): SchedulerOptions {
  const action = "create pool";
  const opts: PoolOptions = typeof options === "number" || options === undefined
    ? { processes: options }
    : options;
  if (typeof opts !== "object" || opts === null) {
    invalid(action, "options", "must be a number of processes or an options object", options);
  }
  const processes = checkPositiveInteger(action, "processes", opts.processes) ??
    runtime.cpuCount();
  const backend = checkBackend(action, opts.backend, "thread");
  const stray = strayNatsKey(opts as Record<string, unknown>);
  if (stray !== undefined) {
    invalid(
      action,
      stray,
      'is read only with backend "nats" (a pool of worker hosts over NATS)',
      (opts as Record<string, unknown>)[stray],
    );
  }
  const initializer = opts.initializer === undefined
    ? undefined
    : toTaskSpec(opts.initializer, action, "initializer");
  const initargs = checkArray(action, "initargs", opts.initargs) ?? [];
  const encoded = encodeArgs(initargs);
  checkHandlesFor(backend, encoded.handles, "a pool initializer");
  const maxHeapMb = checkHeapLimit(action, backend, opts.maxHeapMb);
  return {
    workers: processes,
    backend,
    ...(maxHeapMb !== undefined ? { maxHeapMb } : {}),
    maxTasksPerChild: checkPositiveInteger(action, "maxTasksPerChild", opts.maxTasksPerChild),
    taskTimeoutMs: checkTimeout(action, "taskTimeoutMs", opts.taskTimeoutMs),
    namePrefix: `PoolWorker${++pools > 1 ? pools : ""}`,
    ...(initializer
      ? {
        init: {
          task: taskDescriptor(initializer, true),
          args: encoded.args,
          ...(encoded.handles ? { handles: encoded.handles } : {}),
        },
      }
      : {}),
  };
}

/** Checks the options of one call (`signal`, `timeoutMs`). */
export function checkCallOptions(action: string, options: CallOptions | undefined): CallOptions {
  if (options === undefined) return {};
  if (typeof options !== "object" || options === null) {
    invalid(action, "options", "must be an object", options);
  }
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    invalid(action, "signal", "must be an AbortSignal", options.signal);
  }
  checkTimeout(action, "timeoutMs", options.timeoutMs);
  return options;
}

/** Checks that `input` can be iterated, sync or async. */
export function checkInput(action: string, input: unknown): void {
  const ok = typeof input === "object" && input !== null &&
    (Symbol.iterator in input || Symbol.asyncIterator in input);
  if (!ok && typeof input !== "string") {
    invalid(action, "iterable", "must be an iterable or async iterable", input);
  }
}
