/**
 * `polycore bench`: runs benchmark suites (bench/<suite>_bench.ts, or .js in the npm package)
 * under each runtime as subprocesses, one at a time (two at once would compete for the cores),
 * passing each `--json <tmp>`, `--backends` and `--quick`; shows progress on stderr; prints one
 * markdown table (a row per benchmark, a column per runtime) and writes the run as JSON.
 *
 * The suite "seeds" also runs on CPython: each script in bench/python/ is a step. The suite
 * "peers" runs on Node only. The suite "selftest" runs only when named. Lines a suite writes to
 * stderr that start with its name and a colon (`peers: skipping workerpool …`) are shown as
 * notices; the rest of its output only with `--verbose`, or when it fails.
 *
 * @module
 */
import { cpythonRatios } from "./_cpython_ratios.ts";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join, relative } from "node:path";
import process from "node:process";
import type { BenchReport, BenchRow } from "../bench/_rows.ts";
import { parseBenchArgs } from "./_bench_args.ts";
import { Progress } from "./_progress.ts";
import { type BenchRun, columnsOf, machineLine, type RunFailure } from "./_run_file.ts";
import { commandFor, findRuntime, type FoundRuntime } from "./_runtimes.ts";
import { plan, root, type Step } from "./_suites.ts";
import { comparisonTable } from "./_table.ts";
import { usage } from "./_usage.ts";

const stepTimeoutMs = 10 * 60 * 1000;
const keptOutput = 20_000;

/** The package folder: the nearest folder above this module with a package.json. */
function packageRoot(): string {
  for (let dir = root;; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) return root;
  }
}

