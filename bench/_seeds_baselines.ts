/**
 * What the seeds suite (bench/seeds_bench.ts) measures polycore against besides CPython, side by
 * side in the same run: raw `node:worker_threads` starting, and piscina's round trip (Node).
 *
 * @module
 */
import { Worker } from "node:worker_threads";
import { Pool, runtime } from "../mod.ts";
import { type BenchRatio, type BenchRow, type BenchTask, ratioRow, valuesRow } from "./_harness.ts";

/** A benchmark that holds workers: its task, and how to stop them. */
export interface Running {
  readonly tasks: BenchTask[];
  readonly ratios?: BenchRatio[];
  /** Rows computed after the run, in place of the row of `tasks[0]`. */
  readonly rows?: () => BenchRow[];
  stop(): Promise<void>;
}

/** The row names these benchmarks use (the suite's own table of names). */
export interface BaselineNames {
  readonly start: string;
  readonly rawStart: string;
  readonly startRatio: string;
  readonly apply: string;
  readonly piscina: string;
  readonly applyRatio: string;
}

const trips = 200;
const add = (a: number, b: number) => a + b;

/** `trips` calls of `call`, one after another; their sum (consumed by the harness). */
async function sequentially(call: (i: number) => Promise<number>): Promise<number> {
  let total = 0;
  for (let i = 0; i < trips; i++) total += await call(i);
  return total;
}

/**
 * `Pool(2)` starts (`poolStart`: start, a task on each worker, terminate) next to raw
 * `node:worker_threads` ones (2 workers started, one message each, terminated), taken in pairs:
 * each sample starts the raw workers, then the pool, so both see the same moment of a shared
 * machine. Both rows and the ratio row (the median of the per-pair ratios) come from the pairs:
 * on a 2-vCPU VM one start varies from 0.7× to 1.3× of the next within a round, so medians of
 * starts taken a round apart (and after different neighbours) could not resolve 10%.
 */
export function startPairs(
  names: BaselineNames,
  poolStart: () => Promise<unknown>,
): Running {
  const readyUrl = new URL("./fixtures/ready_worker.mjs", import.meta.url);
  const raw: number[] = [];
  const pool: number[] = [];
  return {
    tasks: [{
      name: names.start,
      fn: async () => {
        let began = performance.now();
        const workers = [0, 1].map(() => new Worker(readyUrl));
        await Promise.all(workers.map((w) => new Promise((resolve) => w.once("message", resolve))));
        await Promise.all(workers.map((w) => w.terminate()));
        raw.push(performance.now() - began);
        began = performance.now();
        const result = await poolStart();
        pool.push(performance.now() - began);
        return result;
      },
    }],
    rows: () => [
      valuesRow("seeds", names.start, "ms", pool),
      valuesRow("seeds", names.rawStart, "ms", raw),
      ratioRow("seeds", names.startRatio, pool.map((p, i) => p / raw[i])),
    ],
    stop: async () => {},
  };
}

/** Sequential round trips on a running Pool(2), next to piscina's on Node (threads). */
export async function roundTrips(names: BaselineNames): Promise<Running> {
  const pool = new Pool(2);
  await pool.apply(add, [1, 2]);
  const tasks: BenchTask[] = [{
    name: names.apply,
    unit: "µs",
    opsPerSample: trips,
    fn: () => sequentially((i) => pool.apply(add, [i, 1])),
  }];
  const ratios: BenchRatio[] = [];
  let peer: { destroy(): Promise<void> } | undefined;
  if (runtime.name === "node") {
    const { Piscina } = await import("piscina");
    const piscina = new Piscina({
      filename: new URL("./fixtures/add_worker.mjs", import.meta.url).href,
      minThreads: 2,
      maxThreads: 2,
    });
    await piscina.run({ a: 1, b: 2 });
    peer = piscina;
    tasks.push({
      name: names.piscina,
      unit: "µs",
      opsPerSample: trips,
      fn: () => sequentially((i) => piscina.run({ a: i, b: 1 })),
    });
    ratios.push({ name: names.applyRatio, numerator: names.apply, denominator: names.piscina });
  }
  return {
    tasks,
    ratios,
    stop: async () => {
      await pool.terminate();
      await peer?.destroy();
    },
  };
}
