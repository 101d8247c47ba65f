/**
 * What a server runs on and allows: this runtime, its CPUs, the backends and modes, the
 * runtimes installed and the limits. `GET /api/runtime` answers it and the page is built from
 * it, both calling {@linkcode runtimeInfo} directly.
 *
 * @module
 */
import { cpuCount, runtime } from "../mod.ts";
import { confinement } from "./confinement.ts";
import { processBackendAvailability } from "./execute.ts";
import type { ServerContext } from "./options.ts";
import type { RuntimeStatus } from "./runtimes.ts";

/** Whether a backend or mode can run here, and why not. */
export interface Availability {
  readonly available: boolean;
  readonly reason?: string;
}

/** `GET /api/runtime`. */
export interface RuntimeInfoBody {
  readonly runtime: { readonly name: string; readonly version: string };
  readonly cpus: number;
  readonly backends: { readonly thread: Availability; readonly process: Availability };
  readonly modes: Readonly<Record<string, Availability>>;
  /** A copy: the caller may keep or change it. */
  readonly runtimes: RuntimeStatus[];
  readonly allowCode: boolean;
  /** How a code job's child process is confined (with `allowCode`; null without). */
  readonly codeConfinement: string[] | null;
  readonly limits: {
    readonly maxInFlight: number;
    readonly maxWorkers: number;
    readonly defaultWorkers: number;
    readonly jobTimeoutMs: number;
    readonly maxJobTimeoutMs: number;
    readonly bodyLimitBytes: number;
    readonly maxRunsPerCompare: number;
    readonly maxHeapMb: number;
  };
}

/**
 * The runtime information of a server with `context`'s options and runtimes. The process
 * backend and the runtimes are probed once and remembered.
 *
 * @example
 * ```ts
 * import { runtimeInfo } from "./runtime_info.ts";
 * import { resolveOptions } from "./options.ts";
 * import { Runtimes } from "./runtimes.ts";
 * const options = resolveOptions({ maxWorkers: 8 });
 * const info = await runtimeInfo({
 *   options,
 *   limits: { ...options, defaultWorkers: 4, defaultJobTimeoutMs: options.jobTimeoutMs },
 *   runtimes: new Runtimes({ bins: { node: null, deno: null, bun: null } }),
 * });
 * console.assert(info.limits.maxWorkers === 8 && info.codeConfinement === null);
 * console.assert(info.runtimes.every((r) => !r.available)); // all three hidden
 * ```
 */
export async function runtimeInfo(
  context: Pick<ServerContext, "options" | "limits" | "runtimes">,
): Promise<RuntimeInfoBody> {
  const { options, limits } = context;
  const [process, runtimes] = await Promise.all([
    processBackendAvailability(),
    context.runtimes.statuses(),
  ]);
  const thread = { available: true };
  return {
    runtime: { name: runtime.name, version: runtime.version },
    cpus: cpuCount(),
    backends: { thread, process },
    modes: { sequential: thread, thread, process },
    runtimes: [...runtimes],
    allowCode: options.allowCode,
    codeConfinement: options.allowCode ? [...confinement().layers] : null,
    limits: {
      maxInFlight: options.maxInFlight,
      maxWorkers: limits.maxWorkers,
      defaultWorkers: limits.defaultWorkers,
      jobTimeoutMs: options.jobTimeoutMs,
      maxJobTimeoutMs: options.maxJobTimeoutMs,
      bodyLimitBytes: options.bodyLimitBytes,
      maxRunsPerCompare: options.maxRunsPerCompare,
      maxHeapMb: options.maxHeapMb,
    },
  };
}
