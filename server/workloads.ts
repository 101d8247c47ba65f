/**
 * The catalogue of built-in workloads: each a module of task functions (`sequential`, `chunk`,
 * `split`, `combine`, `warm`; see `workloads/*.ts`) and a bounded zod schema of its parameters.
 * Only these run unless the operator allows user code (`code`, see `code.ts`).
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import { fromModule, type TaskModule } from "../mod.ts";
import type { WorkloadResult } from "./workloads/_common.ts";
import * as sumSquares from "./workloads/sum_squares.ts";
import * as sumSqrt from "./workloads/sum_sqrt.ts";
import * as primes from "./workloads/primes.ts";
import * as monteCarloPi from "./workloads/monte_carlo_pi.ts";
import * as mandelbrot from "./workloads/mandelbrot.ts";
import * as sha256 from "./workloads/sha256.ts";
import * as matrix from "./workloads/matrix.ts";
import * as sort from "./workloads/sort.ts";

export type { WorkloadResult } from "./workloads/_common.ts";

/** What a workload module exports, seen without its own parameter types. */
export interface WorkloadModule {
  /** The whole computation, in one go. */
  sequential(params: unknown): WorkloadResult;
  /** Cuts the work into `parts` pieces for workers. */
  split(params: unknown, parts: number): unknown[];
  /** Computes one piece (in a worker). */
  chunk(piece: unknown): unknown;
  /** Merges the pieces' results into the workload's result. */
  combine(parts: unknown[], params: unknown): WorkloadResult;
  /** Warms the JIT up before timing. */
  warm(): void;
}

/** A built-in workload. */
export interface Workload {
  /** The name jobs give, e.g. `"primes"`. */
  readonly name: string;
  /** A short human title. */
  readonly title: string;
  /** What it computes. */
  readonly description: string;
  /** How the parallel implementation splits the work. */
  readonly parallel: string;
  /** Validates parameters and fills in defaults. */
  readonly params: z.ZodType<Record<string, unknown>>;
  /** `split`/`combine` run here, in the server (they are cheap). */
  readonly module: WorkloadModule;
  /** The same module's exports as tasks, for workers. */
  readonly tasks: TaskModule<WorkloadModule>;
  /** Merge the parts in a worker rather than in the server (the merge is real work). */
  readonly combineInWorker: boolean;
}

const int = (min: number, max: number, fallback: number, description: string) =>
  z.number().int().min(min).max(max).default(fallback).describe(description);
const seed = int(0, 2 ** 31 - 1, 1, "Seed of the generated data");

/**
 * A workload whose `module` is also loaded by workers from `url`. Write `url` as
 * `new URL("./workloads/x.ts", import.meta.url)`: the npm build (scripts/build_npm.mjs) rewrites
 * that form to the built `.js` module.
 */
function entry(
  name: string,
  module: unknown,
  url: URL,
  info: Pick<Workload, "title" | "description" | "parallel"> & {
    params: Record<string, z.ZodType>;
    combineInWorker?: boolean;
  },
): Workload {
  return {
    name,
    title: info.title,
    description: info.description,
    parallel: info.parallel,
    params: z.strictObject(info.params) as unknown as z.ZodType<Record<string, unknown>>,
    module: module as WorkloadModule,
    tasks: fromModule<WorkloadModule>(url),
    combineInWorker: info.combineInWorker ?? false,
  };
}

/**
 * Every built-in workload, by name.
 *
 * @example List them
 * ```ts
 * import { workloads } from "./workloads.ts";
 * for (const w of workloads.values()) console.log(`${w.name}: ${w.title}`);
 * ```
 */
export const workloads: ReadonlyMap<string, Workload> = new Map(
  [
    entry("sum_squares", sumSquares, new URL("./workloads/sum_squares.ts", import.meta.url), {
      title: "Sum of squares",
      description: "The seed's calculate_heavy_sum: Σ i² for i < n.",
      parallel: "n split into one range per worker; partial sums added.",
      params: { n: int(1, 1_000_000_000, 20_000_000, "Upper bound (exclusive)") },
    }),
    entry("sum_sqrt", sumSqrt, new URL("./workloads/sum_sqrt.ts", import.meta.url), {
      title: "Sum of square roots",
      description: "The seed's cpu_intensive_task: Σ √i for i < n.",
      parallel: "n split into one range per worker; partial sums added.",
      params: { n: int(1, 1_000_000_000, 20_000_000, "Upper bound (exclusive)") },
    }),
    entry("primes", primes, new URL("./workloads/primes.ts", import.meta.url), {
      title: "Prime counting",
      description: "Counts the primes below n by trial division.",
      parallel: "4 ranges per worker (higher ranges cost more); counts added.",
      params: { n: int(2, 20_000_000, 2_000_000, "Upper bound (exclusive)") },
    }),
    entry(
      "monte_carlo_pi",
      monteCarloPi,
      new URL("./workloads/monte_carlo_pi.ts", import.meta.url),
      {
        title: "Monte Carlo π",
        description: "Estimates π from random points; seeded blocks of 100,000 samples.",
        parallel: "Blocks shared out between workers; hit counts added.",
        params: {
          samples: int(1, 500_000_000, 20_000_000, "Number of random points"),
          seed,
        },
      },
    ),
    entry("mandelbrot", mandelbrot, new URL("./workloads/mandelbrot.ts", import.meta.url), {
      title: "Mandelbrot",
      description: "Iterates every pixel of a width × height view of the Mandelbrot set.",
      parallel: "4 bands of rows per worker; iteration counts added.",
      params: {
        width: int(1, 4000, 800, "Pixels across"),
        height: int(1, 4000, 600, "Pixels down"),
        maxIterations: int(1, 10_000, 500, "Iterations before a point counts as inside"),
      },
    }),
    entry("sha256", sha256, new URL("./workloads/sha256.ts", import.meta.url), {
      title: "SHA-256",
      description: "Generates data in 64 KiB blocks and hashes each (node:crypto); a hash list.",
      parallel: "Blocks shared out between workers; digests hashed in order.",
      params: { megabytes: int(1, 512, 64, "Data size in MiB"), seed },
    }),
    entry("matrix", matrix, new URL("./workloads/matrix.ts", import.meta.url), {
      title: "Matrix multiply",
      description: "C = A × B for generated n × n integer matrices.",
      parallel: "Rows of C shared out between workers; sums added.",
      params: { n: int(1, 1000, 300, "Matrix size") },
    }),
    entry("sort", sort, new URL("./workloads/sort.ts", import.meta.url), {
      title: "Sorting",
      description: "Sorts n generated 32-bit integers; an order-sensitive checksum.",
      parallel: "Slices sorted in workers, then a k-way merge in one more worker task.",
      params: { n: int(1, 10_000_000, 2_000_000, "Number of integers"), seed },
      combineInWorker: true,
    }),
  ].map((w) => [w.name, w]),
);

/** The workload named `name`; throws a `RangeError` for an unknown one. */
export function getWorkload(name: string): Workload {
  const workload = workloads.get(name);
  if (!workload) {
    throw new RangeError(
      `Cannot run workload as 'workload' must be one of ${
        [...workloads.keys()].join(", ")
      }: received '${name}'`,
    );
  }
  return workload;
}
