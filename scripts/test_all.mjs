#!/usr/bin/env node
// Runs the one test suite (tests/**/*_test.ts, node:test + node:assert/strict) on every runtime,
// one after the other: `deno test`, then `bun test`, then `node --test`. Before them, the `doc`
// step runs the JSDoc examples of mod.ts, lib/, runtimes/ and server/ with `deno test --doc`
// (type-checked, then run; examples marked ```ts ignore are skipped).
//
// Usage:
//   node scripts/test_all.mjs                                  the doc step, then every runtime
//   node scripts/test_all.mjs --runtimes node,bun              a subset of runtimes (or `doc`)
//   node scripts/test_all.mjs tests/pool/pool_map_test.ts    a subset of files (no doc step
//                                                              unless --runtimes names it)
//   node scripts/test_all.mjs --timeout-ms 60000 ...           per-runtime time limit
//
// The output ends with a recap: per runtime, its verdict, the summary lines its runner printed and
// the tests that failed, so that the last lines of a long CI log say what failed where.
//
// Exits 0 when every runtime passed, 1 when any failed (after running all of them), 2 on bad
// arguments, 130 when interrupted.

import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { stripVTControlCharacters } from "node:util";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const TESTS_DIR = join(ROOT, "tests");
const TEST_FILE = /_test\.ts$/;
const DEFAULT_TIMEOUT_MS = 10 * 60 * 1000;
const KILL_GRACE_MS = 10 * 1000;
const IS_WINDOWS = process.platform === "win32";
// `bun test` fails any test without its own `{ timeout }` after 5 s (Node and Deno set no
// default), and bun 1.4 does not read `[test] timeout` from bunfig.toml: widen it here.
const BUN_TEST_TIMEOUT_MS = 120_000;

/** Where the doc step looks for JSDoc examples (folders: their modules are not run as tests). */
const DOC_PATHS = ["./mod.ts", "./lib/", "./runtimes/", "./server/"];

/** Deno's closing summary (`ok | 12 passed | 0 failed (3s)`) and its failures (`name => file:line:col`). */
const DENO_LINES = {
  summary: /^(ok|FAILED) \| \d+ passed/,
  failure: / => \.?\/?\S+:\d+:\d+$/,
};

/**
 * The runtimes in the order they run; Node stays last. `doc` ignores the test files.
 * `summary` and `failure` pick the lines of each runner's own output that the recap at the end
 * repeats: its closing counts, and the name of each failed test.
 */
const RUNNERS = [
  { name: "doc", bin: "deno", args: () => ["test", "-A", "--doc", ...DOC_PATHS], ...DENO_LINES },
  {
    name: "deno",
    bin: "deno",
    args: (files) => ["test", "-A", "--no-check", ...files],
    ...DENO_LINES,
  },
  {
    name: "bun",
    bin: "bun",
    args: (files) => ["test", "--timeout", String(BUN_TEST_TIMEOUT_MS), ...files],
    summary: /^\s*\d+ (pass|fail|skip|todo|filtered out)$|^Ran \d+ tests? across/,
    failure: /^\(fail\) /,
    // Bun prints a failed test's error before its `(fail)` line: the recap shows it beneath.
    errorBefore: /^(error: |\w*Error\b)/,
  },
  {
    name: "node",
    bin: "node",
    args: (files) => ["--test", "--test-reporter=spec", ...files],
    summary: /^ℹ (tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) /,
    failure: /^\s*✖ /,
  },
];

/** At most this many failure lines per runtime in the recap (the full output is above it). */
const RECAP_FAILURES = 40;

function usageError(message) {
  console.error(`test_all: ${message}`);
  console.error(
    "usage: node scripts/test_all.mjs [--runtimes doc,deno,bun,node] [--timeout-ms N] " +
      "[tests/x_test.ts ...]",
  );
  process.exit(2);
}

