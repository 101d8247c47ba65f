// Process Synchronization — four processes add to a shared counter, each increment guarded by
// a Lock.
//
// Python original (seed "Process Synchronization"):
//
//   from multiprocessing import Process, Lock, Value
//
//   def safe_increment(counter, lock):
//       for _ in range(10000):
//           with lock:
//               counter.value += 1
//
//   if __name__ == "__main__":
//       lock = Lock()
//       counter = Value('i', 0)
//       processes = [
//           Process(target=safe_increment, args=(counter, lock))
//           for _ in range(4)
//       ]
//       for p in processes:
//           p.start()
//       for p in processes:
//           p.join()
//       print(f"Counter: {counter.value}")  # 40000
//
// Run it: `node examples/lock_counter.ts`, `deno run -A examples/lock_counter.ts` or
// `bun examples/lock_counter.ts`.
//
// Inside a worker, blocking is fine: `lock.holdSync()` waits with Atomics.wait, like Python's
// `with lock:`. (On the main thread, prefer `using _ = await lock.hold()`, which leaves the event
// loop running while it waits.)
import { Lock, Process, Value } from "../mod.ts";

function safeIncrement(counter: Value<"i">, lock: Lock): void {
  for (let i = 0; i < 10000; i++) {
    using _ = lock.holdSync();
    counter.value += 1;
  }
}

async function runAll<A extends unknown[]>(processes: Process<A>[]): Promise<void> {
  for (const p of processes) p.start();
  for (const p of processes) await p.join();
  const failed = processes.find((p) => p.exitCode !== 0);
  if (failed) throw new Error(`${failed.name} failed`, { cause: failed.error });
}

const lock = new Lock();
const counter = new Value("i", 0);
await runAll(
  Array.from(
    { length: 4 },
    () => new Process({ target: safeIncrement, args: [counter, lock] }),
  ),
);
console.log(`Counter: ${counter.value}`); // 40000