/** `npm run bench -- …`, `node cli/polycore.ts bench …` or `polycore bench …`, as typed. */
export function commandLine(args: readonly string[]): string {
  const quoted = args.map((a) => /^[\w.,/=:@+-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`)
    .join(" ");
  if (process.env.npm_lifecycle_event === "bench") {
    return `npm run bench${quoted ? ` -- ${quoted}` : ""}`;
  }
  const script = process.argv[1] ?? "";
  const tail = `bench${quoted ? ` ${quoted}` : ""}`;
  if (!script.endsWith(".ts")) return `polycore ${tail}`;
  const g = globalThis as { Deno?: unknown; Bun?: unknown };
  const runner = g.Deno ? "deno run -A" : g.Bun ? "bun" : "node";
  return `${runner} ${relative(process.cwd(), script) || script} ${tail}`;
}

interface StepResult {
  readonly ok: boolean;
  readonly reason: string;
  /** The end of stdout and stderr, interleaved. */
  readonly output: string;
  /** The end of stderr alone. */
  readonly errors: string;
}

let current: ReturnType<typeof spawn> | undefined;

/** A suite's progress line (bench/_harness.ts `reportProgress`): `polycore-bench-progress 2/5`. */
const progressLine = /^polycore-bench-progress (\d+)\/(\d+)$/;

function runStep(
  step: Step,
  args: string[],
  cwd: string,
  verbose: boolean,
  onProgress: (fraction: number) => void,
): Promise<StepResult> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    POLYCORE_BENCH_PROGRESS: "1",
    NO_COLOR: "1",
    PYTHONDONTWRITEBYTECODE: "1", // no __pycache__ in bench/python/ (or in node_modules)
  };
  delete env.NODE_TEST_CONTEXT; // set by `node --test`: the suites are programs, not tests
  delete env.FORCE_COLOR; // `NO_COLOR` and `FORCE_COLOR` together make Node warn
  return new Promise((resolvePromise) => {
    const child = spawn(step.runtime.bin, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    current = child;
    let output = "";
    let errors = "";
    const keep = (chunk: string) => {
      output = (output + chunk).slice(-keptOutput);
      if (verbose) process.stderr.write(chunk);
    };
    child.stdout!.setEncoding("utf8").on("data", keep);
    let partial = "";
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
      // Progress lines move the bar and are not shown; the rest is the suite's own stderr.
      const lines = (partial + chunk).split("\n");
      partial = lines.pop() ?? "";
      const shown = lines.filter((line) => {
        const match = progressLine.exec(line);
        if (match) onProgress(Number(match[1]) / Number(match[2]));
        return !match;
      });
      if (shown.length === 0) return;
      const text = shown.join("\n") + "\n";
      errors = (errors + text).slice(-keptOutput);
      keep(text);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, stepTimeoutMs);
    const end = (ok: boolean, reason: string) => {
      clearTimeout(timer);
      current = undefined;
      resolvePromise({ ok, reason, output, errors });
    };
    child.on("error", (error) => end(false, error.message));
    child.on("close", (code, signal) => {
      if (code === 0) end(true, "");
      else if (timedOut) end(false, `no result after ${stepTimeoutMs / 60_000} minutes`);
      else if (signal) end(false, `killed by ${signal}`);
      else end(false, `exit code ${code}`);
    });
  });
}

function onInterrupt(): void {
  current?.kill("SIGTERM");
  process.stderr.write("\npolycore bench: interrupted\n");
  process.exit(130);
}

/** Runs `polycore bench` with `args`; resolves to the exit code (0 ok, 1 a step failed). */
export async function bench(args: readonly string[]): Promise<number> {
  const options = parseBenchArgs(args);
  if (options === "help") {
    console.log(usage);
    return 0;
  }
  // The suites run on tinybench, an optional peer: say so once, before any suite fails on it.
  const benchPackage = "tinybench";
  if (!await import(benchPackage).then(() => true, () => false)) {
    console.error(
      "polycore bench: the suites need tinybench, an optional peer: npm install tinybench@6",
    );
    return 1;
  }
  const started = new Date();
  const t0 = performance.now();
  const found: FoundRuntime[] = [];
  const skipped: BenchRun["skipped"] = [];
  for (const name of options.runtimes) {
    const runtime = findRuntime(name, root);
    if ("bin" in runtime) found.push(runtime);
    else skipped.push({ runtime: name, reason: runtime.reason });
  }
  const { steps, notes } = plan(options.suites, found);
  const progress = new Progress(steps.length, process.stderr, { lines: options.verbose });
  for (const { runtime, reason } of skipped) {
    const what = runtime === "cpython" ? "cpython (the bench/python/ scripts)" : runtime;
    progress.note(`skipping ${what}: ${reason}`);
  }
  for (const note of notes) progress.note(note);

  const temp = mkdtempSync(join(os.tmpdir(), "polycore-bench-"));
  const cwd = packageRoot();
  const rows: BenchRow[] = [];
  const failures: RunFailure[] = [];
  process.on("SIGINT", onInterrupt);
  try {
    for (const [i, step] of steps.entries()) {
      const json = join(temp, `${i}.json`);
      const flags = ["--json", json, "--backends", options.backends.join(",")];
      if (options.quick) flags.push("--quick");
      progress.start(step.label);
      const result = await runStep(
        step,
        commandFor(step.runtime, step.file, flags),
        cwd,
        options.verbose,
        (fraction) => progress.within(fraction),
      );
      let reason = result.reason;
      if (result.ok) {
        try {
          const report = JSON.parse(readFileSync(json, "utf8")) as BenchReport;
          rows.push(...report.rows);
        } catch (error) {
          reason = `no report: ${(error as Error).message}`;
        }
      }
      if (reason) {
        progress.finish(`FAILED (${reason})`);
        const output = result.output.trim();
        if (!options.verbose && output) {
          process.stderr.write(`${output.split("\n").slice(-40).join("\n")}\n`);
        }
        failures.push({
          suite: step.suite,
          runtime: step.runtime.name,
          step: step.label,
          reason,
          output: output.slice(-4000),
        });
      } else {
        progress.finish();
        // A suite's notices (`peers: skipping workerpool …`), shown without --verbose too.
        const notices = result.errors.split("\n").filter((l) => l.startsWith(`${step.suite}: `));
        if (!options.verbose) { for (const notice of notices) progress.note(notice); }
      }
    }
  } finally {
    process.off("SIGINT", onInterrupt);
    rmSync(temp, { recursive: true, force: true });
  }

  rows.push(...cpythonRatios(rows));
  const run: BenchRun = {
    command: commandLine(args),
    date: started.toISOString(),
    durationSeconds: Math.round((performance.now() - t0) / 100) / 10,
    quick: options.quick,
    suites: options.suites,
    backends: options.backends,
    machine: {
      cpus: os.availableParallelism(),
      cpuModel: os.cpus()[0]?.model ?? "unknown",
      platform: os.platform(),
      arch: os.arch(),
      memoryGiB: Math.round(os.totalmem() / 2 ** 30 * 10) / 10,
    },
    runtimes: Object.fromEntries(
      found.filter((r) => steps.some((s) => s.runtime === r))
        .map((r) => [r.name, { version: r.version, bin: r.bin }]),
    ),
    skipped,
    failures,
    rows,
  };
  const columns = columnsOf(run);
  const lines = [
    "",
    rows.length > 0 ? comparisonTable(rows, columns, { suiteColumn: true }) : "(no rows)",
    "",
    `\`${run.command}\` · ${machineLine(run)} · ${run.durationSeconds} s`,
    "Medians of per-round medians (min and max are in the JSON); rates (/s): higher is better; " +
    "× rows: paired per-round ratios.",
    ...skipped.map((s) => `Skipped ${s.runtime}: ${s.reason}.`),
    ...failures.map((f) => `FAILED: ${f.step} (${f.reason}).`),
  ];
  console.log(lines.join("\n"));
  if (options.json) writeFileSync(options.json, `${JSON.stringify(run, null, 2)}\n`);
  if (steps.length === 0) {
    // Nothing measured is a failure, not an empty success (e.g. every runtime was skipped).
    process.stderr.write(
      "polycore bench: nothing ran: none of the runtimes asked for is installed (see above)\n",
    );
    return 1;
  }
  return failures.length > 0 ? 1 : 0;
}
