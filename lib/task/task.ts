/**
 * What crosses into a worker as the code to run: a self-contained function
 * shipped as source, or an export of a module the worker imports (Python
 * pickles a function by its qualified name).
 *
 * @module
 */
import { callerModuleUrls } from "./_call_site.ts";
import { freeNames } from "./_free_names.ts";
import { taskContext } from "./_module_context.ts";
import type { TaskContext } from "./_protocol.ts";
import { describe, functionHandleType, registerFunctionEncoder } from "./values.ts";
import { tokenize } from "./_tokens.ts";
import type { RemoteTask } from "../nats/_wire.ts";

/** The key under which a module task carries where it lives. */
export const taskRefKey: unique symbol = Symbol.for("polycore.taskRef");

/** Where a module task lives. */
export interface ModuleTaskLocation {
  /** The module's absolute URL. */
  readonly url: string;
  /** The name of the export. */
  readonly exportName: string;
}

/**
 * A module export usable as a task: typed like the function it names, but
 * run only in workers.
 */
export type ModuleTask<F extends (...args: never[]) => unknown> = F & {
  readonly [taskRefKey]: ModuleTaskLocation;
};

/** The typed task references of a module: one per exported function. */
export type TaskModule<M> = {
  readonly [K in keyof M as M[K] extends (...args: never[]) => unknown ? K : never]: M[K] extends
    (...args: never[]) => unknown ? ModuleTask<M[K]> : never;
};

/** Anything a Process, Pool or executor accepts as work. */
export type Task<A extends unknown[] = never[], R = unknown> =
  | ((...args: A) => R)
  | ModuleTask<(...args: A) => R>;

/**
 * References the exports of a module as tasks, typed from the module itself
 * (Python pickles a function by its qualified name, and the worker imports
 * it). The worker imports the module (`.ts` included, on every runtime) and
 * calls the export, so the function may use its module's imports and helpers.
 *
 * @example Run a module's export in a worker
 * ```ts ignore
 * import { fromModule, Pool } from "polycore";
 * const tasks = fromModule<typeof import("./tasks.ts")>(new URL("./tasks.ts", import.meta.url));
 * await using pool = new Pool(2);
 * console.log(await pool.map(tasks.fib, [20, 21]));
 * ```
 *
 * @param url The module's URL: `new URL("./tasks.ts", import.meta.url)`, or its `href`.
 * @returns A task reference for each exported function.
 */
export function fromModule<M>(url: URL | string): TaskModule<M> {
  const href = toModuleUrl(url);
  const cache = new Map<string, ModuleTask<() => unknown>>();
  return new Proxy({} as TaskModule<M>, {
    get(_target, key) {
      if (typeof key !== "string" || key === "then") return undefined;
      let ref = cache.get(key);
      if (!ref) {
        const location: ModuleTaskLocation = { url: href, exportName: key };
        const run = () => {
          throw new TypeError(
            `Cannot call module task '${key}' directly: pass it to a Process, Pool or executor, which runs it in a worker`,
          );
        };
        Object.defineProperty(run, "name", { value: key });
        Object.defineProperty(run, taskRefKey, { value: location });
        ref = run as unknown as ModuleTask<() => unknown>;
        cache.set(key, ref);
      }
      return ref;
    },
  });
}

function toModuleUrl(url: URL | string): string {
  if (url instanceof URL) return url.href;
  if (typeof url === "string") {
    try {
      return new URL(url).href;
    } catch {
      throw new TypeError(
        `Cannot load task module as 'url' must be an absolute URL such as new URL("./tasks.ts", import.meta.url): received ${
          describe(url)
        }`,
      );
    }
  }
  throw new TypeError(
    `Cannot load task module as 'url' must be a URL or a string: received ${describe(url)}`,
  );
}

/** How a task is named to the worker. */
export type TaskDescriptor =
  | {
    readonly kind: "function";
    readonly key: number;
    readonly name: string;
    readonly source?: string;
    /** The module context to compile it in; sent with the source. */
    readonly context?: TaskContext;
    /** Why its module gave no context, for the error of a name it cannot find. */
    readonly problem?: string;
  }
  | { readonly kind: "module"; readonly url: string; readonly exportName: string };

/** A validated task: how to describe it, and its source for workers that have not seen it. */
export interface TaskSpec {
  readonly label: string;
  readonly module?: ModuleTaskLocation;
  readonly key: number;
  readonly source: string;
  /** Where a function task finds its module's imports and declarations. */
  readonly context?: TaskContext;
  /** Why a function task has no module context although it was written in a module. */
  readonly problem?: string;
  /** The caller's modules it was looked up in (for functions inside its arguments). */
  readonly homes?: readonly string[];
}

const specs = new WeakMap<object, TaskSpec>();
const usesOutsideNames = new Map<string, boolean>();

/** Whether a function's source names anything beyond its own locals and the standard globals. */
function mayUseItsModule(source: string): boolean {
  let uses = usesOutsideNames.get(source);
  if (uses === undefined) {
    uses = freeNames(source).size > 0;
    if (usesOutsideNames.size > 10_000) usesOutsideNames.clear();
    usesOutsideNames.set(source, uses);
  }
  return uses;
}
const specsBySource = new Map<string, TaskSpec>();

