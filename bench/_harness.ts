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
 * A task whose `unit` is a rate (`"items/s"`, `"ops/s"`, `"req/s"`) reports operations per second
 * instead: `opsPerSample` ÷ the sample's time, so its min comes from the slowest sample.
 *
 * Flags: `--quick` (at most 2 rounds, a quarter of the time per task, 2 samples at least instead
 * of 5, and 1 warmup sample: for `polycore bench --quick`, which runs every suite on every runtime
 * in under 3 minutes on 2 cores), `--json <file>` (rows plus machine info),
 * `--backends thread,process` (which backends a suite runs: {@linkcode selectedBackends}). The
 * `polycore bench` CLI (cli/polycore.ts) passes them to every suite it runs.
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
import { runtime } from "../mod.ts";
import {
  type Backend,
  backends,
  type BenchReport,
  type BenchRow,
  type BenchUnit,
  formatWithUnit,
  isRate,
  type MachineInfo,
  median,
  type RateUnit,
} from "./_rows.ts";

export {
  type Backend,
  backends,
  type BenchReport,
  type BenchRow,
  type BenchUnit,
  formatValue,
  formatWithUnit,
  isRate,
  type MachineInfo,
  median,
  percentile,
  type RateUnit,
} from "./_rows.ts";

/** The flags every suite takes. */
export interface BenchFlags {
  /** `--quick`: fewer, shorter rounds. */
  readonly quick: boolean;
  /** `--json <file>`: where to write the rows and the machine info. */
  readonly json?: string;
  /** `--backends thread,process` (both by default). */
  readonly backends: readonly Backend[];
}

/** One variant of a suite. */
export interface BenchTask {
  /** Row name, e.g. `"raw worker_threads: start → exit"`. */
  readonly name: string;
  /** One sample; its result is consumed. */
  readonly fn: () => unknown;
  /** Reported unit; samples are measured in ms. Defaults to `"ms"`. */
  readonly unit?: "ms" | "µs" | RateUnit;
  /**
   * Operations one sample performs: the row reports time per operation, or operations per
   * second for a rate unit. Defaults to 1.
   */
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

/** Options of {@linkcode runSuite}. */
export interface SuiteOptions {
  readonly ratios?: readonly BenchRatio[];
  /** Rounds and per-task time budget per round, before `--quick`. */
  readonly rounds?: number;
  readonly timeMs?: number;
}

/**
 * Tells `polycore bench` how far the suite is (a marker line on stderr, which the CLI turns into
 * its progress bar and does not show), when the CLI asked for it.
 */
export function reportProgress(done: number, total: number): void {
  if (process.env[progressVariable] === "1") {
    process.stderr.write(`${progressMarker} ${done}/${total}\n`);
  }
}

/** The variable `polycore bench` sets, and the start of a progress line. */
export const progressVariable = "POLYCORE_BENCH_PROGRESS";
export const progressMarker = "polycore-bench-progress";

/** Sink for task results, so no result is dead code. */
let sink: unknown;

let parsedFlags: BenchFlags | undefined;

/**
 * The suite's flags, parsed from `args` (the process's arguments by default; cached then).
 * Throws a `TypeError` naming the flag and the value for an unknown flag or backend.
 */
export function benchFlags(args?: readonly string[]): BenchFlags {
  if (!args && parsedFlags) return parsedFlags;
  const { values } = parseArgs({
    args: [...(args ?? process.argv.slice(2))],
    options: {
      json: { type: "string" },
      quick: { type: "boolean", default: false },
      backends: { type: "string", default: backends.join(",") },
    },
  });
  const names = values.backends.split(",").map((b) => b.trim()).filter(Boolean);
  const unknown = names.filter((b) => !backends.includes(b as Backend));
  if (names.length === 0 || unknown.length > 0) {
    throw new TypeError(
      `Cannot run the suite as '--backends' must list ${
        backends.join(", ")
      }: received '${values.backends}'`,
    );
  }
  const flags: BenchFlags = {
    quick: values.quick,
    backends: backends.filter((b) => names.includes(b)),
    ...(values.json ? { json: values.json } : {}),
  };
  if (!args) parsedFlags = flags;
  return flags;
}

/** The backends this run covers (`--backends`), in the order of {@linkcode backends}. */
export function selectedBackends(): readonly Backend[] {
  return benchFlags().backends;
}

/** Whether `--quick` was given. */
export function isQuick(): boolean {
  return benchFlags().quick;
}

/** Runs `tasks` interleaved, prints a markdown table, writes `--json`, returns the rows. */
export async function runSuite(
  suite: string,
  tasks: readonly BenchTask[],
  options: SuiteOptions = {},
): Promise<BenchRow[]> {
  const rows = await measureSuite(suite, tasks, options);
  reportSuite(suite, rows, `${roundsOf(options).rounds} rounds`);
  return rows;
}

/** Rounds and the per-task time budget of a round, after `--quick`. */
export function roundsOf(options: SuiteOptions = {}): { rounds: number; timeMs: number } {
  const rounds = options.rounds ?? 5;
  const timeMs = options.timeMs ?? 400;
  return isQuick() ? { rounds: Math.min(rounds, QUICK_ROUNDS), timeMs: timeMs / 4 } : {
    rounds,
    timeMs,
  };
}

/** Rounds of a `--quick` run (at most). */
const QUICK_ROUNDS = 2;

/** Runs `tasks` interleaved and returns their rows (and the ratios'), printing nothing. */
export async function measureSuite(
  suite: string,
  tasks: readonly BenchTask[],
  options: SuiteOptions = {},
): Promise<BenchRow[]> {
  const quick = isQuick();
  const { rounds, timeMs } = roundsOf(options);
  const roundValues = new Map<string, number[]>(tasks.map((t) => [t.name, []]));
  const extremes = new Map(tasks.map((t) => [t.name, { min: Infinity, max: -Infinity, n: 0 }]));

  for (let round = 0; round < rounds; round++) {
    const bench = new Bench({
      time: timeMs,
      iterations: quick ? 2 : 5,
      warmup: round === 0,
      warmupIterations: quick ? 1 : 3,
      warmupTime: 0,
      throws: true,
    });
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
      const ops = task.opsPerSample ?? 1;
      // A sample's time in ms → the row's unit.
      const convert = isRate(task.unit ?? "ms")
        ? (ms: number) => ops / (ms / 1000)
        : (ms: number) => ms * (task.unit === "µs" ? 1000 : 1) / ops;
      roundValues.get(task.name)!.push(convert(result.latency.p50));
      const e = extremes.get(task.name)!;
      const [a, b] = [convert(result.latency.min), convert(result.latency.max)];
      e.min = Math.min(e.min, a, b);
      e.max = Math.max(e.max, a, b);
      e.n += result.latency.samplesCount;
    }
    reportProgress(round + 1, rounds);
  }

