/**
 * Runtime detection, done once and in one place.
 *
 * @module
 */
import type { RuntimeName } from "./types.ts";

/**
 * Tells which runtime a global object belongs to: Deno first, then Bun, then
 * Node (Deno and Bun both set `process.versions.node`, so the order matters).
 * Python's nearest is `platform.python_implementation()`.
 *
 * @example Detect the current runtime
 * ```ts
 * import { detectRuntime } from "./detect.ts";
 * console.log(detectRuntime()); // "node", "deno" or "bun"
 * ```
 *
 * @param g The global object to inspect; `globalThis` by default (a parameter so it can be tested).
 * @returns The runtime's name.
 * @throws {Error} When none of the three is recognised.
 */
export function detectRuntime(g: object = globalThis): RuntimeName {
  const global = g as { Deno?: unknown; Bun?: unknown; process?: { versions?: { node?: string } } };
  if (typeof global.Deno === "object" && global.Deno !== null) return "deno";
  if (typeof global.Bun === "object" && global.Bun !== null) return "bun";
  if (typeof global.process?.versions?.node === "string") return "node";
  throw new Error("Cannot detect the runtime: polycore runs on Node, Deno and Bun");
}
