/**
 * Runs a list of runs on one runtime: in this process when it is the server's own runtime
 * (`execute.ts`), else in a child process of that runtime (`runtimes.ts`). User code always
 * goes to a child process, so that whatever it does (exhaust memory where no heap limit is
 * enforced, block, crash) stays out of the server.
 *
 * @module
 */
import type { Pool } from "../mod.ts";
import { codeWorkload } from "./code.ts";
import { executeRun, type RunResult, type RunSpec } from "./execute.ts";
import type { RuntimeName, Runtimes } from "./runtimes.ts";

/** Hooks of {@linkcode runOn}. */
export interface RunOnHooks {
  readonly signal: AbortSignal;
  readonly taskTimeoutMs?: number;
  readonly onProgress?: (run: number, done: number, total: number) => void;
  /** Each run's result or error, as it ends. */
  readonly onRun: (run: number, outcome: RunResult | Error) => void;
  readonly onPool?: (pool: Pool, backend: "thread" | "process") => () => void;
}

/** Runs `runs` in order on `name`; resolves when all have ended. */
export async function runOn(
  runtimes: Runtimes,
  name: RuntimeName,
  runs: readonly RunSpec[],
  hooks: RunOnHooks,
): Promise<void> {
  const status = await runtimes.status(name);
  const inProcess = status.current && runs.every((run) => run.workload !== codeWorkload);
  if (inProcess) {
    for (const [index, spec] of runs.entries()) {
      hooks.signal.throwIfAborted();
      try {
        const result = await executeRun(spec, {
          signal: hooks.signal,
          ...(hooks.taskTimeoutMs ? { taskTimeoutMs: hooks.taskTimeoutMs } : {}),
          ...(hooks.onPool ? { onPool: hooks.onPool } : {}),
          onProgress: (done, total) => hooks.onProgress?.(index, done, total),
        });
        hooks.onRun(index, result);
      } catch (error) {
        hooks.signal.throwIfAborted();
        hooks.onRun(index, error instanceof Error ? error : new Error(String(error)));
      }
    }
    return;
  }
  await runtimes.run(name, {
    runs,
    ...(hooks.taskTimeoutMs ? { taskTimeoutMs: hooks.taskTimeoutMs } : {}),
  }, {
    signal: hooks.signal,
    onMessage: (message) => {
      if (message.type === "progress") hooks.onProgress?.(message.run, message.done, message.total);
      else if (message.type === "result") hooks.onRun(message.run, message.result);
      else {
        const error = new Error(message.error.message);
        error.name = message.error.name;
        hooks.onRun(message.run, error);
      }
    },
  });
}
