// Exception Propagation — an error raised by a task in a pool worker is raised again in the
// main program by `get()`, with its class and message.
//
// Python original (seed 002 "Exception Propagation"):
//
//   import multiprocessing
//
//   def child_process_task():
//       try:
//           result = 10 / 0            # Simulate an error by dividing by zero
//       except Exception as e:
//           raise e                    # Propagate the exception back to the parent process
//
//   if __name__ == "__main__":
//       pool = multiprocessing.Pool(processes=1)
//       async_result = pool.apply_async(child_process_task)
//       try:
//           # Get the result from the child process (this raises the exception if one occurred)
//           result = async_result.get()
//       except Exception as e:
//           print(f"Exception in child process: {e}")
//       ## Console Log:
//       # Exception in child process: division by zero
//       pool.close()
//       pool.join()
//
// Run it: `node examples/exception_propagation.ts`, `deno run -A examples/exception_propagation.ts`
// or `bun examples/exception_propagation.ts`.
//
// In JavaScript `10 / 0` is `Infinity`, not an error, so the task throws the error Python would
// raise. The error arrives as an instance of its own class (a RangeError here; a class of your
// own too, once registered with registerErrorClass), with its message and own properties, and
// with a RemoteError cause that tells which task failed in which worker and carries the
// worker's stack — Python's RemoteTraceback. In a map, the cause also names the failing item.
import { Pool, RemoteError } from "../mod.ts";

function childProcessTask(): number {
  const divide = (a: number, b: number) => {
    if (b === 0) throw new RangeError("division by zero");
    return a / b;
  };
  try {
    return divide(10, 0); // Simulate an error by dividing by zero
  } catch (e) {
    throw e; // Propagate the exception back to the parent process
  }
}

const pool = new Pool({ processes: 1 });
const asyncResult = pool.applyAsync(childProcessTask);
try {
  // Get the result from the child process (this throws the error if one occurred)
  const result = await asyncResult.get();
  console.log(`Result: ${result}`);
} catch (e) {
  console.log(`Exception in child process: ${(e as Error).message}`);
  console.log(`  class: ${(e as Error).constructor.name}`);
  const cause = (e as Error).cause;
  if (cause instanceof RemoteError) console.log(`  cause: ${cause.message}`);
}

// The same through map(): the error names the item that failed.
try {
  await pool.map((n: number) => {
    if (n === 0) throw new RangeError("division by zero");
    return 10 / n;
  }, [5, 2, 1, 0, 4]);
} catch (e) {
  console.log(`map failed: ${(e as Error).message}`);
  const cause = (e as Error).cause;
  if (cause instanceof RemoteError) console.log(`  cause: ${cause.message}`);
}

pool.close();
await pool.join();
