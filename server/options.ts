/**
 * `createApp`'s options, their defaults, and what every route handler shares.
 *
 * @module
 */
import { cpuCount } from "../mod.ts";
import type { JobStore } from "./jobs.ts";
import type { Metrics } from "./metrics.ts";
import type { Runtimes, RuntimesOptions } from "./runtimes.ts";
import type { Limits } from "./schemas.ts";
import type { RequestIdVariables } from "hono/request-id";
import type { SecureHeadersVariables } from "hono/secure-headers";

/** Options of `createApp`. */
export interface AppOptions {
  /** Accept user-supplied code (`workload: "code"`); otherwise such jobs get 403. Default false. */
  readonly allowCode?: boolean;
  /** Jobs running at once; more get 503 + Retry-After. Default 4. */
  readonly maxInFlight?: number;
  /** Most workers per pool. Default max(4, 2 × cpuCount()). */
  readonly maxWorkers?: number;
  /** Longest time limit a job may ask for, in ms. Default 120,000. */
  readonly maxJobTimeoutMs?: number;
  /** Time limit of a job that names none, in ms. Default 60,000 (at most `maxJobTimeoutMs`). */
  readonly jobTimeoutMs?: number;
  /** Largest request body, in bytes; larger gets 413. Default 65,536. */
  readonly bodyLimitBytes?: number;
  /** Heap limit of the child process that runs user code, where the runtime has one. Default 256. */
  readonly maxHeapMb?: number;
  /** Most runs one comparison may make (runtimes × cells × repeats). Default 200. */
  readonly maxRunsPerCompare?: number;
  /** Finished jobs kept for `GET /api/jobs/:id`. Default 500. */
  readonly retainJobs?: number;
  /** Request log lines go here (e.g. `console.log`); none when absent. */
  readonly log?: (line: string) => void;
  /** How node, deno and bun are found (tests pin or hide them). */
  readonly runtimes?: RuntimesOptions;
}

/** Options with every default filled in. */
export interface ResolvedOptions extends Required<Omit<AppOptions, "log" | "runtimes">> {
  readonly log?: (line: string) => void;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(
      `Cannot create app as '${name}' must be a positive integer: received ${value}`,
    );
  }
  return value;
}

/** Fills in defaults and checks the values. */
export function resolveOptions(options: AppOptions = {}): ResolvedOptions {
  const maxJobTimeoutMs = positive("maxJobTimeoutMs", options.maxJobTimeoutMs, 120_000);
  return {
    allowCode: options.allowCode === true,
    maxInFlight: positive("maxInFlight", options.maxInFlight, 4),
    maxWorkers: positive("maxWorkers", options.maxWorkers, Math.max(4, 2 * cpuCount())),
    maxJobTimeoutMs,
    jobTimeoutMs: Math.min(
      positive("jobTimeoutMs", options.jobTimeoutMs, 60_000),
      maxJobTimeoutMs,
    ),
    bodyLimitBytes: positive("bodyLimitBytes", options.bodyLimitBytes, 64 * 1024),
    maxHeapMb: positive("maxHeapMb", options.maxHeapMb, 256),
    maxRunsPerCompare: positive("maxRunsPerCompare", options.maxRunsPerCompare, 200),
    retainJobs: positive("retainJobs", options.retainJobs, 500),
    ...(options.log ? { log: options.log } : {}),
  };
}

/** What every route handler shares. */
export interface ServerContext {
  readonly options: ResolvedOptions;
  readonly limits: Limits;
  readonly jobs: JobStore;
  readonly metrics: Metrics;
  readonly runtimes: Runtimes;
}

/** Hono's environment of the app: what middleware puts on the context. */
export type AppEnv = { Variables: RequestIdVariables & SecureHeadersVariables };
