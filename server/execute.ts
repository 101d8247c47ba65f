/**
 * Runs one timed run of a workload in the current process: a pool sized for the run, warmed
 * up (every worker started, the workload module loaded), then the sequential implementation
 * on one worker or the parallel one on all of them. The server itself never computes: even
 * `sequential` runs in a worker, so requests stay fast and a timeout can stop it.
 *
 * @module
 */
import process from "node:process";
import { Pool, runtime } from "../mod.ts";
import { runtime as adapter } from "../runtimes/mod.ts";
import { codeWorkload, compileCode, maxResultLength } from "./code.ts";
import { getWorkload, type WorkloadResult } from "./workloads.ts";

/** How a run executes: on one worker, or split over worker threads or child processes. */
export type Mode = "sequential" | "thread" | "process";

/** The modes, in display order. */
export const modes: readonly Mode[] = ["sequential", "thread", "process"];

/** One run: a workload with validated parameters, in one mode, on some workers. */
export interface RunSpec {
  readonly workload: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly mode: Mode;
  /** Ignored (1) for `sequential`. */
  readonly workers: number;
  /** Pieces per task message (`pool.imap`'s chunksize); automatic when absent. */
  readonly chunksize?: number;
  /**
   * Heap limit of each worker (the pool's `maxHeapMb`): enforced for child processes on Node
   * and Deno and for threads on Node, ignored where the runtime cannot enforce it.
   */
  readonly maxHeapMb?: number;
}

/** What a run measured and computed. */
export interface RunResult {
  /** The runtime it ran on. */
  readonly runtime: string;
  /** That runtime's version. */
  readonly runtimeVersion: string;
  /** The workload's name. */
  readonly workload: string;
  /** Sequential, threads or processes. */
  readonly mode: Mode;
  /** Workers used (1 for `sequential`). */
  readonly workers: number;
  /** Pieces the work was split into (1 for `sequential`). */
  readonly pieces: number;
  /** The computation, measured in the parent: submit to result, after warm-up. */
  readonly wallMs: number;
  /** Starting the pool's workers and loading the workload in each. */
  readonly startupMs: number;
  /** CPU time of this process (all its threads) during the computation; null where not measured. */
  readonly cpuMs: number | null;
  /** The workload's value and a summary of it. */
  readonly result: WorkloadResult;
}

/** Hooks of a run. */
export interface RunHooks {
  /** Aborting rejects the run with the signal's reason and replaces the running worker. */
  readonly signal?: AbortSignal;
  /** Time limit of each task, enforced by the pool (the worker is terminated). */
  readonly taskTimeoutMs?: number;
  /** Called as pieces complete. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Called with each pool the run creates; the returned function is called once it ends. */
  readonly onPool?: (pool: Pool, backend: "thread" | "process") => () => void;
}

let processBackend: { available: boolean; reason?: string } | undefined;

/**
 * Whether `new Pool({ backend: "process" })` works here (this build of polycore, this
 * runtime): probed once by constructing (and terminating) a one-worker pool.
 */
export async function processBackendAvailability(): Promise<
  { available: boolean; reason?: string }
> {
  if (processBackend) return processBackend;
  try {
    const pool = new Pool({ processes: 1, backend: "process" });
    await pool.terminate();
    processBackend = { available: true };
  } catch (error) {
    processBackend = {
      available: false,
      reason: error instanceof Error ? error.message : String(error),
    };
  }
  return processBackend;
}

/**
 * Waits, in each worker at once, until `cells[1]` calls have arrived, so that each worker takes
 * exactly one: then every worker has started and run the initializer.
 */
const barrier = (cells: Int32Array): number => {
  const parties = cells[1];
  const arrived = Atomics.add(cells, 0, 1) + 1;
  if (arrived >= parties) {
    Atomics.notify(cells, 0);
    return arrived;
  }
  const deadline = performance.now() + 2000;
  let seen = arrived;
  while (seen < parties && performance.now() < deadline) {
    Atomics.wait(cells, 0, seen, Math.max(1, deadline - performance.now()));
    seen = Atomics.load(cells, 0);
  }
  return seen;
};

const noop = (): number => 0;

