/**
 * Jobs: what `POST /api/jobs` and `POST /api/compare` create. A job runs at once (the in-flight
 * cap refuses new ones instead of queueing them), reports progress, and ends in one state:
 * `succeeded`, `failed`, `cancelled` (DELETE) or `timed_out` (its time limit). Cancelling and
 * timing out abort the job's signal; the pools it runs on reject the running tasks and
 * terminate their workers, so the CPU is freed, not just the HTTP request.
 *
 * @module
 */
import { CancelledError, TimeoutError } from "../mod.ts";

/** The life of a job. */
export type JobState = "running" | "succeeded" | "failed" | "cancelled" | "timed_out";

/** What a job is. */
export type JobKind = "run" | "compare";

/** Progress of a job: units of work done out of a total, and what it is doing. */
export interface Progress {
  /** Units done. */
  readonly done: number;
  /** Units in all. */
  readonly total: number;
  /** What it is doing now. */
  readonly message?: string;
}

/** Why a job did not succeed. */
export interface JobError {
  /** A stable code, e.g. `"timed_out"`. */
  readonly code: string;
  /** What went wrong. */
  readonly message: string;
}

/** A job as JSON. */
export interface JobView {
  /** The job's id. */
  readonly id: string;
  /** A run or a comparison. */
  readonly kind: JobKind;
  /** Where it is in its life. */
  readonly state: JobState;
  /** The validated request that made it. */
  readonly request: unknown;
  /** When it started (ISO 8601). */
  readonly createdAt: string;
  /** When it ended (ISO 8601), or `null` while running. */
  readonly finishedAt: string | null;
  /** Time since it started, or its duration once ended. */
  readonly elapsedMs: number;
  /** Its time limit. */
  readonly timeoutMs: number;
  /** How far it got. */
  readonly progress: Progress;
  /** The result once it succeeded (a {@linkcode RunResult} or a {@linkcode CompareResult}). */
  readonly result: unknown;
  /** Why it did not succeed, or `null`. */
  readonly error: JobError | null;
}

/** What a job's watchers are told: its state, progress, a partial result, and its end. */
export type JobEvent =
  | { readonly type: "progress"; readonly progress: Progress }
  | { readonly type: "partial"; readonly data: unknown }
  | { readonly type: "done"; readonly job: JobView };

/** What runs a job: resolves to its result; rejects when it fails or its signal aborts. */
export type JobRunner = (job: JobContext) => Promise<unknown>;

/** What a job's runner gets. */
export interface JobContext {
  readonly id: string;
  readonly signal: AbortSignal;
  progress(progress: Progress): void;
  /** Publishes a piece of the result as it becomes known (SSE `partial`). */
  partial(data: unknown): void;
}

const terminal = new Set<JobState>(["succeeded", "failed", "cancelled", "timed_out"]);

/** One job. */
export class Job {
  readonly id: string;
  readonly kind: JobKind;
  readonly request: unknown;
  readonly timeoutMs: number;
  readonly createdAt: number = Date.now();
  readonly #started = performance.now();
  #finishedAt?: number;
  #elapsed?: number;
  #state: JobState = "running";
  #progress: Progress = { done: 0, total: 0 };
  #result: unknown = null;
  #error: JobError | null = null;
  readonly #controller = new AbortController();
  readonly #listeners = new Set<(event: JobEvent) => void>();
  readonly #settled: Promise<void>;
  #settle!: () => void;

  constructor(id: string, kind: JobKind, request: unknown, timeoutMs: number) {
    this.id = id;
    this.kind = kind;
    this.request = request;
    this.timeoutMs = timeoutMs;
    this.#settled = new Promise((resolve) => this.#settle = resolve);
  }

  /** The current state. */
  get state(): JobState {
    return this.#state;
  }

  /** Whether the job has ended. */
  get finished(): boolean {
    return terminal.has(this.#state);
  }

  /** Aborted on cancel, on timeout and on shutdown. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Resolves once the job has ended and its workers are gone. */
  get settled(): Promise<void> {
    return this.#settled;
  }

  /** Cancels a running job; `false` if it had already ended. */
  cancel(reason: unknown = new CancelledError("The job was cancelled")): boolean {
    if (this.finished || this.signal.aborted) return false;
    this.#controller.abort(reason);
    return true;
  }

  /** Listens to the job's events until it ends; returns the function that stops listening. */
  subscribe(listener: (event: JobEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(event: JobEvent): void {
    for (const listener of this.#listeners) listener(event);
  }

  /** Runs the job to its end; never rejects. */
  async run(runner: JobRunner): Promise<void> {
    const timer = setTimeout(
      () =>
        this.#controller.abort(
          new TimeoutError(`The job exceeded its time limit of ${this.timeoutMs} ms`),
        ),
      this.timeoutMs,
    );
    try {
      const result = await runner({
        id: this.id,
        signal: this.signal,
        progress: (progress) => {
          if (this.finished) return;
          this.#progress = progress;
          this.#emit({ type: "progress", progress });
        },
        partial: (data) => {
          if (!this.finished) this.#emit({ type: "partial", data });
        },
      });
      if (this.signal.aborted) this.#fail(this.signal.reason);
      else this.#end("succeeded", result, null);
    } catch (error) {
      this.#fail(this.signal.aborted ? this.signal.reason : error);
    } finally {
      clearTimeout(timer);
      this.#settle();
    }
  }

  #fail(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    if (
      error instanceof TimeoutError || (error instanceof Error && error.name === "TimeoutError")
    ) {
      this.#end("timed_out", null, { code: "job_timeout", message });
    } else if (this.signal.aborted) {
      this.#end("cancelled", null, { code: "job_cancelled", message });
    } else {
      const name = error instanceof Error ? error.name : "Error";
      this.#end("failed", null, { code: "job_failed", message: `${name}: ${message}` });
    }
  }

  #end(state: JobState, result: unknown, error: JobError | null): void {
    this.#state = state;
    this.#result = result;
    this.#error = error;
    this.#finishedAt = Date.now();
    this.#elapsed = performance.now() - this.#started;
    const job = this.view();
    this.#emit({ type: "done", job });
    this.#listeners.clear();
  }

