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
import { OutputRecord } from "./_test_record.mjs";

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

/**
 * Deno's closing summary (`ok | 12 passed | 0 failed (3s)`), its failures (`name => file:line:col`,
 * or `./tests/x_test.ts (uncaught error)`) and its files (`running 3 tests from ./tests/x_test.ts`,
 * then `name ... FAILED`, or `Uncaught error from ./tests/x_test.ts FAILED`).
 */
const DENO_LINES = {
  summary: /^(ok|FAILED) \| \d+ passed/,
  failure: / => \.?\/?\S+:\d+:\d+$|^\S+_test\.ts \(uncaught error\)$/,
  fileStart: /^running \d+ tests? from (\S+_test\.ts)$/,
  fileFailure: / \.\.\. FAILED\b/,
  failedFile: /^Uncaught error from (\S+_test\.ts)/,
};

/**
 * The runtimes in the order they run; Node stays last. `doc` ignores the test files. The
 * patterns pick the lines of each runner's own output that the recap at the end repeats and that
 * say which files failed (see scripts/_test_record.mjs).
 */
const RUNNERS = [
  {
    name: "doc",
    bin: "deno",
    args: () => ["test", "-A", "--doc", ...DOC_PATHS],
    summary: DENO_LINES.summary,
    failure: DENO_LINES.failure,
  },
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
    summary: /^\s*\d+ (pass|fail|skip|todo|errors?|filtered out)$|^Ran \d+ tests? across/,
    failure: /^\(fail\) |^# Unhandled error/,
    // Bun prints a failed test's error before its `(fail)` line: the recap shows it beneath.
    errorBefore: /^(error: |\w*Error\b)/,
    fileStart: /^(?:\.\/)?(\S+_test\.ts):$/,
    fileFailure: /^\(fail\) |^# Unhandled error/,
  },
  {
    name: "node",
    bin: "node",
    args: (files) => ["--test", "--test-reporter=spec", ...files],
    summary: /^ℹ (tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) /,
    failure: /^\s*✖ /,
    failedFile: /^test at (\S+_test\.ts):\d+:\d+$/,
  },
];

/**
 * A runtime whose run fails in at most this many files runs those files once more, and passes
 * if they pass then (the recap shows both runs). More failed files is no flake.
 */
const MAX_FLAKY_FILES = 5;

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

/** One run's lines in the recap: the runner's summary and, when it failed, the failed tests. */
function printRun(runner, { failure, record }) {
  if (record.summary.length > 0) { for (const line of record.summary) console.log(line); }
  else {
    console.log(`(${runner.name} printed no summary; its last lines:)`);
    for (const line of record.tail) console.log(`  ${line}`);
  }
  if (failure === null) return;
  for (const line of record.failures) console.log(line);
  if (record.omittedFailures > 0) {
    console.log(`… and ${record.omittedFailures} more failure lines (see above)`);
  }
}

const verdictOf = ({ failure, seconds }) =>
  `${failure === null ? "passed" : `FAILED (${failure})`} in ${seconds}s`;

/**
 * The last thing printed: each runtime's verdict, its runner's own summary lines and the tests
 * that failed, so the end of a long log says what failed where. A runtime that ran some files a
 * second time shows both runs, the second last.
 */
function printRecap(results) {
  console.log("\n=== test_all: recap");
  for (const { runner, runs } of results) {
    const [first, second] = runs;
    if (second === undefined) {
      console.log(`--- ${runner.name}: ${verdictOf(first)}`);
      printRun(runner, first);
      continue;
    }
    console.log(`--- ${runner.name}: first run ${verdictOf(first)}`);
    printRun(runner, first);
    console.log(
      `--- ${runner.name}: second run of ${second.files.join(" ")}: ${verdictOf(second)}`,
    );
    printRun(runner, second);
  }
}

/**
 * Runs one runtime; when its run fails in a few files (or ends early), runs those once more.
 * Resolves to its runs, the verdict being the last one's.
 */
async function runRuntime(runner, files, timeoutMs) {
  const first = await runOne(runner, files, timeoutMs);
  const runs = [{ ...first, files }];
  if (first.failure === null || interrupted) return runs;
  const again = first.record.filesToRetry(files);
  if (again.length === 0 || first.record.failedFiles.size > MAX_FLAKY_FILES) return runs;
  console.log(
    `\n=== ${runner.name}: running the files that failed or did not finish once more: ${
      again.join(" ")
    }`,
  );
  runs.push({ ...(await runOne(runner, again, timeoutMs)), files: again });
  return runs;
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
    results.push({ runner, runs: await runRuntime(runner, files, timeoutMs) });
    if (interrupted) process.exit(130);
  }
  printRecap(results);
  const failed = results.filter(({ runs }) => runs.at(-1).failure !== null);
  const flaky = results.filter(({ runs }) => runs.length > 1 && runs.at(-1).failure === null);
  if (flaky.length > 0) {
    console.error(
      `=== test_all: ${
        flaky.map((r) => r.runner.name).join(", ")
      } failed on a first run and passed on a second: a flaky test is a bug (see the recap)`,
    );
  }
  if (failed.length > 0) {
    const names = failed.map(({ runner, runs }) => `${runner.name} (${runs.at(-1).failure})`);
    console.error(`=== test_all: FAILED on ${names.join(", ")}`);
    process.exit(1);
  }
}

await main();
