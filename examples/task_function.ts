// Process Pools — map(), map_async() and apply_async() on a pool of 3 workers, with a task
// that takes a while: the pool runs 3 at a time.
//
// Python original (seed 002 "Process Pools"):
//
//   import multiprocessing
//   import time
//
//   def task_function(task_id):
//       print(f"Task {task_id} started.")
//       time.sleep(2)  # Simulate some time-consuming task
//       return f"Task {task_id} is done!"
//
//   if __name__ == "__main__":
//       pool = multiprocessing.Pool(processes=3)
//       tasks = [1, 2, 3, 4, 5]
//       results = pool.map(task_function, tasks)       # Tasks 1-3 start, 2 s later 4-5
//       print(results)
//       tasks = [6, 7, 8, 9, 10]
//       async_results = pool.map_async(task_function, tasks)
//       async_results.wait()  # Wait for all tasks to complete
//       print(async_results.get())
//       result = pool.apply_async(task_function, (11,))
//       print(result.get())
//       pool.close()  # Close the pool and wait for all processes to finish
//       pool.join()
//
// Run it: `node examples/task_function.ts`, `deno run -A examples/task_function.ts` or
// `bun examples/task_function.ts`.
//
// The sleep is 200 ms instead of 2 s. Each line says when it was printed, counted from the
// start, so you can see the pool run three tasks at a time: tasks 1-3 start at once, 4-5 once
// the first three are done. The start time reaches the workers through the pool's initializer
// (a top-level `const start = performance.now()` would be evaluated again in each worker). `chunksize: 1` hands out
// one task at a time, as Python does for a list this short. Workers print with console.log;
// their lines reach the same terminal.
import { Pool } from "../mod.ts";

type Clock = { startedAt: number };

/** Seconds since the start, as `[0.2 s]`. */
const stamp = (startedAt: number) => `[${((Date.now() - startedAt) / 1000).toFixed(1)} s]`;

// Function to be executed by worker processes
async function taskFunction(taskId: number): Promise<string> {
  const { startedAt } = globalThis as unknown as Clock;
  console.log(`[${((Date.now() - startedAt) / 1000).toFixed(1)} s] Task ${taskId} started.`);
  await new Promise((resolve) => setTimeout(resolve, 200)); // Simulate some time-consuming task
  return `Task ${taskId} is done!`;
}

/** Formats a list of strings the way Python prints one. */
const list = (values: string[]) => `[${values.map((v) => `'${v}'`).join(", ")}]`;

const startedAt = Date.now();
const log = (text: string) => console.log(`${stamp(startedAt)} ${text}`);

// Create a process pool with 3 worker processes (each keeps the start time as a global)
const pool = new Pool({
  processes: 3,
  initializer: (start: number) => {
    (globalThis as unknown as Clock).startedAt = start;
  },
  initargs: [startedAt],
});

// Example using map()
let tasks = [1, 2, 3, 4, 5];
const results = await pool.map(taskFunction, tasks, { chunksize: 1 });
log(list(results));

// Example using mapAsync()
tasks = [6, 7, 8, 9, 10];
const asyncResults = pool.mapAsync(taskFunction, tasks, { chunksize: 1 });
await asyncResults.wait(); // Wait for all tasks to complete
log(list(await asyncResults.get()));

// Example using applyAsync()
const result = pool.applyAsync(taskFunction, [11]);
log(await result.get());

// Close the pool and wait for all processes to finish
pool.close();
await pool.join();
