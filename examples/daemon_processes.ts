// Daemon Processes — a daemon process works in the background and is stopped when the main
// program ends: it never keeps the program alive.
//
// Python original (seed 001 "Daemon Processes"):
//
//   from multiprocessing import Process
//   import time
//
//   def background_task():
//       while True:
//           print("Background process running...")
//           time.sleep(1)
//
//   if __name__ == "__main__":
//       p = Process(target=background_task, daemon=True)
//       p.start()
//
//       time.sleep(3)
//       print("Main process exiting, daemon will be terminated")
//
// Run it: `node examples/daemon_processes.ts`, `deno run -A examples/daemon_processes.ts` or
// `bun examples/daemon_processes.ts`. The backend comes from the environment variable
// `POLYCORE_BACKEND`: `thread` (the default: the daemon is a worker thread, which ends with the
// program's process) or `process` (a child process of the same runtime, which polycore kills
// when the program exits), e.g. `POLYCORE_BACKEND=process node examples/daemon_processes.ts`.
//
// The seed's 1 s beat and 3 s wait are shrunk to 100 ms and 500 ms. The first line, which the
// seed does not print, says where the daemon runs: on the process backend it has a pid of its
// own, which is gone once the program has ended.
//
// @test-backends thread,process
import process from "node:process";
import { Process } from "../mod.ts";

const backend = process.env.POLYCORE_BACKEND ?? "thread";
if (backend !== "thread" && backend !== "process") {
  throw new RangeError(`POLYCORE_BACKEND must be "thread" or "process": received "${backend}"`);
}

/** Python's `background_task`: says it is running, every `beatMs`, forever. */
async function backgroundTask(beatMs: number): Promise<never> {
  while (true) {
    console.log("Background process running...");
    await new Promise((resolve) => setTimeout(resolve, beatMs));
  }
}

const p = new Process({ target: backgroundTask, args: [100], daemon: true, backend });
p.start();
console.log(`Daemon ${p.name} started on the ${backend} backend, PID: ${p.pid}`);

await new Promise((resolve) => setTimeout(resolve, 500));
console.log("Main process exiting, daemon will be terminated");
