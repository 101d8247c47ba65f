// Process Pool — the same CPU-bound function over a list, first one call after another on the
// main thread, then spread over a Pool's workers with map(), timed.
//
// Python originals: seed 001 "Process Pool", and seed 004's sequential vs parallel example:
//
//   from multiprocessing import Pool
//   import time
//
//   def cpu_intensive(n):
//       total = 0
//       for i in range(n):
//           total += i * i
//       return total
//
//   if __name__ == "__main__":
//       numbers = [10**6, 10**6, 10**6, 10**6]
//       start = time.time()
//       results = [cpu_intensive(n) for n in numbers]
//       print(f"Sequential: {time.time() - start:.2f}s")
//       start = time.time()
//       with Pool(4) as pool:
//           results = pool.map(cpu_intensive, numbers)
//       print(f"Parallel: {time.time() - start:.2f}s")
//
//   # seed 004: cpu_intensive_task(n) sums math.sqrt(i); `with multiprocessing.Pool() as pool:`
//   # (one worker per CPU) runs pool.map(cpu_intensive_task, [1000000] * 4)
//
// Run it: `node examples/pool_basics.ts`, `deno run -A examples/pool_basics.ts` or
// `bun examples/pool_basics.ts`.
//
// JavaScript runs these loops about 50 times faster than CPython, so n is 100,000,000 (and
// 40,000,000 for the square roots) instead of 10**6: otherwise the work takes less time than
// starting the workers. `POLYCORE_DEMO_SCALE` (default 1) scales n. Starting a worker costs
// tens of milliseconds (a JavaScript runtime loads its modules), so the map is timed twice:
// with the pool's start, as the seed does, and again on the running pool. The functions keep
// this file's imports and top-level declarations in the workers. `await using`
// ends the pool when the block is left, as `with Pool(4) as pool:` does. On an idle 2-core
// machine the running pool takes about half the sequential time.
//
// @test-env POLYCORE_DEMO_SCALE=0.02
import process from "node:process";
import { cpuCount, Pool, runtime } from "../mod.ts";

/** Seed 001's cpu_intensive(n): the sum of i * i for i < n (a float past 2^53, as in JS). */
function cpuIntensive(n: number): number {
  let total = 0;
  for (let i = 0; i < n; i++) total += i * i;
  return total;
}

/** Seed 004's cpu_intensive_task(n): the sum of sqrt(i) for i < n. */
function cpuIntensiveTask(n: number): number {
  let result = 0;
  for (let i = 0; i < n; i++) result += Math.sqrt(i);
  return result;
}

const scale = Number(process.env.POLYCORE_DEMO_SCALE ?? "1");
if (!(scale > 0)) {
  throw new RangeError(
    `Cannot run the example as 'POLYCORE_DEMO_SCALE' must be a positive number: received '${process.env.POLYCORE_DEMO_SCALE}'`,
  );
}
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)}s`;

console.log(`${runtime.name} ${runtime.version}, ${cpuCount()} CPUs`);

// Seed 001: Pool(4).map(cpu_intensive, numbers)
{
  const numbers = Array.from({ length: 4 }, () => Math.round(100_000_000 * scale));
  let start = performance.now();
  const sequential = numbers.map(cpuIntensive);
  const sequentialMs = performance.now() - start;
  console.log(`Sequential: ${seconds(sequentialMs)}`);

  start = performance.now();
  await using pool = new Pool(4);
  const parallel = await pool.map(cpuIntensive, numbers);
  console.log(`Parallel: ${seconds(performance.now() - start)} (including starting the pool)`);

  start = performance.now();
  await pool.map(cpuIntensive, numbers);
  const warmMs = performance.now() - start;
  console.log(`Parallel: ${seconds(warmMs)} (the same pool again, its workers already running)`);
  console.log(`Speedup: ${(sequentialMs / warmMs).toFixed(1)}x`);
  console.log(`Results match: ${parallel.every((r, i) => r === sequential[i])}`);
}

// Seed 004: the same with Pool() — one worker per CPU
{
  const numbers = Array.from({ length: 4 }, () => Math.round(40_000_000 * scale));
  let start = performance.now();
  const sequential = numbers.map(cpuIntensiveTask);
  console.log(`Time taken for sequential processing: ${seconds(performance.now() - start)}`);

  start = performance.now();
  await using pool = new Pool();
  const parallel = await pool.map(cpuIntensiveTask, numbers);
  console.log(
    `Time taken for parallel processing: ${seconds(performance.now() - start)} ` +
      `(${pool.processes} workers, including their start)`,
  );
  console.log(`Results match: ${parallel.every((r, i) => r === sequential[i])}`);
}
