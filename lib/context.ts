/**
 * Program-wide facts and the backend choice (Python: `multiprocessing.cpu_count()`,
 * `get_context()`).
 *
 * @module
 */
import { runtime as adapter } from "../runtimes/mod.ts";
import type { RuntimeName } from "../runtimes/types.ts";
import { type Backend, checkBackend } from "./_validate.ts";
import { type ExecutorOptions, ProcessPoolExecutor } from "./executor.ts";
import { Manager } from "./manager.ts";
import { Pool, type PoolOptions } from "./pool.ts";
import { Process, type ProcessOptions } from "./process.ts";

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
    });
    contexts.set(checked, context);
  }
  return context;
}