function cpuNow(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** Runs `spec` and measures it. Rejects with the signal's reason when aborted. */
export async function executeRun(spec: RunSpec, hooks: RunHooks = {}): Promise<RunResult> {
  const { signal } = hooks;
  signal?.throwIfAborted();
  const isCode = spec.workload === codeWorkload;
  const workload = isCode ? undefined : getWorkload(spec.workload);
  const backend = spec.mode === "process" ? "process" : "thread";
  const workers = spec.mode === "sequential" ? 1 : spec.workers;
  const started = performance.now();
  const pool = new Pool({
    processes: workers,
    backend,
    ...(hooks.taskTimeoutMs ? { taskTimeoutMs: hooks.taskTimeoutMs } : {}),
    // Threads on Deno and Bun cannot be limited (the pool would refuse the option): there a
    // code job's threads run without a heap limit, under the job's time limit only.
    ...(spec.maxHeapMb && (backend === "process" || adapter.canLimitThreadMemory)
      ? { maxHeapMb: spec.maxHeapMb }
      : {}),
    ...(workload ? { initializer: workload.tasks.warm } : {}),
  });
  const release = hooks.onPool?.(pool, backend);
  try {
    if (backend === "thread") {
      const cells = new Int32Array(new SharedArrayBuffer(8));
      cells[1] = workers;
      const parties = Array.from({ length: workers }, () => cells);
      await pool.map(barrier, parties, { chunksize: 1, ...(signal ? { signal } : {}) });
    } else {
      const items = Array.from({ length: workers }, () => 0);
      await pool.map(noop, items, { chunksize: 1, ...(signal ? { signal } : {}) });
    }
    const startupMs = performance.now() - started;
    const cpuBefore = cpuNow();
    const t0 = performance.now();
    const { result, pieces } = isCode
      ? await runCode(pool, spec, hooks)
      : await runWorkload(pool, spec, hooks);
    const wallMs = performance.now() - t0;
    const cpuMs = backend === "thread" ? cpuNow() - cpuBefore : null;
    return {
      runtime: runtime.name,
      runtimeVersion: runtime.version,
      workload: spec.workload,
      mode: spec.mode,
      workers,
      pieces,
      wallMs,
      startupMs,
      cpuMs,
      result,
    };
  } finally {
    await pool.terminate();
    release?.();
  }
}

async function runWorkload(
  pool: Pool,
  spec: RunSpec,
  hooks: RunHooks,
): Promise<{ result: WorkloadResult; pieces: number }> {
  const { signal, onProgress } = hooks;
  const workload = getWorkload(spec.workload);
  if (spec.mode === "sequential") {
    onProgress?.(0, 1);
    const result = await pool.apply(workload.tasks.sequential, [spec.params], { signal });
    onProgress?.(1, 1);
    return { result, pieces: 1 };
  }
  const pieces = workload.module.split(spec.params, spec.workers);
  const parts: unknown[] = [];
  onProgress?.(0, pieces.length);
  for await (
    const part of pool.imap(workload.tasks.chunk, pieces, {
      ...(spec.chunksize ? { chunksize: spec.chunksize } : {}),
      ...(signal ? { signal } : {}),
    })
  ) {
    parts.push(part);
    onProgress?.(parts.length, pieces.length);
  }
  const result = workload.combineInWorker
    ? await pool.apply(workload.tasks.combine, [parts, spec.params], { signal })
    : workload.module.combine(parts, spec.params);
  return { result, pieces: pieces.length };
}

async function runCode(
  pool: Pool,
  spec: RunSpec,
  hooks: RunHooks,
): Promise<{ result: WorkloadResult; pieces: number }> {
  const { signal, onProgress } = hooks;
  const source = String(spec.params.source);
  const inputs = spec.params.inputs as unknown[];
  const task = compileCode(source);
  const outputs: unknown[] = [];
  const chunksize = spec.mode === "sequential" ? inputs.length : spec.chunksize;
  onProgress?.(0, inputs.length);
  for await (
    const output of pool.imap(task, inputs, {
      ...(chunksize ? { chunksize } : {}),
      ...(signal ? { signal } : {}),
    })
  ) {
    outputs.push(output);
    onProgress?.(outputs.length, inputs.length);
  }
  const length = JSON.stringify(outputs)?.length ?? 0;
  if (length > maxResultLength) {
    throw new RangeError(
      `Cannot return the code's results as they must be at most ${maxResultLength} characters of JSON: received ${length}`,
    );
  }
  return { result: { value: outputs }, pieces: inputs.length };
}
