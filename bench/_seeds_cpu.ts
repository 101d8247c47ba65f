/**
 * The seeds suite's CPU-bound speedup at 3·10**7 (bench/seeds_bench.ts), measured in pairs: each
 * sample runs the four calls one after another on the main thread, then on two raw
 * `node:worker_threads` given two calls each in one message (no library: the most two workers
 * can get out of this machine), then, when the process backend is measured, on two raw
 * `node:child_process` children the same way (the most two processes can get: their messages
 * cross a socket), then with `Pool(2).map` on each backend, in an order that turns
 * from sample to sample. The speedup rows are medians of the per-sample ratios: all of a sample's
 * runs see the same moment of a shared machine, where ratios of medians taken a round apart
 * swung by ±10% (one round's ratio ranged from 1.47 to 2.09 in a full run).
 *
 * @module
 */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { Pool } from "../mod.ts";
import type { Running } from "./_seeds_baselines.ts";
import { type Backend, ratioRow, valuesRow } from "./_harness.ts";

/**
 * Samples one call of the pairs' task takes. The harness calls a task 5 times a round for 5
 * rounds, and 3 more times to warm up: 28 samples, whose median ratio moved by up to 2.5% from
 * one full run to the next on this 2-vCPU VM, about as far as a pool lies below the ceiling.
 * Three per call make 84 samples (and ~20 s more per runtime).
 */
const samplesPerCall = 3;

/** The row names of {@linkcode cpuPairs}. */
export interface CpuPairNames {
  /** The four calls on the main thread (ms). */
  readonly sequential: string;
  /** Two raw workers, two calls each (ms). */
  readonly raw: string;
  /** sequential ÷ raw (×): the ceiling a pool of two can reach here. */
  readonly ceiling: string;
  /** Two raw child processes, two calls each (ms). */
  readonly rawChildren: string;
  /** sequential ÷ raw children (×): the ceiling a pool of two processes can reach here. */
  readonly childCeiling: string;
  /** `Pool(2).map` on processes ÷ raw children (×): what the process pool costs over them. */
  readonly childFloor: string;
  /** `Pool(2).map` on `backend` (ms). */
  pool(backend: Backend): string;
  /** sequential ÷ `Pool(2).map` on `backend` (×). */
  speedup(backend: Backend): string;
  /** `Pool(2).map` on `backend` ÷ raw (×): what the pool costs over the raw pair, sample by sample. */
  floor(backend: Backend): string;
}

/** Two raw workers or children, each sent its half of the calls in one message. */
interface RawPair {
  run(inputs: readonly number[]): Promise<number[]>;
  stop(): Promise<void>;
}

/** Either side of a raw pair: sends one message, hears one. */
interface RawWorker {
  once(event: "message", listener: (results: number[]) => void): unknown;
  send(inputs: readonly number[]): void;
}

/** Runs the first half of the inputs on `workers[0]` and the rest on `workers[1]`. */
function halves(workers: readonly RawWorker[], stop: () => Promise<void>): RawPair {
  const ask = (worker: RawWorker, inputs: readonly number[]) =>
    new Promise<number[]>((resolve) => {
      worker.once("message", resolve);
      worker.send(inputs);
    });
  return {
    async run(inputs) {
      const half = Math.ceil(inputs.length / 2);
      const [a, b] = await Promise.all([
        ask(workers[0], inputs.slice(0, half)),
        ask(workers[1], inputs.slice(half)),
      ]);
      return [...a, ...b];
    },
    stop,
  };
}

/** The raw workers' side: two `node:worker_threads` workers. */
function rawPair(): RawPair {
  const url = new URL("./fixtures/cpu_worker.mjs", import.meta.url);
  const workers = [new Worker(url), new Worker(url)];
  return halves(
    workers.map((w) => ({ once: (e, l) => w.once(e, l), send: (i) => w.postMessage(i) })),
    async () => void await Promise.all(workers.map((w) => w.terminate())),
  );
}

/** The raw children's side: two `node:child_process` children, over IPC as the process backend. */
function rawChildren(): RawPair {
  const path = fileURLToPath(new URL("./fixtures/cpu_child.mjs", import.meta.url));
  const children = [0, 1].map(() => fork(path, [], { serialization: "advanced" }));
  const exited = children.map((child) => new Promise((resolve) => child.once("exit", resolve)));
  return halves(
    children.map((c) => ({ once: (e, l) => c.once(e, l), send: (i) => c.send([...i]) })),
    async () => {
      for (const child of children) child.kill();
      await Promise.all(exited);
    },
  );
}

/**
 * The pairs of `fn` over `inputs` (checked with `check`) on the main thread, on raw workers and
 * on a `Pool(2)` per backend; one task whose rows are those of {@linkcode CpuPairNames}.
 */
export async function cpuPairs(
  names: CpuPairNames,
  backends: readonly Backend[],
  fn: (n: number) => number,
  inputs: readonly number[],
  check: (results: number[]) => unknown,
): Promise<Running> {
  const raw = rawPair();
  const children = backends.includes("process") ? rawChildren() : undefined;
  const pools = backends.map((backend) => ({ backend, pool: new Pool({ processes: 2, backend }) }));
  const runs: { name: string; run: () => Promise<unknown> }[] = [
    { name: names.sequential, run: () => Promise.resolve(check(inputs.map(fn))) },
    { name: names.raw, run: async () => check(await raw.run(inputs)) },
    ...(children
      ? [{ name: names.rawChildren, run: async () => check(await children.run(inputs)) }]
      : []),
    ...pools.map(({ backend, pool }) => ({
      name: names.pool(backend),
      run: async () => check(await pool.map(fn, inputs)),
    })),
  ];
  for (const { run } of runs) await run(); // warm: workers started, code compiled
  const times = new Map(runs.map(({ name }) => [name, [] as number[]]));
  let samples = 0;
  const perSample = (top: string, bottom: string) => {
    const [t, b] = [times.get(top)!, times.get(bottom)!];
    return t.map((x, i) => x / b[i]);
  };
  return {
    tasks: [{
      name: names.sequential,
      fn: async () => {
        for (let sample = 0; sample < samplesPerCall; sample++) {
          const first = samples++ % runs.length;
          for (let i = 0; i < runs.length; i++) {
            const { name, run } = runs[(first + i) % runs.length];
            const began = performance.now();
            await run();
            times.get(name)!.push(performance.now() - began);
          }
        }
      },
    }],
    rows: () => [
      ...runs.map(({ name }) => valuesRow("seeds", name, "ms", times.get(name)!)),
      ratioRow("seeds", names.ceiling, perSample(names.sequential, names.raw)),
      ...(children
        ? [
          ratioRow("seeds", names.childCeiling, perSample(names.sequential, names.rawChildren)),
          ratioRow("seeds", names.childFloor, perSample(names.pool("process"), names.rawChildren)),
        ]
        : []),
      ...backends.flatMap((backend) => [
        ratioRow("seeds", names.speedup(backend), perSample(names.sequential, names.pool(backend))),
        ratioRow("seeds", names.floor(backend), perSample(names.pool(backend), names.raw)),
      ]),
    ],
    stop: async () => {
      await raw.stop();
      await children?.stop();
      await Promise.all(pools.map(({ pool }) => pool.terminate()));
    },
  };
}
