/**
 * Program-wide facts and the backend choice (Python: `multiprocessing.cpu_count()`,
 * `get_context()`).
 *
 * @module
 */
import { runtime as adapter } from "../runtimes/mod.ts";
import type { RuntimeName } from "../runtimes/types.ts";
import { checkBackend } from "./_validate.ts";
import { type ExecutorOptions, ProcessPoolExecutor } from "./futures/executor.ts";
import { Manager } from "./manager/manager.ts";
import { Pool, type PoolOptions } from "./pool/pool.ts";
import { Process, type ProcessOptions } from "./process/process.ts";
import { managerAlternatives } from "./process/_spawn.ts";
import { Barrier } from "./sync/barrier.ts";
import { Condition } from "./sync/condition.ts";
import { Event } from "./sync/event.ts";
import { JoinableQueue } from "./queues/joinable_queue.ts";
import { Lock, RLock } from "./sync/lock.ts";
import { Pipe } from "./queues/pipe.ts";
import { Queue } from "./queues/queue.ts";
import { BoundedSemaphore, Semaphore } from "./sync/semaphore.ts";
import { RawArray, SharedArray } from "./shared/shared_array.ts";
import { RawValue, Value } from "./shared/shared_value.ts";
import { SimpleQueue } from "./queues/simple_queue.ts";

/**
 * The backends a worker can run on: `"thread"` (a worker thread, like a Python process with its
 * own heap, sharing memory through `SharedArrayBuffer`) or `"process"` (a child process).
 *
 * @example
 * ```ts
 * import type { Backend } from "./context.ts";
 * const backend: Backend = "process";
 * console.log(backend);
 * ```
 */
export type Backend = "thread" | "process";

/** The runtime polycore runs on. */
export interface RuntimeInfo {
  /** `"node"`, `"deno"` or `"bun"`. */
  readonly name: RuntimeName;
  /** The runtime's own version, e.g. `"24.21.0"`. */
  readonly version: string;
}

/**
 * The current runtime's name and version (Python has one runtime; the nearest is
 * `platform.python_implementation()` with `platform.python_version()`).
 *
 * @example
 * ```ts
 * import { runtime } from "./context.ts";
 * console.log(`${runtime.name} ${runtime.version}`);
 * ```
 */
export const runtime: RuntimeInfo = Object.freeze({ name: adapter.name, version: adapter.version });

/**
 * The number of CPUs this program may use (Python: `multiprocessing.cpu_count()`).
 *
 * @example
 * ```ts
 * import { cpuCount } from "./context.ts";
 * console.log(cpuCount() >= 1); // true
 * ```
 */
export function cpuCount(): number {
  return adapter.cpuCount();
}

/** polycore's API bound to one backend (Python: a multiprocessing context). */
export interface Context {
  /** The backend every object made through this context uses. */
  readonly backend: Backend;
  /** {@linkcode Process} on this context's backend. */
  readonly Process: new <A extends unknown[] = unknown[]>(
    options: Omit<ProcessOptions<A>, "backend">,
  ) => Process<A>;
  /** {@linkcode Pool} on this context's backend (Python: `ctx.Pool(n)`). */
  readonly Pool: new (options?: number | Omit<PoolOptions, "backend">) => Pool;
  /** {@linkcode ProcessPoolExecutor} on this context's backend (Python's `mp_context`). */
  readonly ProcessPoolExecutor: new (
    options?: Omit<ExecutorOptions, "backend">,
  ) => ProcessPoolExecutor;
  /** Starts a {@linkcode Manager} whose server runs on this context's backend. */
  Manager(): Promise<Manager>;
  /**
   * The shared-memory objects (Python: `ctx.Queue()`, `ctx.Lock()`, `ctx.Value()`…). On the thread
   * backend they are polycore's own; on the process backend, whose workers share no memory, making
   * one throws a `TypeError` that names the Manager's equivalent (`await ctx.Manager()`).
   */
  readonly Queue: typeof Queue;
  /** See {@linkcode Context.Queue}. */
  readonly JoinableQueue: typeof JoinableQueue;
  /** See {@linkcode Context.Queue}. */
  readonly SimpleQueue: typeof SimpleQueue;
  /** See {@linkcode Context.Queue}. */
  readonly Pipe: typeof Pipe;
  /** See {@linkcode Context.Queue}. */
  readonly Lock: typeof Lock;
  /** See {@linkcode Context.Queue}. */
  readonly RLock: typeof RLock;
  /** See {@linkcode Context.Queue}. */
  readonly Semaphore: typeof Semaphore;
  /** See {@linkcode Context.Queue}. */
  readonly BoundedSemaphore: typeof BoundedSemaphore;
  /** See {@linkcode Context.Queue}. */
  readonly Event: typeof Event;
  /** See {@linkcode Context.Queue}. */
  readonly Condition: typeof Condition;
  /** See {@linkcode Context.Queue}. */
  readonly Barrier: typeof Barrier;
  /** See {@linkcode Context.Queue}. */
  readonly Value: typeof Value;
  /** See {@linkcode Context.Queue}. */
  readonly RawValue: typeof RawValue;
  /** See {@linkcode Context.Queue} (Python: `ctx.Array`). */
  readonly SharedArray: typeof SharedArray;
  /** See {@linkcode Context.Queue}. */
  readonly RawArray: typeof RawArray;
}

