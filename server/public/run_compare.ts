/// <reference lib="dom" />
/**
 * Running a comparison from the page: `POST /api/compare`, then following the job over SSE
 * (`GET /api/jobs/{id}/events`) until its `done` event; `DELETE /api/jobs/{id}` cancels it.
 *
 * @module
 */
import type { CompareCell } from "../compare.ts";
import type { JobView } from "../jobs.ts";

/** A `fetch` of JSON; a response that is not OK rejects with the API's error message. */
export async function api<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(path, init);
  const body = await response.json();
  if (!response.ok) throw new Error(body?.error?.message ?? `HTTP ${response.status}`);
  return body as T;
}

/** What a running comparison reports. */
export interface ComparisonHandlers {
  /** Runs done of all, and what runs now. */
  onProgress(done: number, total: number, message: string): void;
  /** The runs finished so far, as cells of one sample each. */
  onPartial(cells: readonly CompareCell[]): void;
}

/** A comparison the server accepted. */
export interface Comparison {
  readonly id: string;
  /** The job once it ended (in any state); rejects when its event stream is lost. */
  readonly done: Promise<JobView>;
  /** Asks the server to cancel it (`done` then resolves with a cancelled job). */
  cancel(): Promise<void>;
}

/** A partial event's run as a cell of one sample. */
function cellOf(run: Record<string, unknown>): CompareCell {
  const wallMs = run.wallMs as number;
  return {
    runtime: run.runtime as CompareCell["runtime"],
    mode: run.mode as CompareCell["mode"],
    workers: run.workers as number,
    status: "ok",
    samplesMs: [wallMs],
    medianMs: wallMs,
    minMs: null,
    maxMs: null,
    startupMs: null,
    cpuMs: null,
    speedup: null,
    efficiency: null,
    matches: null,
    value: null,
  };
}

/** Starts a comparison of `body` (`POST /api/compare`'s) and follows it. */
export async function startComparison(
  body: Record<string, unknown>,
  handlers: ComparisonHandlers,
): Promise<Comparison> {
  const job = await api<JobView>("/api/compare", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const source = new EventSource(`/api/jobs/${job.id}/events`);
  const cells: CompareCell[] = [];
  const done = new Promise<JobView>((resolve, reject) => {
    source.addEventListener("progress", (event) => {
      const p = JSON.parse((event as MessageEvent).data);
      handlers.onProgress(p.done, p.total, `${p.done}/${p.total} runs — ${p.message ?? ""}`);
    });
    source.addEventListener("partial", (event) => {
      const run = JSON.parse((event as MessageEvent).data);
      if (run.wallMs === undefined) return;
      cells.push(cellOf(run));
      if (cells.length % 3 === 1) handlers.onPartial(cells.slice(-24));
    });
    source.addEventListener("done", (event) => {
      source.close();
      resolve(JSON.parse((event as MessageEvent).data));
    });
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED) {
        reject(new Error(`Lost the events of job ${job.id} before it ended`));
      }
    };
  });
  return {
    id: job.id,
    done,
    cancel: async () => {
      await api(`/api/jobs/${job.id}`, { method: "DELETE" });
    },
  };
}
