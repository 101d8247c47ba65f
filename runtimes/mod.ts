/**
 * The runtime adapter for the current program, chosen once.
 *
 * @example Which runtime and how many CPUs
 * ```ts
 * import { runtime } from "./mod.ts";
 * console.log(runtime.name, runtime.version, runtime.cpuCount());
 * ```
 *
 * @module
 */
import { createBunRuntime } from "./bun.ts";
import { createDenoRuntime } from "./deno.ts";
import { detectRuntime } from "./detect.ts";
import { createNodeRuntime } from "./node.ts";
import type { Runtime } from "./types.ts";

export type * from "./types.ts";
export { detectRuntime } from "./detect.ts";

const adapters = {
  node: createNodeRuntime,
  deno: createDenoRuntime,
  bun: createBunRuntime,
} as const;

/**
 * The adapter of the runtime this program runs on: spawning threads and child processes,
 * sockets, capability flags (polycore's own layer; Python's `multiprocessing` has one runtime and
 * no counterpart).
 *
 * @example Capabilities, not names
 * ```ts
 * import { runtime } from "./mod.ts";
 * console.log(runtime.canTerminateBusyThread, runtime.canLimitProcessMemory);
 * ```
 */
export const runtime: Runtime = adapters[detectRuntime()]();
