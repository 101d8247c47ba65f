/**
 * What a benchmark run produces, shared by the harness (bench/_harness.ts), the suites and the
 * `polycore` CLI (cli/): the row shape, units and number formatting. No imports, so the CLI can
 * load it without tinybench or polycore.
 *
 * The CPython scripts (bench/python/_common.py) write rows of the same shape.
 *
 * @module
 */

/** A rate unit: operations per second (higher is better). */
export type RateUnit = "items/s" | "ops/s" | "req/s";

/** What a row reports: time per operation, a rate, or a ratio (`"×"`). */
export type BenchUnit = "ms" | "µs" | RateUnit | "×";

/** A worker backend, as `--backends` names it. */
export type Backend = "thread" | "process";

/** Every backend, in the order suites run them. */
export const backends: readonly Backend[] = ["thread", "process"];

/** One result row. */
export interface BenchRow {
  /** The suite, e.g. `"pool"`. */
  suite: string;
  /** The benchmark, unique within the suite. */
  name: string;
  /** `node`, `deno`, `bun` or `cpython`. */
  runtime: string;
  unit: BenchUnit;
  /** The median of the round medians (a percentile row: that percentile over every sample). */
  median: number;
  min: number;
  max: number;
  /** Samples behind the row (for a ratio: rounds). */
  samples: number;
}

/** The machine and runtime a report comes from. */
export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  platform: string;
  arch: string;
  runtime: string;
  runtimeVersion: string;
  date: string;
}

/** What a suite's `--json` writes. */
export interface BenchReport {
  machine: MachineInfo;
  rows: readonly BenchRow[];
}

/** Whether `unit` is a rate (operations per second). */
export function isRate(unit: string): unit is RateUnit {
  return unit.endsWith("/s");
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The `q` quantile (0…1) of a non-empty list, nearest rank (as bench/python/_common.py). */
export function percentile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Formats a number with about 3 significant digits (2 decimals at most). */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

/**
 * A value with its unit: `12.3 ms`, `1.85×`, `1.20M items/s`. Rates from 10,000 up take a `k` or
 * `M`; times from 10,000 µs (ms) up are shown in the next unit (`31.2 ms`, not `31200 µs`).
 */
export function formatWithUnit(value: number, unit: string): string {
  if (unit === "×") return `${formatValue(value)}×`;
  if (isRate(unit)) {
    if (value >= 1e6) return `${formatValue(value / 1e6)}M ${unit}`;
    if (value >= 1e4) return `${formatValue(value / 1e3)}k ${unit}`;
  }
  if (unit === "µs" && value >= 1e4) return formatWithUnit(value / 1e3, "ms");
  if (unit === "ms" && value >= 1e4) return `${formatValue(value / 1e3)} s`;
  return `${formatValue(value)} ${unit}`;
}
