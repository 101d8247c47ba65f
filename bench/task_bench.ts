/**
 * Suite "task": what it costs that a function task keeps its module (README "Concepts → Task").
 *
 * - describing a task for the workers (`toTaskSpec`, run by every `apply`/`map`/`submit`): the
 *   same function again (the usual case: a function declared once); a new self-contained arrow
 *   each call (its source is looked up, no stack); a new arrow that uses a helper of this module
 *   each call (the call stack tells which module it came from); µs per call.
 * - scanning a module's top level (once per module and program): lib/pool/pool.ts, µs per scan.
 * - sequential round trip on a running Pool(1), `await apply(fn, [i])`: a self-contained function
 *   next to one that uses this module's helper; µs per call (the ratio row is their per-round
 *   ratio: a task's module context costs nothing per call once the worker has it).
 * - Pool(1) start + the first call + terminate, with and without a module context (the worker
 *   imports the context module once); ms.
 *
 * Run: `node bench/task_bench.ts`, `deno run -A bench/task_bench.ts`, `bun bench/task_bench.ts`,
 * or `npm run bench -- task`.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { Pool } from "../mod.ts";
import { scanModule } from "../lib/task/_module_scan.ts";
import { toTaskSpec } from "../lib/task/task.ts";
import { runSuite } from "./_harness.ts";

const calls = 1_000;
const trips = 200;
const poolSource = readFileSync(new URL("../lib/pool/pool.ts", import.meta.url), "utf8");

/** A top-level helper that context tasks use. */
function plusOne(n: number): number {
  return n + 1;
}
const selfContained = (n: number) => n + 1;
const withContext = (n: number) => plusOne(n);

const pool = new Pool(1);
await pool.apply(selfContained, [0]);
await pool.apply(withContext, [0]);

async function roundTrips(fn: (n: number) => number): Promise<number> {
  let total = 0;
  for (let i = 0; i < trips; i++) total += await pool.apply(fn, [i]);
  return total;
}

async function coldStart(fn: (n: number) => number): Promise<number> {
  const fresh = new Pool(1);
  const result = await fresh.apply(fn, [1]);
  await fresh.terminate();
  return result;
}

await runSuite("task", [
  {
    name: "describe a task: the same function again",
    fn: () => {
      for (let i = 0; i < calls; i++) toTaskSpec(withContext, "bench", "fn");
    },
    unit: "µs",
    opsPerSample: calls,
  },
  {
    name: "describe a task: a new self-contained arrow each call",
    fn: () => {
      for (let i = 0; i < calls; i++) toTaskSpec((n: number) => n * 2, "bench", "fn");
    },
    unit: "µs",
    opsPerSample: calls,
  },
  {
    name: "describe a task: a new arrow using a module helper each call",
    fn: () => {
      for (let i = 0; i < calls; i++) toTaskSpec((n: number) => plusOne(n), "bench", "fn");
    },
    unit: "µs",
    opsPerSample: calls,
  },
  {
    name: "scan a module's top level (lib/pool/pool.ts)",
    fn: () => scanModule(poolSource),
    unit: "µs",
  },
  {
    name: "round trip: self-contained function",
    fn: () => roundTrips(selfContained),
    unit: "µs",
    opsPerSample: trips,
  },
  {
    name: "round trip: function using a module helper",
    fn: () => roundTrips(withContext),
    unit: "µs",
    opsPerSample: trips,
  },
  { name: "Pool(1) start + first call: self-contained", fn: () => coldStart(selfContained) },
  { name: "Pool(1) start + first call: module context", fn: () => coldStart(withContext) },
], {
  ratios: [{
    name: "round trip: module context ÷ self-contained",
    numerator: "round trip: function using a module helper",
    denominator: "round trip: self-contained function",
  }, {
    name: "Pool(1) start + first call: module context ÷ self-contained",
    numerator: "Pool(1) start + first call: module context",
    denominator: "Pool(1) start + first call: self-contained",
  }],
});
await pool.terminate();
