/**
 * Node built-in modules loaded on first use, not at import: every worker
 * imports the adapters, and `node:child_process`, `node:net`, `node:crypto`
 * and `node:fs` cost a few milliseconds of each worker's start, though most
 * workers never use them. `process.getBuiltinModule` is synchronous and
 * present on Node ≥ 22.3, Deno and Bun.
 *
 * @module
 */
import process from "node:process";

/** `node:child_process`, loaded on first use. */
export function childProcessModule(): typeof import("node:child_process") {
  return process.getBuiltinModule("node:child_process");
}

/** `node:net`, loaded on first use. */
export function netModule(): typeof import("node:net") {
  return process.getBuiltinModule("node:net");
}

/** `node:crypto`, loaded on first use. */
export function cryptoModule(): typeof import("node:crypto") {
  return process.getBuiltinModule("node:crypto");
}

/** `node:fs`, loaded on first use. */
export function fsModule(): typeof import("node:fs") {
  return process.getBuiltinModule("node:fs");
}
