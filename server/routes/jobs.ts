/**
 * The job endpoints: `POST /api/jobs`, `GET /api/jobs`, `GET /api/jobs/{id}`,
 * `GET /api/jobs/{id}/events` (SSE), `DELETE /api/jobs/{id}` and `POST /api/compare`.
 *
 * @module
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { streamSSE } from "hono/streaming";
import { runtime } from "../../mod.ts";
import { codeWorkload, syntaxError } from "../code.ts";
import { type CompareSpec, runComparison } from "../compare.ts";
import { type Mode, processBackendAvailability, type RunResult, type RunSpec } from "../execute.ts";
import { ApiError, errorSchema } from "../errors.ts";
import type { Job, JobContext, JobView } from "../jobs.ts";
import type { AppEnv, ServerContext } from "../options.ts";
import { runOn } from "../run_on.ts";
import type { RuntimeName } from "../runtimes.ts";
import {
  compareRequestSchema,
  idParamSchema,
  jobListSchema,
  jobRequestSchema,
  jobSchema,
  waitQuerySchema,
} from "../schemas.ts";

const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((status) => [status, {
    description: ({
      400: "Malformed request",
      403: "User code is disabled",
      404: "No such job",
      409: "The job is not running",
      413: "Body too large",
      415: "Not JSON",
      422: "Invalid field (named in `error.field`)",
      503: "Too many jobs in flight (see Retry-After)",
    } as Record<number, string>)[status] ?? "Error",
    content: { "application/json": { schema: errorSchema } },
  }]));

const jobResponses = {
  200: {
    description: "The job, ended (`?wait=true`)",
    content: { "application/json": { schema: jobSchema } },
  },
  202: { description: "The job, started", content: { "application/json": { schema: jobSchema } } },
  ...errors(400, 403, 413, 415, 422, 503),
};

/** Registers the job endpoints. */
export function registerJobs(app: OpenAPIHono<AppEnv>, ctx: ServerContext): void {
  const jobBody = jobRequestSchema(ctx.limits);
  const compareBody = compareRequestSchema(ctx.limits);

  const busy = () =>
    new ApiError(
      503,
      "too_many_jobs",
      `The server is running its maximum of ${ctx.options.maxInFlight} jobs: retry later`,
      { headers: { "Retry-After": "2" } },
    );

  const checkCode = (workload: string, source?: unknown) => {
    if (workload !== codeWorkload) return;
    if (!ctx.options.allowCode) throw codeDisabled();
    const error = syntaxError(String(source));
    if (error) {
      throw new ApiError(422, "validation_failed", `Invalid field 'params.source': ${error}`, {
        field: "params.source",
      });
    }
  };

  const checkModes = async (modes: readonly Mode[], field: string) => {
    if (!modes.includes("process")) return;
    const process = await processBackendAvailability();
    if (!process.available) {
      throw new ApiError(
        422,
        "backend_unavailable",
        `Invalid field '${field}': the process backend is not available in this build of polycore (${process.reason})`,
        { field },
      );
    }
  };

  const started = (c: { header(name: string, value: string): void }, job: Job) => {
    c.header("Location", `/api/jobs/${job.id}`);
    return job.view();
  };

  const waitFor = async (job: Job, wait?: string): Promise<JobView | undefined> => {
    if (wait !== "true" && wait !== "1") return undefined;
    await job.settled;
    return job.view();
  };

  app.openapi(
    createRoute({
      method: "post",
      path: "/api/jobs",
      tags: ["jobs"],
      summary: "Start a job: one workload, one mode",
      request: {
        query: waitQuerySchema,
        body: { required: true, content: { "application/json": { schema: jobBody } } },
      },
      responses: jobResponses,
    }),
    async (c) => {
      const body = c.req.valid("json");
      const { wait } = c.req.valid("query");
      checkCode(body.workload, (body.params as { source?: unknown }).source);
      await checkModes([body.mode as Mode], "mode");
      const target = (body.runtime ?? runtime.name) as RuntimeName;
      const status = await ctx.runtimes.status(target);
      if (!status.available) {
        throw new ApiError(
          422,
          "runtime_unavailable",
          `Invalid field 'runtime': ${status.reason}`,
          { field: "runtime" },
        );
      }
      const spec: RunSpec = {
        workload: body.workload,
        params: body.params as Record<string, unknown>,
        mode: body.mode as Mode,
        workers: body.workers,
        ...(body.chunksize ? { chunksize: body.chunksize } : {}),
        ...(body.workload === codeWorkload ? { maxHeapMb: ctx.options.maxHeapMb } : {}),
      };
      const job = ctx.jobs.submit(
        "run",
        body,
        body.timeoutMs,
        (j) => runSingle(target, spec, j, body.timeoutMs),
      );
      if (!job) throw busy();
      const ended = await waitFor(job, wait);
      if (ended) return c.json(ended as never, 200);
      return c.json(started(c, job) as never, 202);
    },
  );

  const runSingle = async (
    target: RuntimeName,
    spec: RunSpec,
    job: JobContext,
    timeoutMs: number,
  ): Promise<RunResult> => {
    let outcome: RunResult | Error | undefined;
    await runOn(ctx.runtimes, target, [spec], {
      signal: job.signal,
      taskTimeoutMs: timeoutMs,
      onPool: ctx.metrics.track,
      onProgress: (_run, done, total) => job.progress({ done, total }),
      onRun: (_run, result) => outcome = result,
    });
    if (outcome instanceof Error) throw outcome;
    if (!outcome) throw new Error(`The ${target} runner ended without a result`);
    return outcome;
  };

  app.openapi(
    createRoute({
      method: "post",
      path: "/api/compare",
      tags: ["jobs"],
      summary: "Compare modes × worker counts × runtimes (a job)",
      description: "Times one workload sequentially and in parallel, on each runtime, " +
        "`repeats` times: median/min/max wall time, CPU time, speedup and efficiency.",
      request: {
        query: waitQuerySchema,
        body: { required: true, content: { "application/json": { schema: compareBody } } },
      },
      responses: jobResponses,
    }),
    async (c) => {
      const body = c.req.valid("json");
      const { wait } = c.req.valid("query");
      checkCode(body.workload, (body.params as { source?: unknown }).source);
      await checkModes(body.modes as Mode[], "modes");
      const spec: CompareSpec = {
        workload: body.workload,
        params: body.params as Record<string, unknown>,
        modes: body.modes as Mode[],
        workers: body.workers,
        runtimes: [...new Set(body.runtimes ?? [runtime.name])] as RuntimeName[],
        repeats: body.repeats,
        ...(body.chunksize ? { chunksize: body.chunksize } : {}),
      };
      const job = ctx.jobs.submit("compare", body, body.timeoutMs, (j) =>
        runComparison(spec, j, {
          runtimes: ctx.runtimes,
          taskTimeoutMs: body.timeoutMs,
          maxHeapMb: ctx.options.maxHeapMb,
          onPool: ctx.metrics.track,
        }));
      if (!job) throw busy();
      const ended = await waitFor(job, wait);
      if (ended) return c.json(ended as never, 200);
      return c.json(started(c, job) as never, 202);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/jobs",
      tags: ["jobs"],
      summary: "Recent jobs, newest first (without results)",
      responses: {
        200: { description: "Jobs", content: { "application/json": { schema: jobListSchema } } },
      },
    }),
    (c) =>
      c.json({
        jobs: ctx.jobs.list().slice(0, 100).map((job) => ({ ...job.view(), result: null })),
      } as never, 200),
  );

  const find = (id: string): Job => {
    const job = ctx.jobs.get(id);
    if (!job) throw new ApiError(404, "job_not_found", `No job has the id '${id}'`);
    return job;
  };

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/jobs/{id}",
      tags: ["jobs"],
      summary: "A job: state, progress, result",
      request: { params: idParamSchema },
      responses: {
        200: { description: "The job", content: { "application/json": { schema: jobSchema } } },
        ...errors(400, 404),
      },
    }),
    (c) => c.json(find(c.req.valid("param").id).view() as never, 200),
  );

  app.openapi(
    createRoute({
      method: "delete",
      path: "/api/jobs/{id}",
      tags: ["jobs"],
      summary: "Cancel a running job; its workers are terminated",
      request: { params: idParamSchema },
      responses: {
        200: {
          description: "The job, cancelled",
          content: { "application/json": { schema: jobSchema } },
        },
        ...errors(400, 404, 409),
      },
    }),
    async (c) => {
      const job = find(c.req.valid("param").id);
      if (!job.cancel()) {
        throw new ApiError(409, "job_not_running", `The job has already ended: ${job.state}`);
      }
      await job.settled;
      return c.json(job.view() as never, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/jobs/{id}/events",
      tags: ["jobs"],
      summary: "Server-sent events of a job",
      description: "`snapshot` (the job now), then `progress` ({ done, total, message }), " +
        "`partial` (comparisons: each run as it ends) and finally `done` (the job).",
      request: { params: idParamSchema },
      responses: {
        200: {
          description: "An event stream",
          content: { "text/event-stream": { schema: z.string() } },
        },
        ...errors(400, 404),
      },
    }),
    (c) => {
      const job = find(c.req.valid("param").id);
      const stop = new AbortController();
      const events = job.watch(stop.signal);
      return streamSSE(c, async (stream) => {
        stream.onAbort(() => stop.abort());
        let id = 0;
        const send = (event: string, data: unknown) =>
          stream.writeSSE({ event, data: JSON.stringify(data), id: String(id++) });
        const heartbeat = setInterval(
          () => void stream.write(": ping\n\n").catch(() => {}),
          15_000,
        );
        try {
          await send("snapshot", job.view());
          for await (const event of events) {
            if (event.type === "progress") await send("progress", event.progress);
            else if (event.type === "partial") await send("partial", event.data);
            else await send("done", event.job);
          }
        } finally {
          clearInterval(heartbeat);
          stop.abort();
        }
      }, async (error, stream) => {
        await stream.writeSSE({ event: "error", data: JSON.stringify({ message: error.message }) });
      });
    },
  );
}

function codeDisabled(): ApiError {
  return new ApiError(
    403,
    "code_disabled",
    "User-supplied code is disabled: the operator must start the server with --allow-code",
    { field: "workload" },
  );
}

/** 403 for code submissions before the body is validated (when code is off). */
export function codeGate(ctx: ServerContext) {
  return async (
    c: { req: { json(): Promise<unknown>; header(name: string): string | undefined } },
    next: () => Promise<void>,
  ): Promise<void> => {
    if (!ctx.options.allowCode && /json/i.test(c.req.header("content-type") ?? "")) {
      let body: unknown;
      try {
        body = await c.req.json();
      } catch {
        // Malformed JSON: the validator answers 400.
      }
      if ((body as { workload?: unknown } | null)?.workload === codeWorkload) throw codeDisabled();
    }
    await next();
  };
}
