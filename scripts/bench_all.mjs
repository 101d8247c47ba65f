#!/usr/bin/env node
// Runs the benchmark suites (bench/<suite>_bench.ts) under Node, Deno and Bun, one run after
// another (never two at once: they would compete for the cores), and prints one table with a
// column per runtime, plus the command and the machine.
//
// Usage (`npm run bench -- …`):
//   node scripts/bench_all.mjs                        every suite, every runtime
//   node scripts/bench_all.mjs process                the named suites only
//   node scripts/bench_all.mjs --runtimes node,bun    a subset of runtimes
//   node scripts/bench_all.mjs --quick                fewer, shorter rounds
//   node scripts/bench_all.mjs --json out.json        also write all rows and machine info
//
// Exits 0 when every run succeeded, 1 when one failed (after running the others), 2 on bad
// arguments.

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const BENCH_DIR = join(ROOT, "bench");
const RUN_TIMEOUT_MS = 10 * 60 * 1000;
const RUNNERS = {
  node: (file) => ({ bin: "node", args: [file] }),
  deno: (file) => ({ bin: "deno", args: ["run", "-A", file] }),
  bun: (file) => ({ bin: "bun", args: [file] }),
};

function usageError(message) {
  console.error(`bench_all: ${message}`);
  console.error(
    "usage: node scripts/bench_all.mjs [--runtimes node,deno,bun] [--quick] [--json out.json] " +
      "[suite ...]",
  );
  process.exit(2);
}

/** The binary pinned in node_modules/.bin, else whatever PATH has. */
function resolveBin(name) {
  const candidates = process.platform === "win32" ? [`${name}.exe`, `${name}.cmd`] : [name];
  for (const candidate of candidates) {
    const local = join(ROOT, "node_modules", ".bin", candidate);
    if (existsSync(local)) return local;
  }
  return name;
}

function formatValue(value) {
  if (!Number.isFinite(value)) return String(value);
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

function cell(row) {
  if (!row) return "–";
  return row.unit === "×"
    ? `${formatValue(row.median)}×`
    : `${formatValue(row.median)} ${row.unit}`;
}

function main() {
  let parsed;
  try {
    parsed = parseArgs({
      args: process.argv.slice(2),
      allowPositionals: true,
      options: {
        runtimes: { type: "string", default: Object.keys(RUNNERS).join(",") },
        quick: { type: "boolean", default: false },
        json: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    usageError(error.message);
  }
  const { values: flags, positionals } = parsed;
  if (flags.help) usageError("help requested");
  const runtimes = flags.runtimes.split(",").map((s) => s.trim()).filter(Boolean);
  const unknown = runtimes.filter((r) => !(r in RUNNERS));
  if (runtimes.length === 0 || unknown.length > 0) {
    usageError(
      `--runtimes expects a list of ${Object.keys(RUNNERS)}: received '${flags.runtimes}'`,
    );
  }
  const available = readdirSync(BENCH_DIR).filter((f) => f.endsWith("_bench.ts"))
    .map((f) => f.slice(0, -"_bench.ts".length)).sort();
  const suites = positionals.length > 0 ? positionals : available;
  for (const suite of suites) {
    if (!available.includes(suite)) {
      usageError(`no suite '${suite}' (bench/${suite}_bench.ts); suites: ${available.join(", ")}`);
    }
  }

  const temp = mkdtempSync(join(tmpdir(), "polycore-bench-"));
  const reports = []; // { runtime, suite, machine, rows }
  const failures = [];
  try {
    for (const suite of suites) {
      for (const runtime of runtimes) {
        const json = join(temp, `${suite}-${runtime}.json`);
        const { bin, args } = RUNNERS[runtime](`bench/${suite}_bench.ts`);
        const argv = [...args, "--json", json, ...(flags.quick ? ["--quick"] : [])];
        process.stderr.write(`bench_all: ${suite} on ${runtime} … `);
        const started = Date.now();
        const result = spawnSync(resolveBin(bin), argv, {
          cwd: ROOT,
          encoding: "utf8",
          stdio: ["ignore", "pipe", "inherit"],
          timeout: RUN_TIMEOUT_MS,
        });
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        if (result.status === 0 && existsSync(json)) {
          process.stderr.write(`${seconds} s\n`);
          reports.push({ runtime, suite, ...JSON.parse(readFileSync(json, "utf8")) });
        } else {
          const why = result.error?.message ?? result.signal ?? `exit code ${result.status}`;
          process.stderr.write(`FAILED (${why})\n${result.stdout ?? ""}\n`);
          failures.push(`${suite} on ${runtime} (${why})`);
        }
      }
    }
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }

  // One row per benchmark, one column per runtime, in the order the suites report them.
  const keys = [];
  const byKey = new Map();
  for (const report of reports) {
    for (const row of report.rows) {
      const key = `${row.suite}: ${row.name}`;
      if (!byKey.has(key)) {
        keys.push(key);
        byKey.set(key, {});
      }
      byKey.get(key)[report.runtime] = row;
    }
  }
  const lines = [
    `| benchmark | ${runtimes.join(" | ")} |`,
    `|---|${runtimes.map(() => "---:").join("|")}|`,
    ...keys.map((key) =>
      `| ${key} | ${runtimes.map((r) => cell(byKey.get(key)[r])).join(" | ")} |`
    ),
  ];
  const extra = process.argv.slice(2).join(" ");
  const command = process.env.npm_lifecycle_event === "bench"
    ? `npm run bench${extra ? ` -- ${extra}` : ""}`
    : `node scripts/bench_all.mjs${extra ? ` ${extra}` : ""}`;
  const machine = reports[0]?.machine;
  const versions = runtimes.map((r) => {
    const report = reports.find((x) => x.runtime === r);
    return `${r} ${report ? report.machine.runtimeVersion : "(failed)"}`;
  });
  const machineLine = machine
    ? `${machine.cpus} CPUs (${machine.cpuModel}), ${machine.platform} ${machine.arch}; ` +
      `${versions.join(", ")}; ${machine.date.slice(0, 10)}`
    : "no run succeeded";
  console.log(`\n${lines.join("\n")}\n\n\`${command}\` · ${machineLine}`);
  console.log("Medians of per-round medians; × rows are paired per-round ratios.");

  if (flags.json) {
    const out = {
      command,
      machine: machine && {
        cpus: machine.cpus,
        cpuModel: machine.cpuModel,
        platform: machine.platform,
        arch: machine.arch,
        date: machine.date,
      },
      runtimes: Object.fromEntries(reports.map((r) => [r.runtime, r.machine.runtimeVersion])),
      rows: reports.flatMap((r) => r.rows),
      failures,
    };
    writeFileSync(resolve(flags.json), JSON.stringify(out, null, 2));
  }
  if (failures.length > 0) {
    console.error(`bench_all: FAILED: ${failures.join(", ")}`);
    process.exit(1);
  }
}

main();
