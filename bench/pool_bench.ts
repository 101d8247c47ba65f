/**
 * Suite "pool": dispatch cost and CPU-bound speedup, polycore's Pool next to
 * piscina and tinypool (Node only: they are Node libraries), all with 2 workers.
 *
 * - tiny tasks one by one: `Promise.all` of 20,000 `apply((a, b) => a + b)` per sample
 *   (piscina/tinypool: `run({ a, b })`); reported as µs per task (1e6 / value = tasks/s).
 * - map of 1e6 tiny items with the automatic chunksize; µs per 1,000 items.
 * - sequential round trip: `await apply(...)` one after another, µs per call.
 * - CPU-bound: 4 × sum of squares below N on 2 workers vs the same 4 on the main thread;
 *   the ratio row is the speedup (sequential ÷ pool; 2.0 is perfect on 2 cores).
 * - pool ready: construct a 2-worker pool and await one task on each worker, then terminate.
 *
 * The same on a pool of child processes (`backend: "process"`; skipped with
 * `--backends thread`), the "(process)" rows: tiny tasks (5,000 per sample: each batch is an
 * IPC message) next to tinypool's `runtime: "child_process"` on Node, the sequential IPC round
 * trip, the CPU-bound speedup, and the pool start.
 *
 * Run: `npm run bench -- pool` (all runtimes) or `node bench/pool_bench.ts [--quick]`.
 *
 * @module
 */
import process from "node:process";
import { Pool, runtime } from "../mod.ts";
import { type BenchRatio, type BenchTask, runSuite, selectedBackends } from "./_harness.ts";

const workers = 2;
const tinyTasks = 20_000;
const mapItems = 1_000_000;
const roundTrips = 500;
const squaresTo = 50_000_000;

const add = (a: number, b: number) => a + b;
function sumSquares(n: number): number {
  let total = 0;
  for (let i = 0; i < n; i++) total += i * i;
  return total;
}

const tinyProcessTasks = 5_000;
const processRoundTrips = 200;

const pool = new Pool(workers);
const withProcesses = selectedBackends().includes("process");
const processPool = withProcesses
  ? new Pool({ processes: workers, backend: "process" })
  : undefined;
const items = Array.from({ length: mapItems }, (_, i) => i);

interface Peer {
  readonly name: string;
  run(task: unknown): Promise<unknown>;
  close(): Promise<unknown>;
}

async function peers(): Promise<{ make: (file: string) => Promise<Peer>; name: string }[]> {
  if (runtime.name !== "node") return [];
  const { Piscina } = await import("piscina");
  const { Tinypool } = await import("tinypool");
  const url = (file: string) => new URL(`./fixtures/${file}`, import.meta.url).href;
  return [
    {
      name: "piscina",
      make: (file) => {
        const p = new Piscina({ filename: url(file), minThreads: workers, maxThreads: workers });
        return Promise.resolve({ name: "piscina", run: (t) => p.run(t), close: () => p.destroy() });
      },
    },
    {
      name: "tinypool",
      make: (file) => {
        const p = new Tinypool({ filename: url(file), minThreads: workers, maxThreads: workers });
        return Promise.resolve({
          name: "tinypool",
          run: (t) => p.run(t),
          close: () => p.destroy(),
        });
      },
    },
  ];
}

const peerList = await peers();
const peerPools = await Promise.all(peerList.map((p) => p.make("add_worker.mjs")));
const peerCpu = await Promise.all(peerList.map((p) => p.make("sum_squares_worker.mjs")));

/** tinypool on child processes (Node only), for the process rows. */
async function tinypoolChildProcess(): Promise<Peer | undefined> {
  if (runtime.name !== "node" || !withProcesses) return undefined;
  const { Tinypool } = await import("tinypool");
  const p = new Tinypool({
    filename: new URL("./fixtures/add_worker.mjs", import.meta.url).href,
    runtime: "child_process",
    minThreads: workers,
    maxThreads: workers,
  });
  return { name: "tinypool child_process", run: (t) => p.run(t), close: () => p.destroy() };
}
const childPeer = await tinypoolChildProcess();

/** The process-backend rows. */
function processTasks(procs: Pool): BenchTask[] {
  return [
    {
      name: "polycore (process): tiny tasks, Promise.all of apply",
      unit: "µs",
      opsPerSample: tinyProcessTasks,
      fn: () =>
        Promise.all(Array.from({ length: tinyProcessTasks }, (_, i) => procs.apply(add, [i, 1]))),
    },
    ...(childPeer
      ? [{
        name: "tinypool child_process: tiny tasks, Promise.all of run",
        unit: "µs" as const,
        opsPerSample: tinyProcessTasks,
        fn: () =>
          Promise.all(
            Array.from({ length: tinyProcessTasks }, (_, i) => childPeer.run({ a: i, b: 1 })),
          ),
      }]
      : []),
    {
      name: "polycore (process): sequential apply round trip (IPC)",
      unit: "µs",
      opsPerSample: processRoundTrips,
      fn: async () => {
        let total = 0;
        for (let i = 0; i < processRoundTrips; i++) total += await procs.apply(add, [i, 1]);
        return total;
      },
    },
    ...(childPeer
      ? [{
        name: "tinypool child_process: sequential run round trip",
        unit: "µs" as const,
        opsPerSample: processRoundTrips,
        fn: async () => {
          let total = 0;
          for (let i = 0; i < processRoundTrips; i++) {
            total += await childPeer.run({ a: i, b: 1 }) as number;
          }
          return total;
        },
      }]
      : []),
    {
      name: "polycore (process): 4 × sum of squares, Pool(2).map",
      fn: () =>
        procs.map(sumSquares, [squaresTo, squaresTo, squaresTo, squaresTo], { chunksize: 1 }),
    },
    {
      name: "polycore (process): Pool(2) ready (a task on each worker)",
      fn: async () => {
        const fresh = new Pool({ processes: workers, backend: "process" });
        await Promise.all([fresh.apply(add, [1, 2]), fresh.apply(add, [3, 4])]);
        await fresh.terminate();
      },
    },
  ];
}