  const rows: BenchRow[] = tasks.map((task) => {
    const e = extremes.get(task.name)!;
    return {
      suite,
      name: task.name,
      runtime: runtime.name,
      unit: task.unit ?? "ms",
      median: median(roundValues.get(task.name)!),
      min: e.min,
      max: e.max,
      samples: e.n,
    };
  });
  for (const ratio of options.ratios ?? []) {
    const top = roundValues.get(ratio.numerator);
    const bottom = roundValues.get(ratio.denominator);
    if (!top || !bottom) throw new Error(`Ratio '${ratio.name}' names an unknown task`);
    rows.push(ratioRow(suite, ratio.name, top.map((t, i) => t / bottom[i])));
  }
  return rows;
}

/** A `×` row from per-round ratios. */
export function ratioRow(suite: string, name: string, perRound: readonly number[]): BenchRow {
  return valuesRow(suite, name, "×", perRound);
}

/** A row from values a suite measured itself (say, samples taken in pairs), in `unit`. */
export function valuesRow(
  suite: string,
  name: string,
  unit: BenchUnit,
  values: readonly number[],
): BenchRow {
  return {
    suite,
    name,
    runtime: runtime.name,
    unit,
    median: median(values),
    min: Math.min(...values),
    max: Math.max(...values),
    samples: values.length,
  };
}

/** The machine and runtime this process runs on. */
export function machineInfo(): MachineInfo {
  return {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? "unknown",
    platform: os.platform(),
    arch: os.arch(),
    runtime: runtime.name,
    runtimeVersion: runtime.version,
    date: new Date().toISOString(),
  };
}

/**
 * Prints `rows` as a markdown table under a heading (with `note`, e.g. `"3 rounds"`) and writes
 * them to `--json`, with the machine info.
 */
export function reportSuite(suite: string, rows: readonly BenchRow[], note?: string): void {
  const machine = machineInfo();
  const heading = `${suite} on ${machine.runtime} ${machine.runtimeVersion}`;
  console.log(`\n${heading}${note ? ` (${note})` : ""}\n`);
  console.log(rows.length ? markdownTable(rows) : "(no rows)");
  const { json } = benchFlags();
  if (json) {
    writeFileSync(json, JSON.stringify({ machine, rows } satisfies BenchReport, null, 2));
  }
  if (sink === Symbol.for("never")) console.log(sink);
}

function markdownTable(rows: readonly BenchRow[]): string {
  const lines = ["| benchmark | median | min | max | samples |", "|---|---:|---:|---:|---:|"];
  for (const r of rows) {
    const [median, min, max] = [r.median, r.min, r.max].map((v) => formatWithUnit(v, r.unit));
    lines.push(`| ${r.name} | ${median} | ${min} | ${max} | ${r.samples} |`);
  }
  return lines.join("\n");
}
