/**
 * Suite "seeds": the seeds' `multiprocessing` workloads on polycore, row for row the same as the
 * CPython scripts in bench/python/ (same names, same sizes, same units), so `polycore bench`
 * shows CPython in its own column. CPython's workers are processes; a polycore *thread* is what
 * a Python process is (its own heap, true parallelism), so the CPython figures sit in the rows of
 * polycore's default backend, and the `(process backend)` rows are polycore's child processes.
 *
 * - Pool(2): start, 2 tiny tasks, terminate — `new Pool(2)`, `map(tiny, [1, 2], { chunksize: 1 })`,
 *   `terminate()`; ms.
 * - `cpu_intensive(10**6)` × 4 (seed 001's sum of squares): one after another on the main thread,
 *   and `Pool(2).map` on a running pool; the speedup row is their per-round ratio.
 * - the same at n = 3·10**7 (CPython's 10**6 weight: JavaScript runs the loop ~50× faster),
 *   in pairs (bench/_seeds_cpu.ts): sequential, two raw `node:worker_threads` with two calls each
 *   (the ceiling), with the process backend two raw `node:child_process` children the same way
 *   (the processes' ceiling), Pool(2).map per backend; speedup and pool ÷ raw rows: per-sample
 *   ratio medians.
 * - raw `node:worker_threads`: 2 workers started, one message each, terminated; ms. The ratio row
 *   is polycore's Pool(2) start ÷ that (threads).
 * - sequential `await pool.apply(add, [i, 1])` on a running Pool(2), 200 per sample, µs per call;
 *   on Node next to piscina's `run()` on 2 threads, with the ratio row polycore ÷ piscina.
 * - `Pool(2).map(tiny, range(10**6))` with the automatic chunksize; items/s.
 * - locked counter: 4 long-lived workers each do 10⁵ `counter.value += 1` under
 *   `counter.getLock()` (`acquireSync()`, as Python's `with` blocks), between barriers; ops/s.
 *   Threads only: a Value lives in shared memory.
 * - Queue: a producer worker puts 10⁵ ints (`putSync`), a consumer worker gets them (`getSync`),
 *   between barriers; items/s. Threads only (a process-backend queue goes through a Manager).
 * - Pipe ping-pong: the main thread sends a number, a worker echoes it; every round trip of 500 per
 *   sample timed, rows p50 and p99 in µs. The process backend uses `manager.Pipe()`.
 * - Manager dict writes: 4 workers of a running pool each write 2,000 keys through a
 *   `manager.dict()` proxy, all at once; ops/s. The manager runs on the pool's backend.
 *
 * Run: `node bench/seeds_bench.ts`, `deno run -A bench/seeds_bench.ts`, `bun bench/seeds_bench.ts`
 * (flags: `--quick`, `--json <file>`, `--backends thread,process`), or
 * `npm run bench -- seeds` (which also runs the CPython scripts).
 *
 * @module
 */
import process from "node:process";
import {
  Barrier,
  type Connection,
  type DictProxy,
  Event,
  fromModule,
  Manager,
  Pipe,
  Pool,
  Process,
  Queue,
  Value,
} from "../mod.ts";
import { roundTrips, type Running, startPairs } from "./_seeds_baselines.ts";
import { cpuPairs } from "./_seeds_cpu.ts";
import { names, on, pairNames } from "./_seeds_names.ts";
import {
  type Backend,
  type BenchRow,
  type BenchTask,
  measureSuite,
  percentile,
  reportSuite,
  roundsOf,
  selectedBackends,
} from "./_harness.ts";

const suite = "seeds";
const numbers = [1e6, 1e6, 1e6, 1e6];
const mapItems = 1_000_000;
const lockWorkers = 4;
const increments = 100_000;
const queueItems = 100_000;
const pings = 500;
const managerWorkers = 4;
const writes = 2_000;

const syncTasks = fromModule<typeof import("./fixtures/sync_tasks.ts")>(
  new URL("./fixtures/sync_tasks.ts", import.meta.url),
);
const writer = fromModule<typeof import("./fixtures/manager_writer.ts")>(
  new URL("./fixtures/manager_writer.ts", import.meta.url),
);

/** Seed 001's `cpu_intensive(n)`: the sum of i * i for i < n. */
function cpuIntensive(n: number): number {
  let total = 0;
  for (let i = 0; i < n; i++) total += i * i;
  return total;
}
const tiny = (x: number) => x + 1;
const double = (x: number) => x * 2;
/** JavaScript runs cpu_intensive ~50× faster than CPython: this n gives CPython's 10**6 weight. */
const bigNumbers = [3e7, 3e7, 3e7, 3e7];

