/**
 * `POST /api/compare`: one workload over modes × worker counts × runtimes, each run `repeats`
 * times (interleaved, so drift spreads over all cells): median/min/max wall time, CPU time,
 * speedup and efficiency against the same runtime's sequential run, and whether each result
 * matches the sequential one. `sequential` is always run, as the baseline.
 *
 * @module
 */
import type { Pool } from "../mod.ts";
import { codeWorkload } from "./code.ts";
import type { Mode, RunResult, RunSpec } from "./execute.ts";
import type { JobContext } from "./jobs.ts";
import { runOn } from "./run_on.ts";
import type { RuntimeName, Runtimes } from "./runtimes.ts";

/** A validated comparison request. */
export interface CompareSpec {
  readonly workload: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly modes: readonly Mode[];
  readonly workers: readonly number[];
  readonly runtimes: readonly RuntimeName[];
  readonly repeats: number;
  readonly chunksize?: number;
}

/** One mode × worker count on one runtime. */
export interface CompareCell {
  /** The runtime it ran on. */
  readonly runtime: RuntimeName;
  /** Sequential, threads or processes. */
  readonly mode: Mode;
  /** Workers used (1 for `sequential`). */
  readonly workers: number;
  /** Whether it ran, failed, or could not run (runtime missing). */
  readonly status: "ok" | "failed" | "unavailable";
  /** Wall time of each repeat (ms). */
  readonly samplesMs: number[];
  /** Median of the samples (ms). */
  readonly medianMs: number | null;
  /** Fastest sample (ms). */
  readonly minMs: number | null;
  /** Slowest sample (ms). */
  readonly maxMs: number | null;
  /** Starting the workers and loading the workload (ms). */
  readonly startupMs: number | null;
  /** CPU time during the computation (ms), where measured. */
  readonly cpuMs: number | null;
  /** Sequential median ÷ this median (same runtime). */
  readonly speedup: number | null;
  /** Speedup ÷ workers. */
  readonly efficiency: number | null;
  /** Whether the result equals the sequential one (numbers within 1e-9 relative). */
  readonly matches: boolean | null;
  /** The computed value. */
  readonly value: unknown;
  /** Why it failed. */
  readonly error?: string;
}

/** A runtime's part in a comparison. */
export interface CompareRuntime {
  /** The runtime. */
  readonly name: RuntimeName;
  /** Whether its runs went through. */
  readonly status: "ok" | "failed" | "unavailable";
  /** Its version, when installed. */
  readonly version: string | null;
  /** Why it failed or is unavailable. */
  readonly reason?: string;
}

/** The result of a comparison. */
export interface CompareResult {
  /** The workload's name. */
  readonly workload: string;
  /** Its validated parameters. */
  readonly params: Readonly<Record<string, unknown>>;
  /** Timed runs per cell. */
  readonly repeats: number;
  /** Each runtime's part. */
  readonly runtimes: CompareRuntime[];
  /** One per runtime × mode × worker count. */
  readonly cells: CompareCell[];
}

/** Options of {@linkcode runComparison}. */
export interface CompareHooks {
  readonly runtimes: Runtimes;
  readonly taskTimeoutMs?: number;
  /** Heap limit of user code's workers. */
  readonly maxHeapMb?: number;
  readonly onPool?: (pool: Pool, backend: "thread" | "process") => () => void;
}

interface Slot {
  readonly mode: Mode;
  readonly workers: number;
}

/** The mode × workers cells of `spec`, sequential (one worker) first. */
export function slotsOf(spec: Pick<CompareSpec, "modes" | "workers">): Slot[] {
  const slots: Slot[] = [{ mode: "sequential", workers: 1 }];
  const workers = [...new Set(spec.workers)].sort((a, b) => a - b);
  for (const mode of spec.modes) {
    if (mode === "sequential") continue;
    for (const w of workers) slots.push({ mode, workers: w });
  }
  return slots;
}

