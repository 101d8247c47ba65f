// Executing a Parallel Task — a CPU-heavy sum runs in a worker while the main program waits.
//
// Python original (seed "Executing a Parallel Task"):
//
//   import multiprocessing
//   import os
//
//   def calculate_heavy_sum(limit):
//       # Perform a CPU intensive calculation
//       result = sum(i * i for i in range(limit))
//       print(f'Process {os.getpid()} finished with result: {result}')
//
//   if __name__ == '__main__':
//       # Initialize a process for a specific target function
//       worker = multiprocessing.Process(target=calculate_heavy_sum, args=(10_000_000,))
//       worker.start()
//       # Wait for the worker to complete its execution
//       worker.join()
//
// Run it: `node examples/parallel_task.ts`, `deno run -A examples/parallel_task.ts` or
// `bun examples/parallel_task.ts`.
//
// Python's integers never overflow, and the sum of squares below 10,000,000 is about 3.3e20,
// far past the 2^53 that a JavaScript number holds exactly: so the sum is a BigInt. The target
// is a plain function of this file: in the worker it may use its arguments, globals (such as
// `process.pid`) and this file's imports and top-level declarations. While it runs, the main thread stays free —
// its timer keeps ticking. The main program cannot read the target's return value (a Process
// does not return one, in Python either), so it checks the printed result against the closed
// form n(n-1)(2n-1)/6. Threads share the program's pid: the thread ids tell them apart.
import { currentProcess, Process } from "../mod.ts";

const limit = 10_000_000;

const worker = new Process({
  target: (n: number) => {
    // Perform a CPU intensive calculation
    let result = 0n;
    for (let i = 0n; i < BigInt(n); i++) result += i * i;
    const { pid } = (globalThis as unknown as { process: { pid: number } }).process;
    console.log(`Process ${pid} finished with result: ${result}`);
  },
  args: [limit],
  name: "calculate_heavy_sum",
});

let ticks = 0;
const ticker = setInterval(() => ticks++, 10);
const started = performance.now();
worker.start();
console.log(
  `Main process ${currentProcess().pid} started ${worker.name} on thread ${worker.threadId}`,
);
// Wait for the worker to complete its execution
await worker.join();
clearInterval(ticker);
if (worker.exitCode !== 0) {
  throw new Error(`${worker.name} exited with ${worker.exitCode}`, { cause: worker.error });
}
console.log(
  `${worker.name} joined after ${
    (performance.now() - started).toFixed(0)
  } ms with exit code ${worker.exitCode}; the main thread's timer ticked ${ticks} times meanwhile`,
);
const n = BigInt(limit);
console.log(`Expected n(n-1)(2n-1)/6 = ${(n * (n - 1n) * (2n * n - 1n)) / 6n}`);