function parseArgs(argv) {
  const known = RUNNERS.map((r) => r.name);
  let runtimes = known;
  let runtimesGiven = false;
  let timeoutMs = DEFAULT_TIMEOUT_MS;
  const files = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith("--") && arg.includes("=")
      ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
      : [arg, undefined];
    const value = () => {
      if (inline !== undefined) return inline;
      if (i + 1 >= argv.length) usageError(`${flag} expects a value`);
      return argv[++i];
    };
    if (flag === "--runtimes") {
      runtimes = value().split(",").map((s) => s.trim()).filter(Boolean);
      runtimesGiven = true;
      const unknown = runtimes.filter((r) => !known.includes(r));
      if (unknown.length > 0 || runtimes.length === 0) {
        usageError(`--runtimes expects a list of ${known.join(", ")}: received '${runtimes}'`);
      }
    } else if (flag === "--timeout-ms") {
      timeoutMs = Number(value());
      if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
        usageError(`--timeout-ms expects a positive integer: received '${timeoutMs}'`);
      }
    } else if (flag === "-h" || flag === "--help") {
      usageError("help requested");
    } else if (flag.startsWith("-")) {
      usageError(`unknown option '${flag}'`);
    } else {
      files.push(arg);
    }
  }
  // Tests picked by file are a focused run: the doc step only when asked for by name.
  if (files.length > 0 && !runtimesGiven) runtimes = runtimes.filter((r) => r !== "doc");
  return { runtimes, timeoutMs, files };
}

/** `./tests/x_test.ts`: relative to the repo root, with a `./` so bun treats it as a path. */
function toRunnerPath(file) {
  const abs = isAbsolute(file) ? file : resolve(process.cwd(), file);
  if (!existsSync(abs) || !statSync(abs).isFile()) usageError(`no such test file: ${file}`);
  const rel = relative(ROOT, abs).split(sep).join("/");
  if (rel.startsWith("../")) usageError(`test file is outside the repository: ${file}`);
  return `./${rel}`;
}

/** Every `*_test.ts` under tests/, its concept folders included (tests/fixtures/ holds none). */
function collectTestFiles(dir = TESTS_DIR, prefix = "./tests") {
  if (!existsSync(dir)) return [];
  const files = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== "fixtures") files.push(...collectTestFiles(path, `${prefix}/${name}`));
    } else if (TEST_FILE.test(name)) files.push(`${prefix}/${name}`);
  }
  return files;
}

/** The binary pinned in node_modules/.bin, else whatever PATH has. */
function resolveBin(name) {
  const candidates = IS_WINDOWS ? [`${name}.exe`, `${name}.cmd`] : [name];
  for (const candidate of candidates) {
    const local = join(ROOT, "node_modules", ".bin", candidate);
    if (existsSync(local)) return local;
  }
  return name;
}

function versionOf(bin) {
  const result = spawnSync(bin, ["--version"], { encoding: "utf8", timeout: 30_000 });
  if (result.error || result.status !== 0) return undefined;
  const match = /\d+\.\d+\.\d+\S*/.exec(result.stdout);
  return match ? match[0] : result.stdout.trim().split("\n")[0];
}

let current = null; // the running child, for signal forwarding
let interrupted = false;

function killTree(child, signal) {
  try {
    // On POSIX the child leads its own process group: take its workers and subprocesses too.
    if (!IS_WINDOWS && child.pid !== undefined) process.kill(-child.pid, signal);
    else child.kill(signal);
  } catch (error) {
    // ESRCH: the group is already gone, nothing left to kill.
    if (error.code !== "ESRCH") console.error(`=== test_all: cannot kill ${child.pid}: ${error}`);
  }
}

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    interrupted = true;
    console.error(`\n=== test_all: received ${signal}, stopping`);
    if (current) killTree(current, signal);
    else process.exit(130);
  });
}

/** Lines kept from the end of a runner's output, shown in the recap when it printed no summary. */
const TAIL_LINES = 8;

/** What the recap keeps of one runner's output: its summary, its failed tests, its last lines. */
class OutputRecord {
  summary = [];
  failures = [];
  omittedFailures = 0;
  tail = [];
  #runner;
  #lastError = undefined;

  constructor(runner) {
    this.#runner = runner;
  }

  /** A writer for one of the runner's streams: passes each chunk on and records its lines. */
  stream(destination) {
    let partial = "";
    return {
      write: (chunk) => {
        destination.write(chunk);
        const lines = (partial + chunk).split("\n");
        partial = lines.pop();
        for (const line of lines) this.#take(line);
      },
      end: () => {
        if (partial !== "") this.#take(partial);
        partial = "";
      },
    };
  }