/** Runs per runtime: repeats × cells. */
export function runsPerRuntime(spec: Pick<CompareSpec, "modes" | "workers" | "repeats">): number {
  return slotsOf(spec).length * spec.repeats;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

/** Whether two workload results agree (numbers within 1e-9 relative). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === "number" && typeof b === "number") {
    return a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
  }
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Runs the comparison as a job. */
export async function runComparison(
  spec: CompareSpec,
  job: JobContext,
  hooks: CompareHooks,
): Promise<CompareResult> {
  const slots = slotsOf(spec);
  const runs: RunSpec[] = [];
  const slotOfRun: number[] = [];
  for (let r = 0; r < spec.repeats; r++) {
    for (const [i, slot] of slots.entries()) {
      runs.push({
        workload: spec.workload,
        params: spec.params,
        mode: slot.mode,
        workers: slot.workers,
        ...(spec.chunksize ? { chunksize: spec.chunksize } : {}),
        ...(spec.workload === codeWorkload && hooks.maxHeapMb
          ? { maxHeapMb: hooks.maxHeapMb }
          : {}),
      });
      slotOfRun.push(i);
    }
  }
  const statuses = await Promise.all(spec.runtimes.map((name) => hooks.runtimes.status(name)));
  const available = statuses.filter((s) => s.available).length;
  const total = available * runs.length;
  let done = 0;
  job.progress({ done, total, message: "starting" });

  const runtimes: CompareRuntime[] = [];
  const cells: CompareCell[] = [];
  for (const status of statuses) {
    const results: (RunResult | Error)[][] = slots.map(() => []);
    if (!status.available) {
      runtimes.push({
        name: status.name,
        status: "unavailable",
        version: status.version,
        reason: status.reason!,
      });
      cells.push(...slots.map((slot) => summarize(status.name, slot, [], "unavailable")));
      continue;
    }
    let failure: string | undefined;
    try {
      await runOn(hooks.runtimes, status.name, runs, {
        signal: job.signal,
        ...(hooks.taskTimeoutMs ? { taskTimeoutMs: hooks.taskTimeoutMs } : {}),
        ...(hooks.onPool ? { onPool: hooks.onPool } : {}),
        onProgress: (run, d, t) => {
          const slot = slots[slotOfRun[run]];
          job.progress({
            done,
            total,
            message: `${status.name} ${slot.mode} ×${slot.workers}: ${d}/${t}`,
          });
        },
        onRun: (run, outcome) => {
          const slot = slots[slotOfRun[run]];
          results[slotOfRun[run]].push(outcome);
          done++;
          job.progress({ done, total, message: `${status.name} ${slot.mode} ×${slot.workers}` });
          job.partial({
            runtime: status.name,
            mode: slot.mode,
            workers: slot.workers,
            repeat: Math.floor(run / slots.length),
            ...(outcome instanceof Error
              ? { error: `${outcome.name}: ${outcome.message}` }
              : { wallMs: outcome.wallMs }),
          });
        },
      });
    } catch (error) {
      job.signal.throwIfAborted();
      failure = error instanceof Error ? error.message : String(error);
    }
    runtimes.push({
      name: status.name,
      status: failure ? "failed" : "ok",
      version: status.version,
      ...(failure ? { reason: failure } : {}),
    });
    const own = slots.map((slot, i) => summarize(status.name, slot, results[i], "ok", failure));
    const baseline = own[0];
    cells.push(...own.map((cell) => withBaseline(cell, baseline)));
  }
  return { workload: spec.workload, params: spec.params, repeats: spec.repeats, runtimes, cells };
}

function summarize(
  runtime: RuntimeName,
  slot: Slot,
  outcomes: (RunResult | Error)[],
  status: "ok" | "unavailable",
  failure?: string,
): CompareCell {
  const ok = outcomes.filter((o): o is RunResult => !(o instanceof Error));
  const error = outcomes.find((o): o is Error => o instanceof Error);
  const samples = ok.map((o) => o.wallMs);
  const cpu = ok.map((o) => o.cpuMs).filter((c): c is number => c !== null);
  const failed = status === "ok" && samples.length === 0;
  return {
    runtime,
    mode: slot.mode,
    workers: slot.workers,
    status: failed ? "failed" : status,
    samplesMs: samples,
    medianMs: samples.length ? median(samples) : null,
    minMs: samples.length ? Math.min(...samples) : null,
    maxMs: samples.length ? Math.max(...samples) : null,
    startupMs: ok.length ? median(ok.map((o) => o.startupMs)) : null,
    cpuMs: cpu.length ? median(cpu) : null,
    speedup: null,
    efficiency: null,
    matches: null,
    value: ok[0]?.result.value ?? null,
    ...(error
      ? { error: `${error.name}: ${error.message}` }
      : failed && failure
      ? { error: failure }
      : {}),
  };
}

function withBaseline(cell: CompareCell, baseline: CompareCell): CompareCell {
  if (cell.medianMs === null || baseline.medianMs === null) return cell;
  const speedup = baseline.medianMs / cell.medianMs;
  return {
    ...cell,
    speedup,
    efficiency: speedup / cell.workers,
    matches: sameValue(cell.value, baseline.value),
  };
}
