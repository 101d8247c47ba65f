#!/usr/bin/env node
// `npm run bench:report [-- run.json]`: regenerates the README's benchmark section (between
// <!-- bench:start --> and <!-- bench:end -->) from a `polycore bench --json` run file
// (bench/results.json by default) with `polycore report --readme README.md`, then formats the
// README with the pinned `deno fmt`, as `npm run check` expects.
//
// Make a run first: `npm run bench -- --json bench/results.json` (add `--quick` for a short one).

import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const run = process.argv[2] ?? join(ROOT, "bench", "results.json");
if (process.argv.length > 3) {
  console.error(`bench_report: expected at most one run file: received ${process.argv.length - 2}`);
  process.exit(2);
}

function step(bin, args) {
  const result = spawnSync(bin, args, { cwd: ROOT, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

step(process.execPath, [join(ROOT, "cli", "polycore.ts"), "report", "--readme", "README.md", run]);
const deno = join(ROOT, "node_modules", ".bin", process.platform === "win32" ? "deno.exe" : "deno");
step(existsSync(deno) ? deno : "deno", ["fmt", "README.md"]);
