// Shared Memory with Value and Array — four processes add to a shared counter under its lock,
// and one doubles a shared array in place.
//
// Python original (seed "Shared Memory with Value and Array"):
//
//   from multiprocessing import Process, Value, Array
//
//   def increment(counter, lock_needed=True):
//       for _ in range(10000):
//           with counter.get_lock():
//               counter.value += 1
//
//   def modify_array(arr):
//       for i in range(len(arr)):
//           arr[i] = arr[i] * 2
//
//   if __name__ == "__main__":
//       counter = Value('i', 0)  # 'i' = signed int
//       processes = [Process(target=increment, args=(counter,)) for _ in range(4)]
//       for p in processes:
//           p.start()
//       for p in processes:
//           p.join()
//       print(f"Counter: {counter.value}")  # 40000
//
//       arr = Array('d', [1.0, 2.0, 3.0, 4.0])  # 'd' = double
//       p = Process(target=modify_array, args=(arr,))
//       p.start()
//       p.join()
//       print(f"Array: {list(arr)}")  # [2.0, 4.0, 6.0, 8.0]
//
// Run it: `node examples/shared_value.ts`, `deno run -A examples/shared_value.ts` or
// `bun examples/shared_value.ts`.
//
// `Value` and `SharedArray` (Python's `Array`, renamed so as not to hide JS's `Array`) live in a
// SharedArrayBuffer: each worker gets the same memory, not a copy. `using _ = ...hold()` is
// Python's `with counter.get_lock():`. The targets are plain functions of this file; the handles
// arrive as their arguments.
import { Process, SharedArray, Value } from "../mod.ts";

async function increment(counter: Value<"i">): Promise<void> {
  for (let i = 0; i < 10000; i++) {
    using _ = await counter.getLock().hold();
    counter.value += 1;
  }
}

function modifyArray(arr: SharedArray<"d">): void {
  for (let i = 0; i < arr.length; i++) arr.set(i, arr.get(i) * 2);
}

async function runAll<A extends unknown[]>(processes: Process<A>[]): Promise<void> {
  for (const p of processes) p.start();
  for (const p of processes) await p.join();
  const failed = processes.find((p) => p.exitCode !== 0);
  if (failed) throw new Error(`${failed.name} failed`, { cause: failed.error });
}

const counter = new Value("i", 0); // 'i' = signed int
await runAll(
  Array.from({ length: 4 }, () => new Process({ target: increment, args: [counter] })),
);
console.log(`Counter: ${counter.value}`); // 40000

const arr = new SharedArray("d", [1.0, 2.0, 3.0, 4.0]); // 'd' = double
await runAll([new Process({ target: modifyArray, args: [arr] })]);
console.log(`Array: [${arr.toArray().map((x) => x.toFixed(1)).join(", ")}]`); // [2.0, 4.0, 6.0, 8.0]