  /** The job as JSON. */
  view(): JobView {
    return {
      id: this.id,
      kind: this.kind,
      state: this.#state,
      request: this.request,
      createdAt: new Date(this.createdAt).toISOString(),
      finishedAt: this.#finishedAt === undefined ? null : new Date(this.#finishedAt).toISOString(),
      elapsedMs: Math.round(this.#elapsed ?? performance.now() - this.#started),
      timeoutMs: this.timeoutMs,
      progress: this.#progress,
      result: this.#result,
      error: this.#error,
    };
  }

  /**
   * The job's events from now (the subscription starts at this call) until it ends, buffered
   * so that a slow reader misses none; the last one is `done`. Ends early when `signal` aborts.
   */
  watch(signal?: AbortSignal): AsyncGenerator<JobEvent, void, undefined> {
    const buffer: JobEvent[] = this.finished ? [{ type: "done", job: this.view() }] : [];
    let wake: (() => void) | undefined;
    const unsubscribe = this.subscribe((event) => {
      buffer.push(event);
      wake?.();
    });
    const onAbort = () => wake?.();
    signal?.addEventListener("abort", onAbort);
    return (async function* () {
      try {
        while (!signal?.aborted) {
          const event = buffer.shift();
          if (event) {
            yield event;
            if (event.type === "done") return;
            continue;
          }
          await new Promise<void>((resolve) => wake = resolve);
          wake = undefined;
        }
      } finally {
        unsubscribe();
        signal?.removeEventListener("abort", onAbort);
      }
    })();
  }
}

/** Options of a {@linkcode JobStore}. */
export interface JobStoreOptions {
  /** Jobs running at once at most; more are refused. */
  readonly maxInFlight: number;
  /** Finished jobs kept for `GET /api/jobs/:id` (oldest dropped first). */
  readonly retain?: number;
}

/** Counts for metrics. */
export interface JobCounts {
  readonly running: number;
  readonly submitted: number;
  readonly rejected: number;
  readonly byState: Readonly<Record<JobState, number>>;
}

/** The server's jobs. */
export class JobStore {
  readonly #jobs = new Map<string, Job>();
  readonly #maxInFlight: number;
  readonly #retain: number;
  #running = 0;
  #submitted = 0;
  #rejected = 0;
  #closed = false;
  readonly #ended: Record<JobState, number> = {
    running: 0,
    succeeded: 0,
    failed: 0,
    cancelled: 0,
    timed_out: 0,
  };

  constructor(options: JobStoreOptions) {
    this.#maxInFlight = options.maxInFlight;
    this.#retain = options.retain ?? 500;
  }

  /** Jobs running now. */
  get running(): number {
    return this.#running;
  }

  /** Whether a new job would be refused. */
  get full(): boolean {
    return this.#closed || this.#running >= this.#maxInFlight;
  }

  /** Starts a job, or returns `undefined` when the store is full or closed. */
  submit(
    kind: JobKind,
    request: unknown,
    timeoutMs: number,
    runner: JobRunner,
  ): Job | undefined {
    if (this.full) {
      this.#rejected++;
      return undefined;
    }
    const job = new Job(crypto.randomUUID(), kind, request, timeoutMs);
    this.#jobs.set(job.id, job);
    this.#running++;
    this.#submitted++;
    this.#prune();
    void job.run(runner).then(() => {
      this.#running--;
      this.#ended[job.state]++;
    });
    return job;
  }

  /** The job with this id. */
  get(id: string): Job | undefined {
    return this.#jobs.get(id);
  }

  /** The kept jobs, newest first. */
  list(): Job[] {
    return [...this.#jobs.values()].reverse();
  }

  /** Counts for metrics. */
  counts(): JobCounts {
    return {
      running: this.#running,
      submitted: this.#submitted,
      rejected: this.#rejected,
      byState: { ...this.#ended, running: this.#running },
    };
  }

  #prune(): void {
    if (this.#jobs.size <= this.#retain) return;
    for (const [id, job] of this.#jobs) {
      if (this.#jobs.size <= this.#retain) break;
      if (job.finished) this.#jobs.delete(id);
    }
  }

  /** Refuses new jobs, cancels the running ones and waits until their workers are gone. */
  async close(): Promise<void> {
    this.#closed = true;
    const running = [...this.#jobs.values()].filter((job) => !job.finished);
    for (const job of running) job.cancel(new CancelledError("The server is shutting down"));
    await Promise.all(running.map((job) => job.settled));
  }
}
