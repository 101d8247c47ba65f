/**
 * The zod schemas of the API's requests and responses. Request schemas are built per app,
 * since their bounds come from the app's options (worker cap, time limit, runs per compare).
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import { codeParams, codeWorkload } from "./code.ts";
import { slotsOf } from "./compare.ts";
import { type Mode, modes } from "./execute.ts";
import { runtimeNames } from "./runtimes.ts";
import { workloads } from "./workloads.ts";

/** The limits the request schemas enforce. */
export interface Limits {
  readonly maxWorkers: number;
  readonly defaultWorkers: number;
  readonly maxJobTimeoutMs: number;
  readonly defaultJobTimeoutMs: number;
  readonly maxRunsPerCompare: number;
}

export const modeSchema = z.enum(modes as [string, ...string[]]).openapi({
  description: "sequential: one worker runs the sequential implementation; thread/process: " +
    "the parallel one on worker threads or child processes",
});
export const runtimeSchema = z.enum(runtimeNames as [string, ...string[]]);

const workloadParams = () => [
  ...[...workloads.values()].map((w) => ({ name: w.name, params: w.params })),
  { name: codeWorkload, params: codeParams as unknown as z.ZodType<Record<string, unknown>> },
];

/** `POST /api/jobs`'s body: a union over workloads, each with its own parameters. */
export function jobRequestSchema(limits: Limits) {
  const common = {
    mode: modeSchema.default("thread"),
    workers: z.number().int().min(1).max(limits.maxWorkers).default(limits.defaultWorkers)
      .describe("Workers of the pool (ignored for sequential)"),
    chunksize: z.number().int().min(1).max(100_000).optional().describe(
      "Pieces per task message; automatic when absent",
    ),
    runtime: runtimeSchema.optional().describe("Where to run; the server's own by default"),
    timeoutMs: z.number().int().min(100).max(limits.maxJobTimeoutMs).default(
      limits.defaultJobTimeoutMs,
    ).describe("Time limit of the job; its workers are terminated when it passes"),
  };
  const variants = workloadParams().map(({ name, params }) =>
    z.strictObject({
      workload: z.literal(name),
      params: params.prefault({}),
      ...common,
    })
  );
  return z.discriminatedUnion(
    "workload",
    variants as unknown as [typeof variants[0], ...typeof variants],
  ).openapi("JobRequest", {
    example: { workload: "primes", params: { n: 2_000_000 }, mode: "thread", workers: 2 },
  });
}

/** `POST /api/compare`'s body. */
export function compareRequestSchema(limits: Limits) {
  const workerCounts = [...new Set([1, 2, limits.defaultWorkers])].filter((w) =>
    w <= limits.maxWorkers
  ).sort((a, b) => a - b);
  const common = {
    modes: z.array(modeSchema).min(1).max(modes.length).default(["sequential", "thread"])
      .describe("Modes to time; sequential is always run, as the baseline"),
    workers: z.array(z.number().int().min(1).max(limits.maxWorkers)).min(1).max(8).default(
      workerCounts,
    ).describe("Worker counts to time each parallel mode with"),
    runtimes: z.array(runtimeSchema).min(1).max(runtimeNames.length).optional().describe(
      "Runtimes to run on (child processes); the server's own by default",
    ),
    repeats: z.number().int().min(1).max(20).default(3).describe("Runs per cell"),
    chunksize: z.number().int().min(1).max(100_000).optional(),
    timeoutMs: z.number().int().min(100).max(limits.maxJobTimeoutMs).default(
      limits.maxJobTimeoutMs,
    ).describe("Time limit of the whole comparison"),
  };
  const variants = workloadParams().map(({ name, params }) =>
    z.strictObject({ workload: z.literal(name), params: params.prefault({}), ...common })
  );
  return z.discriminatedUnion(
    "workload",
    variants as unknown as [typeof variants[0], ...typeof variants],
  ).superRefine((value, ctx) => {
    const runtimes = new Set(value.runtimes ?? ["(server)"]).size;
    const runs = slotsOf({ modes: value.modes as Mode[], workers: value.workers }).length *
      value.repeats *
      runtimes;
    if (runs > limits.maxRunsPerCompare) {
      ctx.addIssue({
        code: "custom",
        path: ["repeats"],
        message:
          `A comparison may make at most ${limits.maxRunsPerCompare} runs: runtimes × cells × repeats is ${runs}`,
      });
    }
  }).openapi("CompareRequest", {
    example: {
      workload: "mandelbrot",
      params: { width: 400, height: 300 },
      modes: ["sequential", "thread"],
      workers: [1, 2],
      runtimes: ["node", "deno", "bun"],
      repeats: 3,
    },
  });
}

/** A job, as returned by the jobs endpoints. */
export const jobSchema = z.object({
  id: z.string().uuid(),
  kind: z.enum(["run", "compare"]),
  state: z.enum(["running", "succeeded", "failed", "cancelled", "timed_out"]),
  request: z.unknown(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  elapsedMs: z.number(),
  timeoutMs: z.number(),
  progress: z.object({
    done: z.number(),
    total: z.number(),
    message: z.string().optional(),
  }),
  result: z.unknown().openapi({
    description: "A run: { wallMs, startupMs, cpuMs, result: { value, detail } , … }; " +
      "a comparison: { runtimes, cells: [{ runtime, mode, workers, medianMs, minMs, maxMs, " +
      "speedup, efficiency, cpuMs, matches, … }] }",
  }),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
}).openapi("Job");

export const jobListSchema = z.object({ jobs: z.array(jobSchema) }).openapi("JobList");

export const idParamSchema = z.object({
  id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" } }),
});

export const waitQuerySchema = z.object({
  wait: z.enum(["true", "false", "1", "0"]).optional().openapi({
    description: "Wait for the job to end and answer 200 with it, instead of 202 at once",
  }),
});
