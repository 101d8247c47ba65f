/**
 * How a worker imports a module by its URL (a task's module, a module context,
 * a handle's reviver). Every dynamic import the worker entry makes goes
 * through here, so that a worker that runs the entry compiled as one script
 * (Node's, see `runtimes/node_worker_boot.cjs`) can hand it to a module loader:
 * a script compiled by `node:vm` has none of its own.
 *
 * @module
 */

/**
 * Imports the module at `url` (absolute).
 *
 * @example
 * ```ts
 * import { importModule } from "./_import.ts";
 * const path = await importModule("node:path");
 * console.log(typeof path.join); // "function"
 * ```
 */
export function importModule(url: string): Promise<Record<string, unknown>> {
  return import(url);
}
