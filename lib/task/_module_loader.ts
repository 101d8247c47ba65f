/**
 * What the worker entry needs from a module loader: importing a module by its
 * URL (a task's module, a module context, a handle's reviver), and compiling a
 * task's source so that an `import()` inside the task works. The entry does
 * both only through here, so that a worker running it compiled as one script
 * (Node's, see `runtimes/node_worker_boot.cjs`) can hand both to code a module
 * loader compiled: a script compiled by `node:vm` has no loader of its own, nor
 * has code that script makes with `new Function`.
 *
 * @module
 */

/**
 * Imports the module at `url` (absolute).
 *
 * @example
 * ```ts
 * import { importModule } from "./_module_loader.ts";
 * const path = await importModule("node:path");
 * console.log(typeof path.join); // "function"
 * ```
 */
export function importModule(url: string): Promise<Record<string, unknown>> {
  return import(url);
}

/**
 * The value of the expression `code` (a task's source), compiled in the global scope.
 *
 * @example
 * ```ts
 * import { evaluate } from "./_module_loader.ts";
 * const task = evaluate("async () => (await import('node:path')).sep") as () => Promise<string>;
 * console.log(await task()); // "/"
 * ```
 */
export function evaluate(code: string): unknown {
  return new Function(`return ${code}`)();
}
