/**
 * The informational endpoints: `GET /api/health`, `GET /api/runtime`, `GET /api/workloads`,
 * `GET /api/metrics` and `GET /metrics` (Prometheus).
 *
 * @module
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { cpuCount, runtime } from "../../mod.ts";
import { codeParams, codeWorkload } from "../code.ts";
import { confinement } from "../confinement.ts";
import { modes, processBackendAvailability } from "../execute.ts";
import { toPrometheus } from "../metrics.ts";
import type { AppEnv, ServerContext } from "../options.ts";
import { workloads } from "../workloads.ts";

const healthSchema = z.object({
  status: z.literal("ok"),
  uptimeSeconds: z.number(),
  jobsRunning: z.number(),
}).openapi("Health");

const availability = z.object({ available: z.boolean(), reason: z.string().optional() });

const runtimeInfoSchema = z.object({
  runtime: z.object({ name: z.string(), version: z.string() }),
  cpus: z.number(),
  backends: z.object({ thread: availability, process: availability }),
  modes: z.record(z.string(), availability),
  runtimes: z.array(z.object({
    name: z.string(),
    available: z.boolean(),
    current: z.boolean(),
    version: z.string().nullable(),
    path: z.string().nullable(),
    heapLimit: z.object({ process: z.boolean(), thread: z.boolean() }),
    reason: z.string().optional(),
  })),
  allowCode: z.boolean(),
  codeConfinement: z.array(z.string()).nullable().describe(
    "How a code job's child process is confined (with --allow-code; null without)",
  ),
  limits: z.object({
    maxInFlight: z.number(),
    maxWorkers: z.number(),
    defaultWorkers: z.number(),
    jobTimeoutMs: z.number(),
    maxJobTimeoutMs: z.number(),
    bodyLimitBytes: z.number(),
    maxRunsPerCompare: z.number(),
    maxHeapMb: z.number(),
  }),
}).openapi("RuntimeInfo");

const workloadInfoSchema = z.object({
  name: z.string(),
  title: z.string(),
  description: z.string(),
  parallel: z.string(),
  enabled: z.boolean(),
  defaults: z.record(z.string(), z.unknown()),
  limits: z.record(
    z.string(),
    z.object({ min: z.number().optional(), max: z.number().optional() }),
  ),
  paramsSchema: z.record(z.string(), z.unknown()),
}).openapi("Workload");

type JsonSchema = { properties?: Record<string, { minimum?: number; maximum?: number }> };

function describeParams(schema: z.ZodType): {
  paramsSchema: Record<string, unknown>;
  limits: Record<string, { min?: number; max?: number }>;
} {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as
    & JsonSchema
    & Record<string, unknown>;
  const limits = Object.fromEntries(
    Object.entries(json.properties ?? {}).filter(([, p]) =>
      p.minimum !== undefined || p.maximum !== undefined
    ).map(([name, p]) => [name, {
      ...(p.minimum !== undefined ? { min: p.minimum } : {}),
      ...(p.maximum !== undefined ? { max: p.maximum } : {}),
    }]),
  );
  return { paramsSchema: json, limits };
}

/** Registers the informational endpoints. */
export function registerInfo(app: OpenAPIHono<AppEnv>, ctx: ServerContext): void {
  app.openapi(
    createRoute({
      method: "get",
      path: "/api/health",
      tags: ["server"],
      summary: "Liveness",
      responses: {
        200: { description: "Alive", content: { "application/json": { schema: healthSchema } } },
      },
    }),
    (c) =>
      c.json({
        status: "ok" as const,
        uptimeSeconds: performance.now() / 1000,
        jobsRunning: ctx.jobs.running,
      }, 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/runtime",
      tags: ["server"],
      summary: "This runtime, its CPUs, the backends and which runtimes are installed",
      responses: {
        200: {
          description: "Runtime information",
          content: { "application/json": { schema: runtimeInfoSchema } },
        },
      },
    }),
    async (c) => {
      const process = await processBackendAvailability();
      const thread = { available: true };
      return c.json({
        runtime: { name: runtime.name, version: runtime.version },
        cpus: cpuCount(),
        backends: { thread, process },
        modes: { sequential: thread, thread, process },
        runtimes: await ctx.runtimes.statuses(),
        allowCode: ctx.options.allowCode,
        codeConfinement: ctx.options.allowCode ? [...confinement().layers] : null,
        limits: {
          maxInFlight: ctx.options.maxInFlight,
          maxWorkers: ctx.limits.maxWorkers,
          defaultWorkers: ctx.limits.defaultWorkers,
          jobTimeoutMs: ctx.options.jobTimeoutMs,
          maxJobTimeoutMs: ctx.options.maxJobTimeoutMs,
          bodyLimitBytes: ctx.options.bodyLimitBytes,
          maxRunsPerCompare: ctx.options.maxRunsPerCompare,
          maxHeapMb: ctx.options.maxHeapMb,
        },
      }, 200);
    },
  );

  const catalogue = [
    ...[...workloads.values()].map((w) => ({
      name: w.name,
      title: w.title,
      description: w.description,
      parallel: w.parallel,
      enabled: true,
      defaults: w.params.parse({}),
      ...describeParams(w.params),
    })),
    {
      name: codeWorkload,
      title: "Your code",
      description: "The body of async function (input) { … }, run once per input " +
        "(only with --allow-code).",
      parallel: "Inputs mapped over the pool (pool.map of a function task).",
      enabled: ctx.options.allowCode,
      defaults: {},
      ...describeParams(codeParams),
    },
  ];

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/workloads",
      tags: ["server"],
      summary: "The workload catalogue: parameters (JSON schema), defaults and limits",
      responses: {
        200: {
          description: "Workloads",
          content: {
            "application/json": {
              schema: z.object({
                workloads: z.array(workloadInfoSchema),
                modes: z.array(z.string()),
              }),
            },
          },
        },
      },
    }),
    (c) => c.json({ workloads: catalogue, modes: [...modes] }, 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/metrics",
      tags: ["server"],
      summary: "Jobs, pools (live pool.stats()) and HTTP responses, as JSON",
      responses: {
        200: {
          description: "Metrics",
          content: { "application/json": { schema: z.record(z.string(), z.unknown()) } },
        },
      },
    }),
    (c) => c.json(ctx.metrics.snapshot(ctx.jobs.counts()) as never, 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/metrics",
      tags: ["server"],
      summary: "The same metrics in the Prometheus text format",
      responses: {
        200: { description: "Metrics", content: { "text/plain": { schema: z.string() } } },
      },
    }),
    (c) =>
      c.text(toPrometheus(ctx.metrics.snapshot(ctx.jobs.counts())), 200, {
        "Content-Type": "text/plain; version=0.0.4; charset=utf-8",
      }),
  );
}
