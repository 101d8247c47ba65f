/**
 * Metrics: the live pools' `stats()`, totals of the pools that have ended, job counts and
 * HTTP responses; as JSON (`GET /api/metrics`) and Prometheus text (`GET /metrics`). Runs in
 * child runtime processes are not seen here (their pools live in the child).
 *
 * @module
 */
import type { Pool, PoolStats } from "../mod.ts";
import type { JobCounts } from "./jobs.ts";

interface LivePool {
  readonly id: number;
  readonly backend: "thread" | "process";
  readonly createdAt: number;
}

/** A snapshot of the server's metrics. */
export interface MetricsSnapshot {
  readonly uptimeSeconds: number;
  readonly jobs: JobCounts;
  readonly pools: {
    readonly live: number;
    readonly created: number;
    readonly workers: number;
    readonly busy: number;
    readonly queued: number;
    /** Tasks completed and failed, over every pool since the start. */
    readonly completed: number;
    readonly failed: number;
    readonly details: readonly ({ id: number; backend: string; ageMs: number } & PoolStats)[];
  };
  readonly http: { readonly requests: number; readonly byStatus: Readonly<Record<string, number>> };
}

/** Collects the server's metrics. */
export class Metrics {
  readonly #started = performance.now();
  readonly #pools = new Map<Pool, LivePool>();
  #created = 0;
  #completed = 0;
  #failed = 0;
  #requests = 0;
  readonly #byStatus: Record<string, number> = {};

  /** Tracks a pool until the returned function is called. */
  track = (pool: Pool, backend: "thread" | "process"): () => void => {
    this.#pools.set(pool, { id: ++this.#created, backend, createdAt: performance.now() });
    return () => {
      if (!this.#pools.delete(pool)) return;
      const stats = pool.stats();
      this.#completed += stats.completed;
      this.#failed += stats.failed;
    };
  };

  /** Counts a response. */
  response(status: number): void {
    this.#requests++;
    const key = String(status);
    this.#byStatus[key] = (this.#byStatus[key] ?? 0) + 1;
  }

  /** The live pools (for shutdown). */
  get pools(): Pool[] {
    return [...this.#pools.keys()];
  }

  /** A snapshot. */
  snapshot(jobs: JobCounts): MetricsSnapshot {
    const now = performance.now();
    const details = [...this.#pools].map(([pool, info]) => ({
      id: info.id,
      backend: info.backend,
      ageMs: Math.round(now - info.createdAt),
      ...pool.stats(),
    }));
    const sum = (key: "workers" | "busy" | "queued" | "completed" | "failed") =>
      details.reduce((total, d) => total + d[key], 0);
    return {
      uptimeSeconds: (now - this.#started) / 1000,
      jobs,
      pools: {
        live: details.length,
        created: this.#created,
        workers: sum("workers"),
        busy: sum("busy"),
        queued: sum("queued"),
        completed: this.#completed + sum("completed"),
        failed: this.#failed + sum("failed"),
        details,
      },
      http: { requests: this.#requests, byStatus: { ...this.#byStatus } },
    };
  }
}

/** The snapshot in the Prometheus text format (version 0.0.4). */
export function toPrometheus(m: MetricsSnapshot): string {
  const lines: string[] = [];
  const metric = (
    name: string,
    type: "gauge" | "counter",
    help: string,
    values: [Record<string, string>, number][],
  ) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of values) {
      const text = Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(",");
      lines.push(`${name}${text ? `{${text}}` : ""} ${Number.isFinite(value) ? value : 0}`);
    }
  };
  metric("polycore_uptime_seconds", "gauge", "Seconds since the server started.", [[
    {},
    m.uptimeSeconds,
  ]]);
  metric("polycore_jobs_running", "gauge", "Jobs running now.", [[{}, m.jobs.running]]);
  metric("polycore_jobs_submitted_total", "counter", "Jobs accepted.", [[{}, m.jobs.submitted]]);
  metric("polycore_jobs_rejected_total", "counter", "Jobs refused (in-flight cap).", [[
    {},
    m.jobs.rejected,
  ]]);
  metric(
    "polycore_jobs_finished_total",
    "counter",
    "Jobs that ended, by final state.",
    Object.entries(m.jobs.byState).filter(([state]) => state !== "running").map((
      [state, n],
    ) => [{ state }, n]),
  );
  metric("polycore_pools_live", "gauge", "Pools alive now.", [[{}, m.pools.live]]);
  metric("polycore_pools_created_total", "counter", "Pools created.", [[{}, m.pools.created]]);
  metric("polycore_pool_workers", "gauge", "Workers of the live pools.", [[{}, m.pools.workers]]);
  metric("polycore_pool_busy", "gauge", "Calls running in the live pools.", [[{}, m.pools.busy]]);
  metric("polycore_pool_queued", "gauge", "Calls queued in the live pools.", [[
    {},
    m.pools.queued,
  ]]);
  metric("polycore_pool_tasks_total", "counter", "Pool calls that ended, by outcome.", [
    [{ outcome: "completed" }, m.pools.completed],
    [{ outcome: "failed" }, m.pools.failed],
  ]);
  metric(
    "polycore_http_responses_total",
    "counter",
    "HTTP responses, by status code.",
    Object.entries(m.http.byStatus).map(([status, n]) => [{ status }, n]),
  );
  return `${lines.join("\n")}\n`;
}
