// Creating Processes — four processes print who they are; the main program joins them.
//
// Python original (seed "Creating Processes"):
//
//   from multiprocessing import Process
//   import os
//
//   def worker(name):
//       print(f"Worker {name}, PID: {os.getpid()}")
//
//   if __name__ == "__main__":
//       processes = []
//       for i in range(4):
//           p = Process(target=worker, args=(i,))
//           processes.append(p)
//           p.start()
//       for p in processes:
//           p.join()
//       print(f"Main process PID: {os.getpid()}")
//
// Run it: `node examples/creating_processes.ts`, `deno run -A examples/creating_processes.ts`
// or `bun examples/creating_processes.ts`.
//
// polycore's default backend runs each Process on a worker thread, and threads share the
// program's OS pid: so each worker also prints its process name and its thread id, which do
// differ. `worker` uses this file's import of currentProcess(): a function keeps its module's
// imports and top-level declarations in the worker, and the worker never runs this file's
// top-level statements, so no `if __name__ == "__main__":` guard is needed.
import { currentProcess, Process } from "../mod.ts";

/** Prints which worker this is (Python: `worker(name)`). */
function worker(name: number): void {
  const me = currentProcess();
  console.log(`Worker ${name} (${me.name}), PID: ${me.pid}, thread: ${me.threadId}`);
}

const processes: Process<[number]>[] = [];
for (let i = 0; i < 4; i++) {
  const p = new Process({ target: worker, args: [i] });
  processes.push(p);
  p.start();
}
for (const p of processes) await p.join();
const failed = processes.filter((p) => p.exitCode !== 0);
if (failed.length > 0) {
  throw new Error(`${failed.map((p) => p.name).join(", ")} failed`, { cause: failed[0].error });
}
const me = currentProcess();
console.log(`Main process PID: ${me.pid}, thread: ${me.threadId}`);
