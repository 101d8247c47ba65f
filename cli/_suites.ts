/**
 * Which suites `polycore bench` runs, in which order, on which runtimes: the suites are the
 * `bench/<suite>_bench.ts` files (`.js` in the npm package), the CPython steps the scripts in
 * bench/python/.
 *
 * @module
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FoundRuntime, RuntimeName } from "./_runtimes.ts";

/** The folder holding bench/ (the repository, or dist/ in the npm package). */
export const root = fileURLToPath(new URL("..", import.meta.url));
const benchDir = join(root, "bench");
const pythonDir = join(benchDir, "python");
/** Suites are `.ts` next to the sources, `.js` in the npm package's dist/. */
const suiteExt = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
/** The default order; suites not named here follow, alphabetically. */
const preferredOrder = [
  "process",
  "pool",
  "peers",
  "sync",
  "queue",
  "manager",
  "seeds",
  "task",
  "server",
];
/** Suites run only when named. */
export const onlyWhenNamed = new Set(["selftest"]);
/** Suites limited to some runtimes, and why. */
const onlyOn: Record<string, { runtimes: RuntimeName[]; why: string }> = {
  peers: { runtimes: ["node"], why: "piscina, tinypool and workerpool are Node libraries" },
};
/** Suites with CPython scripts in bench/python/. */
const pythonSuites = new Set(["seeds"]);
/** The CPython scripts in the order of bench/seeds_bench.ts's rows; others follow. */
const pythonOrder = [
  "pool_start.py",
  "pool_map.py",
  "tiny_map.py",
  "locked_counter.py",
  "queue_throughput.py",
  "pipe_pingpong.py",
  "manager_dict.py",
];

/** The suites found in bench/, in run order. */
export function availableSuites(): string[] {
  const suffix = `_bench${suiteExt}`;
  const names = readdirSync(benchDir).filter((f) => f.endsWith(suffix) && !f.startsWith("_"))
    .map((f) => f.slice(0, -suffix.length));
  return names.sort(byPreference(preferredOrder));
}

/** A sort order: the names in `order` first, in that order; then the rest, alphabetically. */
function byPreference(order: readonly string[]): (a: string, b: string) => number {
  const rank = (name: string) => {
    const i = order.indexOf(name);
    return i === -1 ? order.length : i;
  };
  return (a, b) => rank(a) - rank(b) || a.localeCompare(b);
}

/** One subprocess: a suite (or one CPython script of it) on one runtime. */
export interface Step {
  readonly suite: string;
  readonly runtime: FoundRuntime;
  readonly file: string;
  readonly label: string;
}

/** The steps that run `suites` on the `found` runtimes, and notes on the ones left out. */
export function plan(
  suites: readonly string[],
  found: readonly FoundRuntime[],
): { steps: Step[]; notes: string[] } {
  const steps: Step[] = [];
  const notes: string[] = [];
  for (const suite of suites) {
    for (const runtime of found) {
      if (runtime.name === "cpython") {
        if (!pythonSuites.has(suite)) continue;
        const scripts = existsSync(pythonDir)
          ? readdirSync(pythonDir).filter((f) => f.endsWith(".py") && !f.startsWith("_"))
            .sort(byPreference(pythonOrder))
          : [];
        for (const script of scripts) {
          steps.push({
            suite,
            runtime,
            file: join(pythonDir, script),
            label: `${suite} on cpython: ${script}`,
          });
        }
        continue;
      }
      const limit = onlyOn[suite];
      if (limit && !limit.runtimes.includes(runtime.name)) {
        notes.push(`${suite} runs on ${limit.runtimes.join(", ")} only (${limit.why})`);
        continue;
      }
      const file = join(benchDir, `${suite}_bench${suiteExt}`);
      steps.push({ suite, runtime, file, label: `${suite} on ${runtime.name}` });
    }
  }
  return { steps, notes: [...new Set(notes)] };
}
