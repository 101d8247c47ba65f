// Handling Process Termination — stop a process gracefully with terminate() (SIGTERM), give it
// a moment to end, and kill() it (SIGKILL) if it is still alive.
//
// Python original (seed 001 "Handling Process Termination"):
//
//   from multiprocessing import Process
//   import time
//   import signal
//
//   def long_running_task():
//       try:
//           while True:
//               print("Working...")
//               time.sleep(1)
//       except KeyboardInterrupt:
//           print("Graceful shutdown")
//
//   if __name__ == "__main__":
//       p = Process(target=long_running_task)
//       p.start()
//
//       time.sleep(3)
//
//       # Graceful termination (SIGTERM)
//       p.terminate()
//       p.join(timeout=2)
//
//       # Force kill if still alive
//       if p.is_alive():
//           p.kill()
//           p.join()
//
//       print(f"Exit code: {p.exitcode}")
//
// Run it: `node examples/process_termination.ts`, `deno run -A examples/process_termination.ts`
// or `bun examples/process_termination.ts`. The backend comes from the environment variable
// `POLYCORE_BACKEND`: `thread` (the default: a worker thread) or `process` (a child process of
// the same runtime, which gets a real SIGTERM), e.g.
// `POLYCORE_BACKEND=process node examples/process_termination.ts`.
//
// The seed's 1 s beat and 3 s wait are shrunk to 100 ms and 500 ms. As in Python, the exit code
// is -15: terminated by SIGTERM. "Graceful shutdown" is not printed, in Python either:
// terminate() sends SIGTERM, which does not raise KeyboardInterrupt (that is SIGINT).
//
// @test-backends thread,process
import process from "node:process";
import { Process } from "../mod.ts";

const backend = process.env.POLYCORE_BACKEND ?? "thread";
if (backend !== "thread" && backend !== "process") {
  throw new RangeError(`POLYCORE_BACKEND must be "thread" or "process": received "${backend}"`);
}

/** Python's `long_running_task`: works, every `beatMs`, until it is stopped. */
async function longRunningTask(beatMs: number): Promise<never> {
  while (true) {
    console.log("Working...");
    await new Promise((resolve) => setTimeout(resolve, beatMs));
  }
}

const p = new Process({ target: longRunningTask, args: [100], backend });
p.start();

await new Promise((resolve) => setTimeout(resolve, 500));

// Graceful termination (SIGTERM)
p.terminate();
await p.join(2000);

// Force kill if still alive
if (p.isAlive()) {
  p.kill();
  await p.join();
}

console.log(`Exit code: ${p.exitCode}`);