const tasks: BenchTask[] = [
  {
    name: "polycore: tiny tasks, Promise.all of apply",
    unit: "µs",
    opsPerSample: tinyTasks,
    fn: () => Promise.all(Array.from({ length: tinyTasks }, (_, i) => pool.apply(add, [i, 1]))),
  },
  ...peerPools.map((peer): BenchTask => ({
    name: `${peer.name}: tiny tasks, Promise.all of run`,
    unit: "µs",
    opsPerSample: tinyTasks,
    fn: () => Promise.all(Array.from({ length: tinyTasks }, (_, i) => peer.run({ a: i, b: 1 }))),
  })),
  {
    name: "polycore: map of 1e6 tiny items (per 1,000 items)",
    unit: "µs",
    opsPerSample: mapItems / 1000,
    fn: () => pool.map((n: number) => n * 2, items),
  },
  {
    name: "polycore: sequential apply round trip",
    unit: "µs",
    opsPerSample: roundTrips,
    fn: async () => {
      let total = 0;
      for (let i = 0; i < roundTrips; i++) total += await pool.apply(add, [i, 1]);
      return total;
    },
  },
  ...peerPools.map((peer): BenchTask => ({
    name: `${peer.name}: sequential run round trip`,
    unit: "µs",
    opsPerSample: roundTrips,
    fn: async () => {
      let total = 0;
      for (let i = 0; i < roundTrips; i++) total += await peer.run({ a: i, b: 1 }) as number;
      return total;
    },
  })),
  {
    name: "sequential: 4 × sum of squares on the main thread",
    fn: () => [1, 2, 3, 4].map(() => sumSquares(squaresTo)),
  },
  {
    name: "polycore: 4 × sum of squares, Pool(2).map",
    fn: () => pool.map(sumSquares, [squaresTo, squaresTo, squaresTo, squaresTo], { chunksize: 1 }),
  },
  ...peerCpu.map((peer): BenchTask => ({
    name: `${peer.name}: 4 × sum of squares, 2 threads`,
    fn: () => Promise.all([1, 2, 3, 4].map(() => peer.run(squaresTo))),
  })),
  {
    name: "polycore: Pool(2) ready (a task on each worker)",
    fn: async () => {
      const fresh = new Pool(workers);
      await Promise.all([fresh.apply(add, [1, 2]), fresh.apply(add, [3, 4])]);
      await fresh.terminate();
    },
  },
  ...peerList.map((peer): BenchTask => ({
    name: `${peer.name}: 2 threads ready (a task on each)`,
    fn: async () => {
      const fresh = await peer.make("add_worker.mjs");
      await Promise.all([fresh.run({ a: 1, b: 2 }), fresh.run({ a: 3, b: 4 })]);
      await fresh.close();
    },
  })),
];

if (processPool) tasks.push(...processTasks(processPool));

const ratios: BenchRatio[] = [
  {
    name: "CPU-bound speedup: sequential ÷ polycore Pool(2)",
    numerator: "sequential: 4 × sum of squares on the main thread",
    denominator: "polycore: 4 × sum of squares, Pool(2).map",
  },
  ...(processPool
    ? [{
      name: "CPU-bound speedup: sequential ÷ polycore (process) Pool(2)",
      numerator: "sequential: 4 × sum of squares on the main thread",
      denominator: "polycore (process): 4 × sum of squares, Pool(2).map",
    }]
    : []),
  ...(childPeer
    ? [{
      name: "tiny tasks: tinypool child_process ÷ polycore (process) (× faster)",
      numerator: "tinypool child_process: tiny tasks, Promise.all of run",
      denominator: "polycore (process): tiny tasks, Promise.all of apply",
    }]
    : []),
  ...peerPools.map((peer) => ({
    name: `tiny tasks: ${peer.name} ÷ polycore (× faster)`,
    numerator: `${peer.name}: tiny tasks, Promise.all of run`,
    denominator: "polycore: tiny tasks, Promise.all of apply",
  })),
];

await runSuite("pool", tasks, { ratios, rounds: 3, timeMs: 300 });
await pool.terminate();
await processPool?.terminate();
await Promise.all(
  [...peerPools, ...peerCpu, ...(childPeer ? [childPeer] : [])].map((p) => p.close()),
);
process.exit(0);
