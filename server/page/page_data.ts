/**
 * What the playground page is built from: the answers of `GET /api/runtime` and
 * `GET /api/workloads`, typed as far as the page reads them. The server renders the form from
 * them and embeds them in the page, so the page script uses the same data.
 *
 * @module
 */

/** Whether a mode or runtime can run here, and why not. */
export interface Availability {
  readonly available: boolean;
  readonly reason?: string;
}

/** A runtime the server can start (`GET /api/runtime`'s `runtimes[]`). */
export interface RuntimeStatus extends Availability {
  readonly name: string;
  readonly current: boolean;
  readonly version: string | null;
}

/** `GET /api/runtime`, the part the page reads. */
export interface RuntimeInfo {
  readonly runtime: { readonly name: string; readonly version: string };
  readonly cpus: number;
  readonly modes: Readonly<Record<string, Availability>>;
  readonly runtimes: readonly RuntimeStatus[];
  readonly allowCode: boolean;
  readonly limits: { readonly maxWorkers: number; readonly maxRunsPerCompare: number };
}

/** A parameter's JSON schema, the part the page reads. */
export interface ParamSchema {
  readonly type?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly description?: string;
}

/** One entry of `GET /api/workloads`. */
export interface WorkloadInfo {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly parallel: string;
  readonly enabled: boolean;
  readonly defaults: Readonly<Record<string, unknown>>;
  readonly paramsSchema: {
    readonly properties?: Readonly<Record<string, ParamSchema>>;
  };
}

/** Everything the page is built from. */
export interface PageData {
  readonly info: RuntimeInfo;
  /** The enabled workloads, in catalogue order. */
  readonly workloads: readonly WorkloadInfo[];
}

/**
 * The worker counts the form offers: 1, 2, 4, 8 and the CPU count, up to the server's limit.
 *
 * @example
 * ```ts
 * import { workerCounts } from "./page_data.ts";
 * const counts = workerCounts({ cpus: 6, limits: { maxWorkers: 12, maxRunsPerCompare: 200 } });
 * console.assert(counts.join() === "1,2,4,6,8");
 * ```
 */
export function workerCounts(info: Pick<RuntimeInfo, "cpus" | "limits">): number[] {
  return [...new Set([1, 2, 4, 8, info.cpus])]
    .filter((n) => n <= info.limits.maxWorkers)
    .sort((a, b) => a - b);
}
