/**
 * A finished comparison as the page keeps it (in the history, the exports and the permalink):
 * the job's id and timing, the form state that asked for it, and its result.
 *
 * @module
 */
import type { CompareResult } from "../compare.ts";
import type { JobView } from "../jobs.ts";

/** A finished comparison. */
export interface RunRecord {
  /** The job's id. */
  readonly id: string;
  /** When it ended (ISO 8601). */
  readonly finishedAt: string;
  /** How long the job took. */
  readonly elapsedMs: number;
  /** The form state that asked for it, as a query string (without `?`). */
  readonly query: string;
  /** The request the server validated (`POST /api/compare`'s body, defaults filled in). */
  readonly request: unknown;
  /** What it measured. */
  readonly result: CompareResult;
}

/** The query key naming the job whose result a permalink shows. */
export const jobKey = "job";

/** The record of `job` when it is a comparison that succeeded; undefined otherwise. */
export function recordOf(job: JobView, query: string): RunRecord | undefined {
  if (job.kind !== "compare" || job.state !== "succeeded" || !job.result) return undefined;
  return {
    id: job.id,
    finishedAt: job.finishedAt ?? new Date().toISOString(),
    elapsedMs: job.elapsedMs,
    query,
    request: job.request,
    result: job.result as CompareResult,
  };
}

/** The permalink's query of `record`: its form state and its job. */
export function permalinkQuery(record: RunRecord): string {
  const query = new URLSearchParams(record.query);
  query.set(jobKey, record.id);
  return query.toString();
}

/** One line about `record`: workload, runtimes, modes × workers. */
export function describeRun(record: RunRecord): string {
  const { result } = record;
  const cells = result.cells.filter((c) => c.mode !== "sequential");
  const modes = [...new Set(cells.map((c) => c.mode))];
  const workers = [...new Set(cells.map((c) => c.workers))];
  return [
    result.workload,
    result.runtimes.map((r) => r.name).join(", "),
    modes.length ? `${modes.join(", ")} ×${workers.join(", ")}` : "sequential only",
  ].join(" · ");
}

/** The best speedup over sequential among `record`'s cells, or null when none ran in parallel. */
export function bestSpeedup(record: RunRecord): number | null {
  const speedups = record.result.cells
    .filter((c) => c.mode !== "sequential" && c.speedup !== null)
    .map((c) => c.speedup as number);
  return speedups.length ? Math.max(...speedups) : null;
}