const sharedMemoryObjects = {
  Queue,
  JoinableQueue,
  SimpleQueue,
  Pipe,
  Lock,
  RLock,
  Semaphore,
  BoundedSemaphore,
  Event,
  Condition,
  Barrier,
  Value,
  RawValue,
  SharedArray,
  RawArray,
};

/** The shared-memory objects of a backend: themselves, or for processes ones that refuse. */
function sharedMemoryFor(backend: Backend): typeof sharedMemoryObjects {
  if (backend === "thread") return sharedMemoryObjects;
  const refusing: Record<string, unknown> = {};
  for (const [name, target] of Object.entries(sharedMemoryObjects)) {
    const alternative = managerAlternatives[name === "Pipe" ? "Connection" : name];
    const refuse = () => {
      throw new TypeError(
        `Cannot create ${name} in a "process" context: it lives in shared memory, which child processes do not share. ` +
          `Use the Manager's: \`const manager = await ctx.Manager(); await manager.${alternative}\``,
      );
    };
    refusing[name] = new Proxy(target, { construct: refuse, apply: refuse });
  }
  return refusing as typeof sharedMemoryObjects;
}

const contexts = new Map<Backend, Context>();

/**
 * The API bound to a backend: `"thread"` (default) or `"process"` (Python:
 * `multiprocessing.get_context(method)`).
 *
 * @example Processes and pools from a context
 * ```ts
 * import { getContext } from "./context.ts";
 * const ctx = getContext("process");
 * const p = new ctx.Process({ target: () => {} });
 * p.start();
 * await p.join();
 * console.log(p.exitCode); // 0
 * await using pool = new ctx.Pool(2);
 * console.log(await pool.map((n: number) => n * 2, [1, 2])); // [2, 4]
 * ```
 */
export function getContext(backend: Backend = "thread"): Context {
  const checked = checkBackend("get context", backend, "thread");
  let context = contexts.get(checked);
  if (!context) {
    class ContextProcess<A extends unknown[]> extends Process<A> {
      constructor(options: Omit<ProcessOptions<A>, "backend">) {
        super({ ...options, backend: checked });
      }
    }
    class ContextPool extends Pool {
      constructor(options?: number | Omit<PoolOptions, "backend">) {
        super(
          typeof options === "object" && options !== null
            ? { ...options, backend: checked }
            : { ...(options === undefined ? {} : { processes: options }), backend: checked },
        );
      }
    }
    class ContextExecutor extends ProcessPoolExecutor {
      constructor(options: Omit<ExecutorOptions, "backend"> = {}) {
        super({ ...options, backend: checked });
      }
    }
    context = Object.freeze({
      backend: checked,
      Process: ContextProcess,
      Pool: ContextPool,
      ProcessPoolExecutor: ContextExecutor,
      Manager: () => Manager.start({ backend: checked }),
      ...sharedMemoryFor(checked),
    });
    contexts.set(checked, context);
  }
  return context;
}
