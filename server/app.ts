/**
 * `createApp(options)`: the playground's Hono app (`@hono/zod-openapi` on zod 4). It consumes
 * only polycore's public API (`../mod.ts`); serving it is left to `serve.ts`.
 *
 * Middleware, in order: request id → metrics → logger → host check → secure headers (CSP with a
 * per-request nonce) → body limit and code gate on the POST routes → validation (one JSON error
 * shape: 400 malformed, 422 naming the field) → handlers. Admission control: a job over the
 * in-flight cap gets 503 + Retry-After.
 *
 * @module
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { logger } from "hono/logger";
import { requestId } from "hono/request-id";
import { NONCE, secureHeaders } from "hono/secure-headers";
import { cpuCount } from "../mod.ts";
import { ApiError, errorResponse, validationError } from "./errors.ts";
import { JobStore } from "./jobs.ts";
import { Metrics } from "./metrics.ts";
import { type AppEnv, type AppOptions, resolveOptions, type ServerContext } from "./options.ts";
import { registerInfo } from "./routes/info.ts";
import { codeGate, registerJobs } from "./routes/jobs.ts";
import { registerPages } from "./routes/pages.ts";
import { Runtimes } from "./runtimes.ts";

/** The playground app: a Hono app plus what a server needs to stop it. */
export interface PlaygroundApp {
  /** Answers one HTTP request: what a server calls (`Deno.serve(app.fetch)`, …). */
  fetch(request: Request): Response | Promise<Response>;
  /** Sends a request to the app in-process (a path, URL or Request), as Hono's `app.request()`. */
  request(input: string | URL | Request, init?: RequestInit): Response | Promise<Response>;
  /** Refuses new jobs, cancels running ones and waits until their workers are gone. */
  shutdown(): Promise<void>;
}

const loopbackHost = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/i;

/**
 * Builds the playground app.
 *
 * @example Run a job in-process
 * ```ts
 * import { createApp } from "./app.ts";
 * const app = createApp();
 * const res = await app.request("/api/jobs?wait=true", {
 *   method: "POST",
 *   headers: { "content-type": "application/json" },
 *   body: JSON.stringify({ workload: "primes", params: { n: 100_000 }, workers: 2 }),
 * });
 * console.log((await res.json()).result.wallMs);
 * await app.shutdown();
 * ```
 */
export function createApp(options: AppOptions = {}): PlaygroundApp {
  const resolved = resolveOptions(options);
  const context: ServerContext = {
    options: resolved,
    limits: {
      maxWorkers: resolved.maxWorkers,
      defaultWorkers: Math.min(cpuCount(), resolved.maxWorkers),
      maxJobTimeoutMs: resolved.maxJobTimeoutMs,
      defaultJobTimeoutMs: resolved.jobTimeoutMs,
      maxRunsPerCompare: resolved.maxRunsPerCompare,
    },
    jobs: new JobStore({ maxInFlight: resolved.maxInFlight, retain: resolved.retainJobs }),
    metrics: new Metrics(),
    runtimes: new Runtimes(options.runtimes),
  };

  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error, result.target);
    },
  });

  app.use(requestId());
  app.use(async (c, next) => {
    await next();
    context.metrics.response(c.res.status);
  });
  if (resolved.log) app.use(logger(resolved.log));
  // Before every guard, so that refusals carry the security headers too.
  app.use(secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'", NONCE],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", "data:", "blob:"],
      fontSrc: ["'self'", "data:"],
      connectSrc: ["'self'"],
      workerSrc: ["'self'", "blob:"],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      frameAncestors: ["'none'"],
    },
  }));
  if (resolved.allowCode) {
    // With user code on, refuse other Host names (DNS rebinding) and cross-site posts.
    app.use(async (c, next) => {
      const host = c.req.header("host") ?? "";
      const origin = c.req.header("origin");
      if (!loopbackHost.test(host)) {
        throw new ApiError(
          403,
          "forbidden_host",
          `Requests must name a loopback host: received '${host}'`,
        );
      }
      if (origin !== undefined && c.req.method !== "GET" && originHost(origin) !== host) {
        throw new ApiError(403, "forbidden_origin", `Cross-origin requests are refused: ${origin}`);
      }
      await next();
    });
  }

  const limit = bodyLimit({
    maxSize: resolved.bodyLimitBytes,
    onError: () => {
      throw new ApiError(
        413,
        "payload_too_large",
        `The request body must be at most ${resolved.bodyLimitBytes} bytes`,
      );
    },
  });
  for (const path of ["/api/jobs", "/api/compare"]) {
    app.on("POST", path, limit, codeGate(context));
  }

  registerInfo(app, context);
  registerJobs(app, context);
  registerPages(app, context);

  app.notFound((c) => {
    const path = new URL(c.req.url).pathname;
    const allowed = allowedMethods(app.routes, path);
    if (allowed.length > 0) {
      c.header("Allow", allowed.join(", "));
      return errorResponse(
        c,
        new ApiError(
          405,
          "method_not_allowed",
          `${c.req.method} is not allowed on ${path}: use ${allowed.join(", ")}`,
        ),
      );
    }
    return errorResponse(c, new ApiError(404, "not_found", `No route for ${c.req.method} ${path}`));
  });
  app.onError((error, c) => {
    if (!(error instanceof ApiError) && !("status" in error)) {
      resolved.log?.(`error: ${error.stack ?? error.message}`);
    }
    return errorResponse(c, error);
  });

  const shutdown = async () => {
    await context.jobs.close();
    await Promise.all(context.metrics.pools.map((pool) => pool.terminate()));
  };
  return Object.assign(app, { shutdown });
}

/** The host of an `Origin` header, or undefined for `null` and anything that is not a URL. */
function originHost(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

/** The methods routed for `path` (HEAD with GET), for a 405's `Allow`; none when no route fits. */
function allowedMethods(
  routes: readonly { readonly method: string; readonly path: string }[],
  path: string,
): string[] {
  const methods = new Set<string>();
  for (const route of routes) {
    if (route.method === "ALL" || route.path.includes("*")) continue; // middleware
    const pattern = new RegExp(`^${route.path.replace(/:[^/]+/g, "[^/]+")}/?$`);
    if (!pattern.test(path)) continue;
    methods.add(route.method);
    if (route.method === "GET") methods.add("HEAD");
  }
  return [...methods].sort();
}
