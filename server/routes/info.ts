/**
 * The informational endpoints: `GET /api/health`, `GET /api/runtime`, `GET /api/workloads`,
 * `GET /api/metrics` and `GET /metrics` (Prometheus).
 *
 * @module
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { workloadCatalogue } from "../catalogue.ts";
import { toPrometheus } from "../metrics.ts";
import type { AppEnv, ServerContext } from "../options.ts";
import { runtimeInfo } from "../runtime_info.ts";

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
    async (c) => c.json(await runtimeInfo(ctx), 200),
  );

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
    (c) => c.json(workloadCatalogue(ctx.options), 200),
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
