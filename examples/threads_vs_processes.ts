// Comparing Threads vs Processes — the same CPU-bound work run sequentially, "threaded", and on
// a pool of workers, timed.
//
// Python original (seed 001 "Comparing Threads vs Processes"):
//
//   from threading import Thread
//   from multiprocessing import Process, Pool
//   import time
//
//   def cpu_bound(n):
//       return sum(i * i for i in range(n))
//
//   if __name__ == "__main__":
//       n = 10**7
//       count = 4
//       start = time.time()                     # Sequential
//       for _ in range(count):
//           cpu_bound(n)
//       print(f"Sequential: {time.time() - start:.2f}s")
//       start = time.time()                     # Threads (limited by GIL)
//       threads = [Thread(target=cpu_bound, args=(n,)) for _ in range(count)]
//       for t in threads:
//           t.start()
//       for t in threads:
//           t.join()
//       print(f"Threads: {time.time() - start:.2f}s")
//       start = time.time()                     # Processes (true parallelism)
//       with Pool(count) as pool:
//           pool.map(cpu_bound, [n] * count)
//       print(f"Processes: {time.time() - start:.2f}s")
//
// Run it: `node examples/threads_vs_processes.ts`, `deno run -A examples/threads_vs_processes.ts`
// or `bun examples/threads_vs_processes.ts`.
//
// What maps to what: JavaScript has no threads sharing one heap. The nearest thing to Python's
// GIL-bound threads is concurrency on the main thread — async calls under `Promise.all`: they
// take turns, but only one runs at a time, so CPU-bound work gets no faster (what the GIL does
// to Python threads). A polycore worker has its own heap and event loop, as a Python process
// has its own interpreter: a Pool of them runs in parallel on every core. The pool's workers
// are threads by default; `backend: "process"` makes them child processes (slower to start,
// fully isolated). Each pool is timed with its start, as in the seed. n is 10**8 (JavaScript
// runs the loop ~50× faster than CPython); `POLYCORE_DEMO_SCALE` (default 1) scales it.
//
// @test-env POLYCORE_DEMO_SCALE=0.01
import process from "node:process";
import { cpuCount, Pool, runtime } from "../mod.ts";

/** CPU-intensive task: the sum of i * i for i < n. */
function cpuBound(n: number): number {
  let total = 0;
  for (let i = 0; i < n; i++) total += i * i;
  return total;
}

/**
 * cpu_bound as a "thread": an async task on the main thread. It starts when the event loop gets
 * to it and then holds the thread until it is done, as a Python thread holds the GIL.
 */
async function cpuBoundThread(n: number): Promise<number> {
  await Promise.resolve(); // let the other "threads" start first
  return cpuBound(n);
}

const scale = Number(process.env.POLYCORE_DEMO_SCALE ?? "1");
if (!(scale > 0)) {
  throw new RangeError(
    `Cannot run the example as 'POLYCORE_DEMO_SCALE' must be a positive number: received '${process.env.POLYCORE_DEMO_SCALE}'`,
  );
}
const n = Math.round(100_000_000 * scale);
const count = 4;
const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(2)}s`;

console.log(`${runtime.name} ${runtime.version}, ${cpuCount()} CPUs, n = ${n}, count = ${count}`);

// Sequential
let start = performance.now();
for (let i = 0; i < count; i++) cpuBound(n);
console.log(`Sequential: ${seconds(start)}`);

// "Threads": concurrent async calls on the main thread, one running at a time
start = performance.now();
await Promise.all(Array.from({ length: count }, () => cpuBoundThread(n)));
console.log(
  `Threads: ${seconds(start)} (Promise.all on the main thread: concurrent, not parallel)`,
);

// Processes: a pool of workers, in parallel
start = performance.now();
{
  await using pool = new Pool(count);
  await pool.map(cpuBound, Array.from({ length: count }, () => n));
}
console.log(`Processes: ${seconds(start)} (Pool(${count}) of worker threads, with their start)`);

// The same with real child processes
start = performance.now();
{
  await using pool = new Pool({ processes: count, backend: "process" });
  await pool.map(cpuBound, Array.from({ length: count }, () => n));
}
console.log(`Processes: ${seconds(start)} (Pool(${count}) of child processes, with their start)`);
