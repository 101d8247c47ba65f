/**
 * The seeds' "sequential vs parallel" demo: `cpu_intensive_task(n)` (the sum of `sqrt(i)` for
 * `i < n`) four times, first one after the other on the main thread, then in four `Process`es at
 * once, with the timings and the speedup. `npm start` runs it; it also runs as
 * `deno run -A examples/seeds_demo.ts` and `bun examples/seeds_demo.ts`.
 *
 * The seed uses `[1_000_000] * 4`; that is a few milliseconds in JavaScript, less than starting a
 * worker, so the demo uses 4 × 200,000,000 (about 1.5 s sequentially on one core).
 *
 * `POLYCORE_DEMO_SCALE` (a positive number, default 1) scales `n`: tests set it small, e.g.
 * `POLYCORE_DEMO_SCALE=0.001`, to check the demo runs without paying for the full workload.
 *
 * A `Process` target's return value does not come back to the parent (nor does it in Python), so
 * each worker writes its result into a `Float64Array` over a `SharedArrayBuffer` passed as an
 * argument: the worker sees the same memory, not a copy.
 *
 * @module
 */
import process from "node:process";
import { cpuCount, Process, runtime } from "../mod.ts";

/** The seed's `cpu_intensive_task(n)`; writes the result into `out[slot]` when given `out`. */
function cpuIntensiveTask(n: number, out?: Float64Array, slot = 0): number {
  let result = 0;
  for (let i = 0; i < n; i++) result += Math.sqrt(i);
  if (out) out[slot] = result;
  return result;
}

const scale = Number(process.env.POLYCORE_DEMO_SCALE ?? "1");
if (!(scale > 0)) {
  throw new RangeError(
    `Cannot run the demo as 'POLYCORE_DEMO_SCALE' must be a positive number: received '${process.env.POLYCORE_DEMO_SCALE}'`,
  );
}
const numbers = Array.from({ length: 4 }, () => Math.max(1, Math.round(200_000_000 * scale)));

console.log(
  `${runtime.name} ${runtime.version}, ${cpuCount()} CPUs: cpu_intensive_task(${
    numbers[0].toLocaleString("en-US")
  }) × ${numbers.length}`,
);

// Sequential, on the main thread.
let start = performance.now();
const sequential = numbers.map((n) => cpuIntensiveTask(n));
const sequentialMs = performance.now() - start;
console.log(`Time taken for sequential processing: ${(sequentialMs / 1000).toFixed(2)} seconds`);

// Parallel: one Process per number, results written to shared memory.
start = performance.now();
const results = new Float64Array(new SharedArrayBuffer(numbers.length * 8));
const processes = numbers.map((n, i) =>
  new Process({ target: cpuIntensiveTask, args: [n, results, i], name: `Worker-${i}` })
);
for (const p of processes) p.start();
await Promise.all(processes.map((p) => p.join()));
const parallelMs = performance.now() - start;
console.log(`Time taken for parallel processing: ${(parallelMs / 1000).toFixed(2)} seconds`);

for (const p of processes) {
  if (p.exitCode !== 0) throw new Error(`${p.name} exited with ${p.exitCode}`, { cause: p.error });
}
const parallel = [...results];
if (parallel.some((value, i) => value !== sequential[i])) {
  throw new Error(`Parallel results ${parallel} differ from sequential ones ${sequential}`);
}
console.log(`Results match: ${parallel.map((r) => r.toExponential(6)).join(", ")}`);
console.log(`Speedup: ${(sequentialMs / parallelMs).toFixed(2)}x`);
