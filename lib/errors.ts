/**
 * The errors polycore raises for runtime failures. Each has a `name`, takes
 * `ErrorOptions` (a `cause`), and offers a static `is()` that works across
 * realms (an error made in a worker, or by another copy of polycore).
 *
 * @module
 */

const brand = Symbol.for("polycore.error");

/**
 * Base class of polycore's errors (Python: `multiprocessing.ProcessError`).
 *
 * @example Catch any polycore failure
 * ```ts
 * import { ProcessError, TimeoutError } from "./errors.ts";
 * const error: unknown = new TimeoutError("too slow");
 * console.log(ProcessError.is(error), TimeoutError.is(error)); // true true
 * ```
 */
export class ProcessError extends Error {
  /**
   * Makes the error; its `name` is the class's name.
   *
   * @param message What went wrong.
   * @param options `cause`.
   */
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    Object.defineProperty(this, brand, { value: true });
  }

  /** Whether `value` is an instance of this class, by name and brand, across realms. */
  static is<T extends ProcessError>(
    this: abstract new (...args: never[]) => T,
    value: unknown,
  ): value is T {
    if (value instanceof this) return true;
    if (typeof value !== "object" || value === null || !(brand in value)) return false;
    if (this === ProcessError as unknown) return true;
    for (let proto = Object.getPrototypeOf(value); proto; proto = Object.getPrototypeOf(proto)) {
      if (proto.constructor?.name === this.name) return true;
    }
    return (value as unknown as Error).name === this.name;
  }
}

/**
 * A wait ran out of time (Python: `TimeoutError` / `multiprocessing.TimeoutError`).
 *
 * @example
 * ```ts
 * import { TimeoutError } from "./errors.ts";
 * console.log(new TimeoutError("task took longer than 100 ms").name); // "TimeoutError"
 * ```
 */
export class TimeoutError extends ProcessError {}

/**
 * Carries the worker's stack and which task failed, as the `cause` of an
 * error re-raised in the caller (Python: `multiprocessing.pool.RemoteTraceback`).
 *
 * @example
 * ```ts
 * import { RemoteError } from "./errors.ts";
 * const remote = new RemoteError("Task 'fib' failed in Process-1", "Error: boom\n    at fib");
 * console.log(remote.remoteStack); // "Error: boom\n    at fib"
 * ```
 */
export class RemoteError extends ProcessError {
  /** The stack of the error as it was in the worker. */
  readonly remoteStack: string;
  /**
   * Made by polycore for an error raised in a worker.
   *
   * @param message Which task failed, and where.
   * @param remoteStack The worker's stack.
   * @param options `cause`.
   */
  constructor(message: string, remoteStack: string, options?: ErrorOptions) {
    super(message, options);
    this.remoteStack = remoteStack;
    this.stack = `${this.name}: ${message}\n[worker stack]\n${remoteStack}`;
  }
}

/** How a worker ended, for {@linkcode WorkerExitedError}. */
export interface WorkerExitInfo {
  /** The exit code, or `null` when a signal ended it. */
  readonly exitCode: number | null;
  /** The signal that ended it, e.g. `"SIGKILL"`, or `null`. */
  readonly signal?: string | null;
}

/**
 * A worker stopped while it held work: crash, `process.exit()`, out of memory
 * or a kill (Python: `BrokenProcessPool` / a lost pool worker).
 *
 * @example
 * ```ts
 * import { WorkerExitedError } from "./errors.ts";
 * const error = new WorkerExitedError("worker exited with code 3", { exitCode: 3 });
 * console.log(error.exitCode, error.signal); // 3 null
 * ```
 */
export class WorkerExitedError extends ProcessError {
  /** The worker's exit code, or `null` when a signal ended it. */
  readonly exitCode: number | null;
  /** The signal that ended the worker, or `null`. */
  readonly signal: string | null;
  /**
   * Made by polycore when a worker exits while holding tasks.
   *
   * @param message What happened.
   * @param info How the worker ended.
   * @param options `cause`.
   */
  constructor(message: string, info: WorkerExitInfo, options?: ErrorOptions) {
    super(message, options);
    this.exitCode = info.exitCode;
    this.signal = info.signal ?? null;
  }
}

/**
 * Work submitted to, or pending in, a pool that was terminated or closed
 * (Python raises `ValueError("Pool not running")`, or for an executor
 * `RuntimeError("cannot schedule new futures after shutdown")`).
 *
 * @example
 * ```ts
 * import { PoolTerminatedError } from "./errors.ts";
 * console.log(new PoolTerminatedError("Pool was terminated").name); // "PoolTerminatedError"
 * ```
 */
export class PoolTerminatedError extends ProcessError {}

/**
 * `getNowait()` (or `get` with `timeoutMs`) found the queue empty (Python: `queue.Empty`).
 *
 * @example
 * ```ts
 * import { QueueEmptyError } from "./errors.ts";
 * console.log(new QueueEmptyError().name); // "QueueEmptyError"
 * ```
 */
export class QueueEmptyError extends ProcessError {}

/**
 * `putNowait()` (or `put` with `timeoutMs`) found the queue full (Python: `queue.Full`).
 *
 * @example
 * ```ts
 * import { QueueFullError } from "./errors.ts";
 * console.log(new QueueFullError().name); // "QueueFullError"
 * ```
 */
export class QueueFullError extends ProcessError {}

/**
 * A barrier was aborted, reset or timed out (Python: `threading.BrokenBarrierError`).
 *
 * @example
 * ```ts
 * import { BrokenBarrierError } from "./errors.ts";
 * console.log(new BrokenBarrierError().name); // "BrokenBarrierError"
 * ```
 */
export class BrokenBarrierError extends ProcessError {}

/**
 * A future or task was cancelled before it ran (Python: `concurrent.futures.CancelledError`).
 *
 * @example
 * ```ts
 * import { CancelledError } from "./errors.ts";
 * console.log(new CancelledError().name); // "CancelledError"
 * ```
 */
export class CancelledError extends ProcessError {}

/**
 * `recv()` found nothing left to receive and every handle of the other end of
 * the pipe closed (Python: `EOFError`).
 *
 * @example
 * ```ts
 * import { EOFError } from "./errors.ts";
 * console.log(new EOFError("the other end of the pipe is closed").name); // "EOFError"
 * ```
 */
export class EOFError extends ProcessError {}

/**
 * A task of a NATS pool was delivered `maxDeliver` times and never answered:
 * each worker host that took it was lost (killed, disconnected, or too slow to
 * acknowledge within `ackWaitMs`). A task that throws is not redelivered: its
 * error is its answer. Like Dask's `KilledWorker`.
 *
 * @example
 * ```ts
 * import { TaskDeliveryError } from "./errors.ts";
 * const error = new TaskDeliveryError("task 'fib' was lost 5 times", { task: "fib", attempts: 5 });
 * console.log(error.task, error.attempts); // "fib" 5
 * ```
 */
export class TaskDeliveryError extends ProcessError {
  /** The task's name. */
  readonly task: string;
  /** How many times it was delivered. */
  readonly attempts: number;
  /**
   * Made by a NATS pool when JetStream gives up on a task.
   *
   * @param message What happened.
   * @param info The task and its deliveries.
   * @param options `cause`.
   */
  constructor(
    message: string,
    info: { readonly task: string; readonly attempts: number },
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.task = info.task;
    this.attempts = info.attempts;
  }
}
