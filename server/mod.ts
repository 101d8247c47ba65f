/**
 * The polycore playground: a Hono app that runs compute jobs on polycore pools and times them
 * sequentially, on worker threads and on child processes, across Node, Deno and Bun.
 *
 * @example Serve it
 * ```ts
 * import { createApp, serve } from "./mod.ts";
 * const app = createApp();
 * const server = await serve(app, { port: 0 }); // 0: any free port; the CLI's default is 8787
 * console.log(`${server.url}/`);
 * await server.close();
 * await app.shutdown();
 * ```
 *
 * @module
 */
export { createApp, type PlaygroundApp } from "./app.ts";
export type { AppOptions } from "./options.ts";
export { type Fetch, serve, type ServeOptions, type Server } from "./serve.ts";
export type { JobError, JobKind, JobState, JobView, Progress } from "./jobs.ts";
export type { Mode, RunResult } from "./execute.ts";
export type { CompareCell, CompareResult, CompareRuntime } from "./compare.ts";
export type { RuntimeName, RuntimesOptions, RuntimeStatus } from "./runtimes.ts";
export type { WorkloadModule, WorkloadResult } from "./workloads.ts";
