// Pool Methods — map, starmap, apply_async and map_async on one pool.
//
// Python original (seed 001 "Pool Methods"):
//
//   from multiprocessing import Pool
//
//   def square(x):
//       return x * x
//
//   def add(a, b):
//       return a + b
//
//   if __name__ == "__main__":
//       with Pool(4) as pool:
//           results = pool.map(square, range(10))         # map - apply function to iterable
//           print(f"map: {results}")
//           pairs = [(1, 2), (3, 4), (5, 6)]
//           results = pool.starmap(add, pairs)            # starmap - unpack arguments
//           print(f"starmap: {results}")
//           result = pool.apply_async(square, (10,))      # apply_async - non-blocking single call
//           print(f"apply_async: {result.get()}")
//           result = pool.map_async(square, range(5))     # map_async - non-blocking map
//           print(f"map_async: {result.get()}")
//
// Run it: `node examples/pool_methods.ts`, `deno run -A examples/pool_methods.ts` or
// `bun examples/pool_methods.ts`. It prints what the Python program prints.
//
// Python's `range(10)` is any iterable here: an array, a Set, a generator or an async
// generator. Blocking calls are `await`ed; `applyAsync` and `mapAsync` return an AsyncResult at
// once, and its `get()` waits for the value (it is also awaitable itself).
import { Pool } from "../mod.ts";

function square(x: number): number {
  return x * x;
}

function add(a: number, b: number): number {
  return a + b;
}

/** Python's `range(n)`, lazily. */
function* range(n: number): Generator<number> {
  for (let i = 0; i < n; i++) yield i;
}

/** Formats a list the way Python prints one. */
const list = (values: unknown[]) => `[${values.join(", ")}]`;

await using pool = new Pool(4);

// map - apply function to iterable
let results = await pool.map(square, range(10));
console.log(`map: ${list(results)}`);

// starmap - unpack arguments from iterable
const pairs: [number, number][] = [[1, 2], [3, 4], [5, 6]];
results = await pool.starmap(add, pairs);
console.log(`starmap: ${list(results)}`);

// applyAsync - non-blocking single call
const result = pool.applyAsync(square, [10]);
console.log(`apply_async: ${await result.get()}`);

// mapAsync - non-blocking map
const many = pool.mapAsync(square, range(5));
console.log(`map_async: ${list(await many.get())}`);
