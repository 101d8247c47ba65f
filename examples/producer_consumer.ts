// Sharing Data with Queue — a producer puts items on a shared Queue, a consumer takes them until
// the sentinel; then a worker doubles what it is given (two seeds).
//
// Python originals (seed "Sharing Data with Queue", and seed "Data Flow with Queues"):
//
//   from multiprocessing import Process, Queue
//
//   def producer(q, items):
//       for item in items:
//           q.put(item)
//           print(f"Produced: {item}")
//       q.put(None)  # Sentinel
//
//   def consumer(q):
//       while True:
//           item = q.get()
//           if item is None:
//               break
//           print(f"Consumed: {item}")
//
//   if __name__ == "__main__":
//       q = Queue()
//       items = list(range(5))
//       p1 = Process(target=producer, args=(q, items))
//       p2 = Process(target=consumer, args=(q,))
//       p1.start()
//       p2.start()
//       p1.join()
//       p2.join()
//
//   def worker_logic(input_q, output_q):
//       while True:
//           item = input_q.get()
//           if item is None: break  # Sentinel value to exit
//           processed = item * 2
//           output_q.put(processed)
//
//   if __name__ == '__main__':
//       tasks = Queue()
//       results = Queue()
//       p = Process(target=worker_logic, args=(tasks, results))
//       p.start()
//       put(10)
//       put(None) # Signal termination
//       print(f'Received: {results.get()}')
//       p.join()
//
// Run it: `node examples/producer_consumer.ts`, `deno run -A examples/producer_consumer.ts` or
// `bun examples/producer_consumer.ts`.
//
// The Queue lives in shared memory: both workers get the same queue, and items go from one
// worker to the other without passing through the main thread. `null` is Python's `None`.
// `producer`, `consumer` and `workerLogic` are plain functions of this file, passed as they are:
// each keeps this file's imports in its worker, and no `if __name__ == "__main__":` guard is
// needed, as workers never run this file's top-level statements.
import { Process, Queue } from "../mod.ts";

/** Puts each item, then the sentinel (Python: `producer(q, items)`). */
async function producer(q: Queue<number | null>, items: number[]): Promise<void> {
  for (const item of items) {
    await q.put(item);
    console.log(`Produced: ${item}`);
  }
  await q.put(null); // Sentinel
}

/** Takes items until the sentinel (Python: `consumer(q)`). */
async function consumer(q: Queue<number | null>): Promise<void> {
  for (;;) {
    const item = await q.get();
    if (item === null) break;
    console.log(`Consumed: ${item}`);
  }
}

/** Doubles each item until the sentinel (Python: `worker_logic(input_q, output_q)`). */
async function workerLogic(
  inputQ: Queue<number | null>,
  outputQ: Queue<number>,
): Promise<void> {
  for (;;) {
    const item = await inputQ.get(); // Retrieve data from the shared queue
    if (item === null) break; // Sentinel value to exit
    await outputQ.put(item * 2);
  }
}

async function runAll<A extends unknown[]>(processes: Process<A>[]): Promise<void> {
  for (const p of processes) p.start();
  for (const p of processes) await p.join();
  const failed = processes.find((p) => p.exitCode !== 0);
  if (failed) throw new Error(`${failed.name} failed`, { cause: failed.error });
}

const q = new Queue<number | null>();
const items = [0, 1, 2, 3, 4];
await runAll<unknown[]>([
  new Process({ target: producer, args: [q, items] }),
  new Process({ target: consumer, args: [q] }),
]);

const taskQueue = new Queue<number | null>();
const results = new Queue<number>();
const p = new Process({ target: workerLogic, args: [taskQueue, results] });
p.start();
await taskQueue.put(10);
await taskQueue.put(null); // Signal termination
console.log(`Received: ${await results.get()}`);
await p.join();
if (p.exitCode !== 0) throw new Error(`${p.name} failed`, { cause: p.error });