/** `Pool(2)`: start, a tiny task on each worker (`chunksize` 1), terminate. */
async function startPool(backend: Backend): Promise<number[]> {
  const pool = new Pool({ processes: 2, backend });
  const result = await pool.map(tiny, [1, 2], { chunksize: 1 });
  await pool.terminate();
  if (result[0] + result[1] !== 5) throw new Error(`wrong result ${result}`);
  return result;
}

/** The start row: on threads in pairs with raw worker_threads (see `startPairs`). */
function poolStart(backend: Backend): Running {
  if (backend === "thread") return startPairs(names, () => startPool(backend));
  return {
    tasks: [{ name: on(names.start, backend), fn: () => startPool(backend) }],
    stop: async () => {},
  };
}

/** Checks `cpu_intensive` over `inputs` against the sums computed here once. */
function sumsChecker(inputs: readonly number[]): (results: number[]) => number[] {
  const expected = inputs.map(cpuIntensive);
  return (results) => {
    if (results.some((r, i) => r !== expected[i])) throw new Error(`wrong sums ${results}`);
    return results;
  };
}
const checkCpu = sumsChecker(numbers);
const checkBig = sumsChecker(bigNumbers);
const sequential: BenchTask = {
  name: names.sequential,
  fn: () => checkCpu(numbers.map(cpuIntensive)),
};

async function pools(backend: Backend): Promise<Running> {
  const pool = new Pool({ processes: 2, backend });
  await pool.map(tiny, [1, 2], { chunksize: 1 });
  const items = Array.from({ length: mapItems }, (_, i) => i);
  const expected = mapItems * (mapItems - 1);
  let doubled: number[] = [];
  return {
    tasks: [
      {
        name: on(names.cpu, backend),
        fn: async () => checkCpu(await pool.map(cpuIntensive, numbers)),
      },
      {
        name: on(names.map, backend),
        unit: "items/s",
        opsPerSample: mapItems,
        fn: async () => (doubled = await pool.map(double, items)),
        // Checked untimed, as CPython's tiny_map.py sums its result outside the timing.
        afterEach: () => {
          let sum = 0;
          for (const d of doubled) sum += d;
          if (sum !== expected) throw new Error(`wrong sum ${sum}`);
        },
      },
    ],
    ratios: [{
      name: on(names.speedup, backend),
      numerator: names.sequential,
      denominator: on(names.cpu, backend),
    }],
    stop: () => pool.terminate(),
  };
}

function lockedCounter(): Running {
  const start = new Barrier(lockWorkers + 1);
  const done = new Barrier(lockWorkers + 1);
  const stop = new Event();
  const counter = new Value("i", 0);
  const workers = Array.from({ length: lockWorkers }, () =>
    new Process({
      target: syncTasks.contend,
      args: [start, done, stop, counter, counter.getLock(), increments, true],
    }));
  for (const p of workers) p.start();
  return {
    tasks: [{
      name: names.lock,
      unit: "ops/s",
      opsPerSample: lockWorkers * increments,
      fn: async () => {
        const before = counter.value;
        await start.wait();
        await done.wait();
        if (counter.value - before !== lockWorkers * increments) {
          throw new Error(`lost increments: ${counter.value - before}`);
        }
        return counter.value;
      },
    }],
    stop: async () => {
      stop.set();
      await start.wait();
      await Promise.all(workers.map((p) => p.join()));
    },
  };
}

/** Puts or gets `n` ints per round, between barriers, until `stop` is set (worker). */
function queueSide(
  role: "producer" | "consumer",
  q: Queue<number>,
  start: Barrier,
  done: Barrier,
  stop: Event,
  n: number,
): void {
  for (;;) {
    start.waitSync();
    if (stop.isSet()) return;
    if (role === "producer") {
      for (let i = 0; i < n; i++) q.putSync(i);
    } else {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += q.getSync();
      if (sum !== n * (n - 1) / 2) throw new Error(`lost items: sum ${sum}`);
    }
    done.waitSync();
  }
}

function queueThroughput(): Running {
  const q = new Queue<number>();
  const start = new Barrier(3);
  const done = new Barrier(3);
  const stop = new Event();
  const workers = (["producer", "consumer"] as const).map((role) =>
    new Process({ target: queueSide, args: [role, q, start, done, stop, queueItems] })
  );
  for (const p of workers) p.start();
  return {
    tasks: [{
      name: names.queue,
      unit: "items/s",
      opsPerSample: queueItems,
      fn: async () => {
        await start.wait();
        await done.wait();
        return q.qsize();
      },
    }],
    stop: async () => {
      stop.set();
      await start.wait();
      await Promise.all(workers.map((p) => p.join()));
    },
  };
}

