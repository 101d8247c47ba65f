/**
 * Node built-in modules loaded on first use, not at import: every worker
 * imports the adapters, and `node:child_process`, `node:net`, `node:crypto`
 * and `node:fs` cost a few milliseconds of each worker's start, though most
 * workers never use them. Even the small ones (`node:os`, `node:v8`,
 * `node:path`, `node:url`, `node:process`) cost ~2.5 ms of a Node worker's
 * start when imported as ES modules (each gets a module facade), ~1 ms
 * through `process.getBuiltinModule`, which is synchronous and present on
 * Node ≥ 20.16, Deno and Bun. `process` itself is the global one (Node,
 * Deno 2 and Bun all have it).
 *
 * @module
 */
const process = globalThis.process;

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

/** `node:os`, loaded on first use. */
export function osModule(): typeof import("node:os") {
  return process.getBuiltinModule("node:os");
}

/** `node:v8`, loaded on first use. */
export function v8Module(): typeof import("node:v8") {
  return process.getBuiltinModule("node:v8");
}

/** `node:path`, loaded on first use. */
export function pathModule(): typeof import("node:path") {
  return process.getBuiltinModule("node:path");
}

/** `node:url`'s `fileURLToPath`, loaded on first use. */
export function fileURLToPath(url: URL | string): string {
  return process.getBuiltinModule("node:url").fileURLToPath(url);
}