  #take(raw) {
    const line = stripVTControlCharacters(raw).trimEnd();
    if (line.trim() === "") return;
    this.tail.push(line);
    if (this.tail.length > TAIL_LINES) this.tail.shift();
    if (this.#runner.summary.test(line)) this.summary.push(line);
    else if (this.#runner.errorBefore?.test(line)) this.#lastError = line;
    else if (this.#runner.failure.test(line) && !this.failures.includes(line.trim())) {
      if (this.failures.length < RECAP_FAILURES) {
        this.failures.push(line.trim());
        if (this.#lastError !== undefined) this.failures.push(`    ${this.#lastError}`);
      } else this.omittedFailures++;
      this.#lastError = undefined;
    }
  }
}

/**
 * Runs one runtime to completion; resolves to `{ failure, seconds, record }`, where `failure` is
 * null on success.
 */
function runOne(runner, files, timeoutMs) {
  const bin = resolveBin(runner.bin);
  const version = versionOf(bin);
  const args = runner.args(files);
  const record = new OutputRecord(runner);
  console.log(
    `\n=== ${runner.name} ${version ?? "(version unknown)"}: ${runner.bin} ${args.join(" ")}`,
  );
  if (version === undefined) {
    console.error(`=== ${runner.name}: cannot run '${bin} --version'; is it installed (npm ci)?`);
    return Promise.resolve({ failure: "not runnable", seconds: "0.0", record });
  }
  const started = Date.now();
  return new Promise((resolvePromise) => {
    const child = spawn(bin, args, {
      cwd: ROOT,
      env: process.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: !IS_WINDOWS,
    });
    current = child;
    const out = record.stream(process.stdout);
    const err = record.stream(process.stderr);
    child.stdout.setEncoding("utf8").on("data", out.write).on("end", out.end);
    child.stderr.setEncoding("utf8").on("data", err.write).on("end", err.end);
    let timedOut = false;
    let killTimer;
    const timer = setTimeout(() => {
      timedOut = true;
      console.error(
        `\n=== ${runner.name}: TIMEOUT after ${timeoutMs} ms, killing the test run (SIGTERM)`,
      );
      killTree(child, "SIGTERM");
      killTimer = setTimeout(() => killTree(child, "SIGKILL"), KILL_GRACE_MS);
      killTimer.unref();
    }, timeoutMs);
    let finished = false;
    const finish = (failure) => {
      if (finished) return; // 'error' and 'close' may both fire
      finished = true;
      clearTimeout(timer);
      clearTimeout(killTimer);
      current = null;
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const verdict = failure === null ? "passed" : `FAILED (${failure})`;
      console.log(`=== ${runner.name}: ${verdict} in ${seconds}s`);
      resolvePromise({ failure, seconds, record });
    };
    child.on("error", (error) => finish(`could not start: ${error.message}`));
    const settle = (code, signal) => {
      if (timedOut) finish(`timed out after ${timeoutMs} ms`);
      else if (signal !== null) finish(`killed by ${signal}`);
      else if (code !== 0) finish(`exit code ${code}`);
      else finish(null);
    };
    child.on("exit", (code, signal) => {
      // Reap anything the runner left behind (a hung worker must not outlive its runtime).
      killTree(child, "SIGKILL");
      // The output ends at 'close'; a process outside the group that still holds the pipes
      // must not keep the verdict from coming.
      setTimeout(() => settle(code, signal), KILL_GRACE_MS).unref();
    });
    child.on("close", settle);
  });
}

/**
 * The last thing printed: each runtime's verdict, its runner's own summary lines and the tests
 * that failed, so the end of a long log says what failed where.
 */
function printRecap(results) {
  console.log("\n=== test_all: recap");
  for (const { runner, failure, seconds, record } of results) {
    console.log(
      `--- ${runner.name}: ${failure === null ? "passed" : `FAILED (${failure})`} in ${seconds}s`,
    );
    if (record.summary.length > 0) { for (const line of record.summary) console.log(line); }
    else {
      console.log(`(${runner.name} printed no summary; its last lines:)`);
      for (const line of record.tail) console.log(`  ${line}`);
    }
    if (failure === null) continue;
    for (const line of record.failures) console.log(line);
    if (record.omittedFailures > 0) {
      console.log(`… and ${record.omittedFailures} more failure lines (see above)`);
    }
  }
}

async function main() {
  const { runtimes, timeoutMs, files: requested } = parseArgs(process.argv.slice(2));
  const files = requested.length > 0 ? requested.map(toRunnerPath) : collectTestFiles();
  if (files.length === 0) {
    console.error(`test_all: no test files (*_test.ts) found in ${TESTS_DIR}`);
    process.exit(1);
  }
  const results = [];
  for (const runner of RUNNERS.filter((r) => runtimes.includes(r.name))) {
    results.push({ runner, ...(await runOne(runner, files, timeoutMs)) });
    if (interrupted) process.exit(130);
  }
  printRecap(results);
  const failed = results.filter((r) => r.failure !== null);
  if (failed.length > 0) {
    const names = failed.map((r) => `${r.runner.name} (${r.failure})`);
    console.error(`=== test_all: FAILED on ${names.join(", ")}`);
    process.exit(1);
  }
}

await main();