function reject(action: string, argName: string, why: string): never {
  throw new TypeError(`Cannot ${action} as '${argName}' ${why}`);
}

/**
 * Checks that `value` can run in a worker and describes it. Throws a
 * `TypeError` naming the argument for anything else.
 */
export function toTaskSpec(
  value: unknown,
  action: string,
  argName: string,
  fallbackHomes: readonly string[] = [],
  homesGiven = false,
): TaskSpec {
  if (typeof value !== "function") {
    reject(action, argName, `must be a function or a task reference: received ${describe(value)}`);
  }
  const cached = specs.get(value);
  if (cached) return cached;
  const module = (value as Partial<ModuleTask<() => unknown>>)[taskRefKey];
  const spec = module ? { label: module.exportName, module, key: 0, source: "" } : functionSpec(
    value as (...args: never[]) => unknown,
    action,
    argName,
    fallbackHomes,
    homesGiven,
  );
  specs.set(value, spec);
  return spec;
}

function functionSpec(
  fn: (...args: never[]) => unknown,
  action: string,
  argName: string,
  fallbackHomes: readonly string[],
  homesGiven: boolean,
): TaskSpec {
  const source = Function.prototype.toString.call(fn);
  const onStack = !homesGiven && mayUseItsModule(source) ? callerModuleUrls() : [];
  const homes = onStack.length > 0 ? onStack : fallbackHomes;
  const id = `${homes.join(" ")}\n${source}`;
  const known = specsBySource.get(id);
  if (known) return known;
  const label = fn.name || "(anonymous)";
  if (/\{\s*\[native code\]\s*\}\s*$/.test(source)) {
    reject(
      action,
      argName,
      `is a built-in or bound function, which has no source to ship: wrap it in an arrow function, e.g. (x) => Math.sqrt(x): received function ${label}`,
    );
  }
  if (/^class\b/.test(source)) {
    reject(action, argName, `is a class, not a function: received class ${label}`);
  }
  try {
    new Function(`return (${source}\n)`);
  } catch {
    reject(
      action,
      argName,
      `is a method (written name() { … }), which cannot be rebuilt from its source: use an arrow function, a function expression, or a module task (fromModule): received method ${label}`,
    );
  }
  if (!/^(?:async\s+)?function\b/.test(source) && tokenize(source).some((t) => t.text === "this")) {
    reject(
      action,
      argName,
      `is an arrow function that uses 'this' of the scope it was written in, which does not exist in a worker: pass what it needs as an argument: received ${label}`,
    );
  }
  const found = homes.length > 0 ? taskContext(homes, source, fn.name) : {};
  const key = specsBySource.size + 1;
  const base = homes.length > 0 ? { label, key, source, homes } : { label, key, source };
  const spec: TaskSpec = found.context
    ? { ...base, context: found.context }
    : found.problem
    ? { ...base, problem: found.problem }
    : base;
  specsBySource.set(id, spec);
  return spec;
}

/** The descriptor for a worker; `withSource` when the worker has not compiled it yet. */
export function taskDescriptor(spec: TaskSpec, withSource: boolean): TaskDescriptor {
  if (spec.module) {
    return { kind: "module", url: spec.module.url, exportName: spec.module.exportName };
  }
  if (!withSource) return { kind: "function", key: spec.key, name: spec.label };
  const { key, label: name, source, context, problem } = spec;
  if (context) return { kind: "function", key, name, source, context };
  return problem
    ? { kind: "function", key, name, source, problem }
    : { kind: "function", key, name, source };
}

/** Where functions inside arguments are revived: the worker's task runner (always loaded). */
const runnerModule = new URL("./_task_runner.ts", import.meta.url).href;

registerFunctionEncoder((fn, where, homes) => ({
  module: runnerModule,
  type: functionHandleType,
  state: taskDescriptor(
    toTaskSpec(fn, "send a function inside the arguments", where, homes),
    true,
  ),
}));

/** How a task travels to another machine: a module export, or its source and its modules. */
export function remoteTask(spec: TaskSpec): RemoteTask {
  if (spec.module) {
    return { kind: "module", url: spec.module.url, exportName: spec.module.exportName };
  }
  return { kind: "function", name: spec.label, source: spec.source, homes: spec.homes ?? [] };
}

const remoteSpecs = new Map<string, TaskSpec>();

/**
 * A task that came from another machine, ready for this one's pool: its modules are looked
 * up here (the same package must be installed), and a function gets a context of its own.
 */
export function specFromRemote(task: RemoteTask): TaskSpec {
  if (task.kind === "module") {
    return {
      label: task.exportName,
      module: { url: task.url, exportName: task.exportName },
      key: 0,
      source: "",
    };
  }
  const id = `${task.homes.join(" ")}\n${task.source}`;
  let spec = remoteSpecs.get(id);
  if (!spec) {
    const fn = new Function(`return (${task.source}\n)`)() as (...args: never[]) => unknown;
    Object.defineProperty(fn, "name", { value: task.name });
    spec = toTaskSpec(fn, "run a task from the broker", "task", task.homes, true);
    if (remoteSpecs.size > 10_000) remoteSpecs.clear();
    remoteSpecs.set(id, spec);
  }
  return spec;
}
