/**
 * The benchmark harness every `bench/<topic>_bench.ts` suite uses, on every runtime.
 *
 * It runs a suite's tasks on tinybench in several rounds, rotating the order of the variants
 * each round so that they are interleaved (tinybench alone runs task after task), warms each
 * task up in the first round, and keeps every task result in a sink so none is optimised away.
 * A row reports the median of the round medians, the min and max over all samples, and the
 * sample count; a ratio row compares two tasks round by round (paired, so drift in the machine's
 * load hits both sides alike).
 *
 * Flags: `--quick` (fewer, shorter rounds), `--json <file>` (rows plus machine info).
 *
 * @example A suite
 * ```ts ignore
 * import { runSuite } from "./_harness.ts";
 * await runSuite("math", [{ name: "sqrt", fn: () => Math.sqrt(2), unit: "µs" }]);
 * ```
 *
 * @module
 */
import os from "node:os";
import process from "node:process";
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { Bench, type FnOptions } from "tinybench";

/** One variant of a suite. */
export interface BenchTask {
  /** Row name, e.g. `"raw worker_threads: start → exit"`. */
  readonly name: string;
  /** One sample; its result is consumed. */
  readonly fn: () => unknown;
  /** Reported unit; samples are measured in ms. Defaults to `"ms"`. */
  readonly unit?: "ms" | "µs";
  /** Operations one sample performs: the row reports time per operation. Defaults to 1. */
  readonly opsPerSample?: number;
  /** Untimed hooks around each sample (tinybench's `beforeEach`/`afterEach`). */
  readonly beforeEach?: () => unknown;
  readonly afterEach?: () => unknown;
}

/** A row `numerator / denominator`, computed per round from the two tasks' round medians. */
export interface BenchRatio {
  readonly name: string;
  readonly numerator: string;
  readonly denominator: string;
}

/** One result row; `unit` is `"ms"`, `"µs"` or `"×"` (a ratio). */
export interface BenchRow {
  suite: string;
  name: string;
  runtime: string;
  unit: string;
  median: number;
  min: number;
  max: number;
  samples: number;
}

/** What `--json` writes. */
export interface BenchReport {
  machine: MachineInfo;
  rows: BenchRow[];
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

/** Options of {@linkcode runSuite}. */
export interface SuiteOptions {
  readonly ratios?: readonly BenchRatio[];
  /** Rounds and per-task time budget per round, before `--quick`. */
  readonly rounds?: number;
  readonly timeMs?: number;
}

/** Sink for task results, so no result is dead code. */
let sink: unknown;

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs `tasks` interleaved, prints a markdown table, writes `--json`, returns the rows. */
export async function runSuite(
  suite: string,
  tasks: readonly BenchTask[],
  options: SuiteOptions = {},
): Promise<BenchRow[]> {
  const { values: flags } = parseArgs({
    args: process.argv.slice(2),
    options: { json: { type: "string" }, quick: { type: "boolean", default: false } },
  });
  const rounds = flags.quick ? 3 : options.rounds ?? 5;
  const timeMs = flags.quick ? (options.timeMs ?? 400) / 3 : options.timeMs ?? 400;
  const roundMedians = new Map<string, number[]>(tasks.map((t) => [t.name, []]));
  const extremes = new Map(tasks.map((t) => [t.name, { min: Infinity, max: -Infinity, n: 0 }]));
  let runtime = "unknown";
  let runtimeVersion = "unknown";

  for (let round = 0; round < rounds; round++) {
    const bench = new Bench({
      time: timeMs,
      iterations: flags.quick ? 3 : 5,
      warmup: round === 0,
      warmupIterations: 3,
      warmupTime: 0,
      throws: true,
    });
    runtime = bench.runtime;
    runtimeVersion = bench.runtimeVersion;
    const order = tasks.map((_, i) => tasks[(i + round) % tasks.length]);
    for (const task of order) {
      const hooks: FnOptions = {};
      if (task.beforeEach) hooks.beforeEach = async () => void await task.beforeEach!();
      if (task.afterEach) hooks.afterEach = async () => void await task.afterEach!();
      bench.add(task.name, async () => {
        sink = await task.fn();
      }, hooks);
    }
    for (const done of await bench.run()) {
      const task = tasks.find((t) => t.name === done.name)!;
      const result = done.result;
      if (!("latency" in result)) throw new Error(`Task '${task.name}' did not complete`);
      const scale = (task.unit === "µs" ? 1000 : 1) / (task.opsPerSample ?? 1);
      roundMedians.get(task.name)!.push(result.latency.p50 * scale);
      const e = extremes.get(task.name)!;
      e.min = Math.min(e.min, result.latency.min * scale);
      e.max = Math.max(e.max, result.latency.max * scale);
      e.n += result.latency.samplesCount;
    }
  }

  const rows: BenchRow[] = tasks.map((task) => {
    const e = extremes.get(task.name)!;
    return {
      suite,
      name: task.name,
      runtime,
      unit: task.unit ?? "ms",
      median: median(roundMedians.get(task.name)!),
      min: e.min,
      max: e.max,
      samples: e.n,
    };
  });
  for (const ratio of options.ratios ?? []) {
    const top = roundMedians.get(ratio.numerator);
    const bottom = roundMedians.get(ratio.denominator);
    if (!top || !bottom) throw new Error(`Ratio '${ratio.name}' names an unknown task`);
    const perRound = top.map((t, i) => t / bottom[i]);
    rows.push({
      suite,
      name: ratio.name,
      runtime,
      unit: "×",
      median: median(perRound),
      min: Math.min(...perRound),
      max: Math.max(...perRound),
      samples: perRound.length,
    });
  }

  const machine: MachineInfo = {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? "unknown",
    platform: os.platform(),
    arch: os.arch(),
    runtime,
    runtimeVersion,
    date: new Date().toISOString(),
  };
  console.log(`\n${suite} on ${runtime} ${runtimeVersion} (${rounds} rounds)\n`);
  console.log(markdownTable(rows));
  if (flags.json) {
    writeFileSync(flags.json, JSON.stringify({ machine, rows } satisfies BenchReport, null, 2));
  }
  if (sink === Symbol.for("never")) console.log(sink);
  return rows;
}

/** Formats a number with 3 significant digits (2 decimals at most). */
export function formatValue(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

function markdownTable(rows: readonly BenchRow[]): string {
  const lines = ["| benchmark | median | min | max | samples |", "|---|---:|---:|---:|---:|"];
  for (const r of rows) {
    const u = r.unit === "×" ? "×" : ` ${r.unit}`;
    lines.push(
      `| ${r.name} | ${formatValue(r.median)}${u} | ${formatValue(r.min)}${u} | ${
        formatValue(r.max)
      }${u} | ${r.samples} |`,
    );
  }
  return lines.join("\n");
}
