/**
 * The polycore playground: a Hono app that runs compute jobs on polycore pools and times them
 * sequentially, on worker threads and on child processes, across Node, Deno and Bun.
 *
 * @example Serve it
 * ```ts ignore
 * import { createApp, serve } from "./mod.ts";
 * const app = createApp();
 * const server = await serve(app, { port: 8787 });
 * console.log(`http://${server.hostname}:${server.port}/`);
 * ```
 *
 * @module
 */
export { createApp, type PlaygroundApp } from "./app.ts";
export type { AppOptions } from "./options.ts";
export { serve, type ServeOptions, type Server } from "./serve.ts";
export type { JobState, JobView } from "./jobs.ts";
export type { Mode, RunResult } from "./execute.ts";
export type { CompareCell, CompareResult } from "./compare.ts";
export type { RuntimeName, RuntimeStatus } from "./runtimes.ts";
export { type Workload, workloads } from "./workloads.ts";
