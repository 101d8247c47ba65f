/**
 * The JSON file `polycore bench --json` writes (a "run"), read back by `polycore report`.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import type { Backend, BenchRow } from "../bench/_rows.ts";

/** The machine a run was made on. */
export interface RunMachine {
  cpus: number;
  cpuModel: string;
  platform: string;
  arch: string;
  memoryGiB: number;
}

/** A step that failed: which, why, and the end of its output. */
export interface RunFailure {
  suite: string;
  runtime: string;
  step: string;
  reason: string;
  output: string;
}

/** Everything a run measured, and how. */
export interface BenchRun {
  /** The command line, as the user typed it (e.g. `npm run bench -- --quick`). */
  command: string;
  /** When the run started (ISO 8601). */
  date: string;
  durationSeconds: number;
  quick: boolean;
  suites: string[];
  backends: Backend[];
  machine: RunMachine;
  /** The runtimes used, with the version and binary of each. */
  runtimes: Record<string, { version: string; bin: string }>;
  /** Runtimes asked for but not found (or too old). */
  skipped: { runtime: string; reason: string }[];
  failures: RunFailure[];
  rows: BenchRow[];
}

/** `2 CPUs (…), linux x64, 7.8 GiB; node 24.21.0, deno 2.9.6; 2026-11-22`. */
export function machineLine(run: BenchRun): string {
  const m = run.machine;
  const versions = Object.entries(run.runtimes).map(([name, r]) => `${name} ${r.version}`);
  return `${m.cpus} CPUs (${m.cpuModel}), ${m.platform} ${m.arch}, ${m.memoryGiB} GiB; ` +
    `${versions.join(", ")}; ${run.date.slice(0, 10)}`;
}

/** The runtimes that have rows in `rows`, in the run's column order. */
export function columnsOf(run: BenchRun, rows: readonly BenchRow[] = run.rows): string[] {
  const present = new Set(rows.map((r) => r.runtime));
  return Object.keys(run.runtimes).filter((name) => present.has(name));
}

/** Reads a run file; throws a `TypeError` naming the file when it is not one. */
export function readRun(path: string): BenchRun {
  const run = JSON.parse(readFileSync(path, "utf8")) as Partial<BenchRun>;
  const missing = ["command", "date", "machine", "runtimes", "rows"].filter((key) => !(key in run));
  if (missing.length > 0 || !Array.isArray(run.rows)) {
    throw new TypeError(
      `Cannot read '${path}' as a polycore bench run: it has no ${missing.join(", ") || "rows"}`,
    );
  }
  return run as BenchRun;
}
