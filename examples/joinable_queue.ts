// A work queue — workers take tasks from a shared queue, print under a shared lock, and stop at
// a poison pill; the main program waits until every task is done.
//
// Python original (seed "Python Multiprocessing Example", worker_function; time.sleep(0.1)
// shortened to 10 ms):
//
//   def worker_function(name, shared_queue, lock):
//       process_id = os.getpid()
//       while True:
//           try:
//               item = shared_queue.get(timeout=1)
//               if item is None:  # Poison pill to terminate the worker
//                   break
//               time.sleep(0.1)
//               with lock:
//                   print(f"Process {name} (PID: {process_id}) processed: {item}")
//           except:
//               break
//
//   def main():
//       task_queue = multiprocessing.Queue()
//       print_lock = multiprocessing.Lock()
//       for i in range(20):
//           task_queue.put(f"Task-{i}")
//       processes = []
//       num_workers = multiprocessing.cpu_count()
//       for i in range(num_workers):
//           p = multiprocessing.Process(
//               target=worker_function,
//               args=(f"Worker-{i}", task_queue, print_lock)
//           )
//           p.start()
//           processes.append(p)
//       task_queue.join()
//       for _ in range(num_workers):
//           task_queue.put(None)
//       for p in processes:
//           p.join()
//       print("All tasks have been finished!")
//
// Run it: `node examples/joinable_queue.ts`, `deno run -A examples/joinable_queue.ts` or
// `bun examples/joinable_queue.ts`.
//
// In Python, `task_queue.join()` needs a `JoinableQueue` (a plain `Queue` has no `join()`), and
// the workers must call `task_done()` for each item they take, else `join()` waits forever: so
// here the queue is a JoinableQueue and the worker marks each task done. `get({ timeoutMs })`
// is `get(timeout=1)`: it throws QueueEmptyError when nothing comes, which ends the loop as the
// bare `except:` does.
import { cpuCount, currentProcess, JoinableQueue, Lock, Process } from "../mod.ts";

/** Processes tasks until a poison pill (Python: `worker_function(name, shared_queue, lock)`). */
async function workerFunction(
  name: string,
  sharedQueue: JoinableQueue<string | null>,
  lock: Lock,
): Promise<void> {
  const processId = currentProcess().pid;
  for (;;) {
    let item: string | null;
    try {
      item = await sharedQueue.get({ timeoutMs: 1000 }); // Retrieve item with a timeout
    } catch {
      break;
    }
    try {
      if (item === null) break; // Poison pill to terminate the worker
      await new Promise((resolve) => setTimeout(resolve, 10)); // Simulate processing
      using _ = await lock.hold(); // Print under the lock
      console.log(`Process ${name} (PID: ${processId}) processed: ${item}`);
    } finally {
      sharedQueue.taskDone();
    }
  }
}

const taskQueue = new JoinableQueue<string | null>();
const printLock = new Lock();
for (let i = 0; i < 20; i++) await taskQueue.put(`Task-${i}`); // Enqueue tasks

const processes: Process<[string, JoinableQueue<string | null>, Lock]>[] = [];
const numWorkers = cpuCount();
for (let i = 0; i < numWorkers; i++) {
  const p = new Process({
    target: workerFunction,
    args: [`Worker-${i}`, taskQueue, printLock],
  });
  p.start();
  processes.push(p);
}

await taskQueue.join(); // Wait for all tasks to be completed
for (let i = 0; i < numWorkers; i++) await taskQueue.put(null); // Poison pills
for (const p of processes) await p.join();
const failed = processes.find((p) => p.exitCode !== 0);
if (failed) throw new Error(`${failed.name} failed`, { cause: failed.error });
console.log("All tasks have been finished!");