/** The end of a pipe the main thread uses: `Connection` or a `manager.Pipe()` end. */
interface Sender {
  send(n: number): unknown;
  recv(): Promise<number>;
}

/** Sends back each number until a negative one (worker). */
async function echo(conn: Sender): Promise<void> {
  for (;;) {
    const n = await conn.recv();
    await conn.send(n);
    if (n < 0) return;
  }
}

async function pipePingPong(backend: Backend, manager?: Manager): Promise<Running> {
  const [here, there]: [Sender, Sender] = manager
    ? await manager.Pipe<number>()
    : Pipe<number>() as [Connection<number>, Connection<number>];
  const p = new Process({ target: echo, args: [there], backend });
  p.start();
  const batches: number[][] = [];
  const name = on(names.p50, backend);
  return {
    tasks: [{
      name,
      unit: "µs",
      opsPerSample: pings,
      fn: async () => {
        const times: number[] = [];
        for (let i = 0; i < pings; i++) {
          const t0 = performance.now();
          await here.send(i);
          if (await here.recv() !== i) throw new Error("out of order");
          times.push((performance.now() - t0) * 1000);
        }
        batches.push(times);
        return times.length;
      },
    }],
    rows: () => {
      // The first batch is tinybench's warmup.
      const measured = batches.length > 1 ? batches.slice(1) : batches;
      const every = measured.flat();
      return ([[names.p50, 0.5], [names.p99, 0.99]] as const).map(([label, q]) => {
        const perBatch = measured.map((b) => percentile(b, q));
        return {
          suite,
          name: on(label, backend),
          runtime: "",
          unit: "µs",
          median: percentile(every, q),
          min: Math.min(...perBatch),
          max: Math.max(...perBatch),
          samples: every.length,
        };
      });
    },
    stop: async () => {
      await here.send(-1);
      await here.recv();
      await p.join();
    },
  };
}

async function managerWrites(backend: Backend, manager: Manager): Promise<Running> {
  const shared = await manager.dict<string, number>();
  const pool = new Pool({ processes: managerWorkers, backend });
  type Args = [DictProxy<string, number>, number, number];
  const warm = Array.from({ length: managerWorkers }, (): Args => [shared, -1, 10]);
  await pool.starmap(writer.writeMany, warm, { chunksize: 1 });
  return {
    tasks: [{
      name: on(names.manager, backend),
      unit: "ops/s",
      opsPerSample: managerWorkers * writes,
      fn: async () => {
        const args = Array.from({ length: managerWorkers }, (_, id): Args => [shared, id, writes]);
        const done = await pool.starmap(writer.writeMany, args, { chunksize: 1 });
        if (done.reduce((a, b) => a + b, 0) !== managerWorkers * writes) throw new Error("lost");
        return done;
      },
    }],
    stop: () => pool.terminate(),
  };
}

const seedRounds = 5;
const running: Running[] = [];
const managers: Manager[] = [];
try {
  for (const backend of selectedBackends()) {
    const manager = await Manager.start({ backend });
    managers.push(manager);
    running.push(poolStart(backend), await pools(backend));
    if (backend === "thread") {
      running.push(await roundTrips(names), lockedCounter(), queueThroughput());
    }
    running.push(
      await pipePingPong(backend, backend === "process" ? manager : undefined),
      await managerWrites(backend, manager),
    );
  }
  running.push(await cpuPairs(pairNames, selectedBackends(), cpuIntensive, bigNumbers, checkBig));
  const tasks = [sequential, ...running.flatMap((r) => r.tasks)];
  const ratios = running.flatMap((r) => r.ratios ?? []);
  // 5 rounds: the ratio rows of tasks are medians of per-round ratios, which swing by ±10% on a
  // 2-vCPU VM (3 rounds let one or two bad rounds decide).
  const measured = await measureSuite(suite, tasks, { ratios, rounds: seedRounds, timeMs: 300 });
  const replacements = new Map<string, BenchRow[]>();
  for (const r of running) if (r.rows) replacements.set(r.tasks[0].name, r.rows());
  const rows = measured.flatMap((row) =>
    replacements.get(row.name)?.map((r) => ({ ...r, runtime: row.runtime })) ?? [row]
  );
  reportSuite(suite, rows, `${roundsOf({ rounds: seedRounds }).rounds} rounds`);
} finally {
  for (const r of running) await r.stop();
  for (const m of managers) await m.shutdown();
}
process.exit(0);
