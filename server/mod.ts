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
import type * as AppModule from "./app.ts";
import type * as ServeModule from "./serve.ts";
import { withServerPeers } from "./_peers.ts";

// The playground's dependencies are optional peers: without them this import fails with one error
// saying what to install, rather than a runtime's own "cannot find package 'hono'".
const [app, served] = await withServerPeers(
  "polycore/server",
  () => Promise.all([import("./app.ts"), import("./serve.ts")]),
);

/** The playground app: see `createApp` in `./app.ts`. */
export const createApp: typeof AppModule.createApp = app.createApp;
/** Serves an app on the runtime's own server: see `serve` in `./serve.ts`. */
export const serve: typeof ServeModule.serve = served.serve;
export type { PlaygroundApp } from "./app.ts";
export type { AppOptions } from "./options.ts";
export type { Fetch, ServeOptions, Server } from "./serve.ts";
export type { JobError, JobKind, JobState, JobView, Progress } from "./jobs.ts";
export type { Mode, RunResult } from "./execute.ts";
export type { CompareCell, CompareResult, CompareRuntime } from "./compare.ts";
export type { RuntimeName, RuntimesOptions, RuntimeStatus } from "./runtimes.ts";
export type { WorkloadModule, WorkloadResult } from "./workloads.ts";
