/**
 * The worker side of tasks: turns descriptors back into functions (compiled
 * once per worker and cached), runs calls and settles them as outcomes.
 *
 * @module
 */
import { encodeThrown } from "./error_codec.ts";
import {
  type Call,
  contextEvalName,
  contextInitName,
  importingTasksKey,
  type Invocation,
  type ItemOutcome,
  managerSyncKey,
  type Outcome,
  type TaskContext,
} from "./_protocol.ts";
import { applyPacked, markPacked, ResultCollector } from "./_packed.ts";
import { decodeArgs, functionHandleType, registerHandleType } from "./values.ts";
import type { TaskDescriptor } from "./task.ts";
import { evaluate, importModule } from "./_module_loader.ts";

type AnyFunction = (...args: unknown[]) => unknown;
type Compiler = (code: string) => unknown;

interface Compiled {
  readonly fn: AnyFunction;
  readonly source: string;
  readonly problem?: string;
}

interface LoadedContext {
  readonly compile: Compiler;
  readonly initializers: ReadonlyArray<() => unknown>;
  /** Each initializer run so far, by index: it runs once per worker. */
  readonly runs: Map<number, Promise<unknown>>;
}

const compiled = new Map<number, Compiled>();
/** Function tasks being compiled in their module context, by key. */
const compiling = new Map<number, Promise<AnyFunction>>();
const imported = new Map<string, AnyFunction>();
const contexts = new Map<string, Promise<LoadedContext>>();

/** A context module, imported once per worker. */
function loadContext(url: string): Promise<LoadedContext> {
  let loaded = contexts.get(url);
  if (!loaded) {
    loaded = importModule(url).then(
      (module) => ({
        compile: module[contextEvalName] as Compiler,
        initializers: module[contextInitName] as Array<() => unknown>,
        runs: new Map(),
      }),
      (error) => {
        throw new Error(`Cannot load a task's module context ${url}`, { cause: error });
      },
    );
    contexts.set(url, loaded);
  }
  return loaded;
}

/** Runs the initializers a task needs, each once per worker, in order. */
async function initialize(context: LoadedContext, inits: readonly number[]): Promise<void> {
  for (const index of inits) {
    let run = context.runs.get(index);
    if (!run) {
      run = Promise.resolve().then(() => context.initializers[index]());
      context.runs.set(index, run);
    }
    await run;
  }
}

function compile(
  task: TaskDescriptor & { kind: "function" },
  source: string,
  compiler?: Compiler,
  context?: TaskContext,
): AnyFunction {
  const fileName = `polycore-task-${task.name.replace(/[^\w$]/g, "_")}-${task.key}.js`;
  const code = `(${source}\n)\n//# sourceURL=${fileName}`;
  let fn: AnyFunction | undefined;
  if (compiler && context?.binding) {
    // The module's own binding, when it is this very function: an imported or declared one.
    const own = compiler(context.binding);
    if (typeof own === "function" && Function.prototype.toString.call(own) === source) {
      fn = own as AnyFunction;
    }
  }
  fn ??= (compiler ? compiler(code) : evaluate(code)) as AnyFunction;
  compiled.set(task.key, { fn, source, problem: task.problem });
  return fn;
}

async function compileInContext(
  task: TaskDescriptor & { kind: "function" },
  source: string,
  context: TaskContext,
): Promise<AnyFunction> {
  let loaded: LoadedContext;
  try {
    loaded = await loadContext(context.url);
  } catch (error) {
    // A context that cannot load (say, a module syntax its scan misread) must not fail tasks
    // that need none of it: they run as plain source, and a name they miss says why.
    const cause = (error as Error).cause ?? error;
    const why = `loading it failed: ${cause instanceof Error ? cause.message : String(cause)}`;
    return compiled.get(task.key)?.fn ?? compile({ ...task, problem: why }, source);
  }
  await initialize(loaded, context.inits);
  return compiled.get(task.key)?.fn ?? compile(task, source, loaded.compile, context);
}

async function importTask(url: string, exportName: string): Promise<AnyFunction> {
  const id = `${url}#${exportName}`;
  const known = imported.get(id);
  if (known) return known;
  const importing = globalThis as { [importingTasksKey]?: number };
  importing[importingTasksKey] = (importing[importingTasksKey] ?? 0) + 1;
  let module: Record<string, unknown>;
  try {
    module = await importModule(url);
  } finally {
    importing[importingTasksKey]!--;
  }
  const fn = module[exportName];
  if (typeof fn !== "function") {
    throw new TypeError(
      `Cannot run module task '${exportName}' as ${url} does not export a function by that name: found ${typeof fn}`,
    );
  }
  imported.set(id, fn as AnyFunction);
  return fn as AnyFunction;
}

// A function inside a task's arguments arrives as its descriptor: compiled (and cached) here.
registerHandleType(functionHandleType, (state) => resolveTask(state as TaskDescriptor));

/** The function a descriptor names. */
export function resolveTask(task: TaskDescriptor): AnyFunction | Promise<AnyFunction> {
  if (task.kind === "module") return importTask(task.url, task.exportName);
  const known = compiled.get(task.key);
  if (known) return known.fn;
  // Compiling in a module context is async: later calls of the same batch (sent without the
  // source) wait for it, and see its error if it failed.
  const pending = compiling.get(task.key);
  if (pending) return pending;
  if (task.source === undefined) {
    throw new Error(`polycore internal error: task ${task.key} arrived without its source`);
  }
  if (!task.context) return compile(task, task.source);
  const compiledInContext = compileInContext(task, task.source, task.context);
  compiling.set(task.key, compiledInContext);
  return compiledInContext;
}

const undefinedVariable = /^(?:([\w$]+) is not defined|Can't find variable: ([\w$]+))$/;

/**
 * A function task that reads a variable from its enclosing scope fails in the
 * worker with a bare ReferenceError: explain why, and what to do instead.
 */
function explainFreeVariable(error: unknown, task: TaskDescriptor): unknown {
  if (task.kind !== "function" || !(error instanceof ReferenceError)) return error;
  const match = undefinedVariable.exec(error.message);
  const variable = match?.[1] ?? match?.[2];
  const source = compiled.get(task.key)?.source ?? "";
  if (!variable || !new RegExp(`(^|[^\\w$.])${variable.replace("$", "\\$")}\\b`).test(source)) {
    return error;
  }
  const problem = compiled.get(task.key)?.problem;
  const why = `task '${task.name}' can use its arguments, globals, and the imports and ` +
    `top-level declarations of the module it was written in, but '${variable}' is none of ` +
    `these: a variable of an enclosing function (or a name made by eval or with) does not ` +
    `travel${problem ? ` (and its module gave no context: ${problem})` : ""}. Pass ` +
    `'${variable}' as an argument, declare it at the module's top level, or export the ` +
    `function from a module and run it with fromModule()`;
  error.message = `'${variable}' is not defined in the worker: ${why}`;
  return error;
}

/** Runs a task on its arguments, as an initializer or a single call. */
export async function invoke(invocation: Invocation): Promise<unknown> {
  const fn = await resolveTask(invocation.task);
  const args = await decodeArgs(invocation.args as unknown[], invocation.handles);
  return await fn(...args);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === "function";
}

/**
 * Where a chunk failed: the item, the results before it, and how the items right after it
 * ended when they had started too (an async task's).
 */
interface FailedAt {
  index: number;
  before?: unknown[];
  after?: PromiseSettledResult<unknown>[];
}

/**
 * An async task's chunk whose started items have all `settled`, one or more of them rejected:
 * throws the first rejection, with the results before it and how each later started item ended
 * in `failedAt` (those are reported, not run again).
 */
function throwFirstRejection(settled: PromiseSettledResult<unknown>[], failedAt: FailedAt): never {
  const first = settled.findIndex((s) => s.status === "rejected");
  failedAt.index = first;
  failedAt.before = settled.slice(0, first).map((s) =>
    (s as PromiseFulfilledResult<unknown>).value
  );
  failedAt.after = settled.slice(first + 1);
  throw (settled[first] as PromiseRejectedResult).reason;
}

/**
 * Applies `fn` to every item of a chunk; `failedAt` tells which item threw, with the results of
 * the items before it (so that the caller can yield them, and run the items after it anew) and,
 * for an async task, how the items after it that had started ended. Results that are all
 * numbers come back packed (see `_packed.ts`).
 */
async function runChunk(
  fn: AnyFunction,
  items: ArrayLike<unknown>,
  spread: boolean,
  failedAt: FailedAt,
): Promise<unknown[] | Float64Array> {
  let results: ResultCollector;
  let pending = false;
  let start = 0;
  if (!spread && items instanceof Float64Array) {
    // Numbers in, numbers out: a loop of its own, results written straight into a packed array.
    const packed = new Float64Array(items.length);
    const at: { index: number; value?: unknown } = { index: -1 };
    try {
      start = applyPacked(fn, items, packed, at);
    } catch (error) {
      failedAt.index = at.index;
      failedAt.before = Array.from(packed.subarray(0, at.index));
      throw error;
    }
    if (start < 0) return markPacked(packed);
    results = ResultCollector.after(packed, start);
    results.set(start, at.value);
    pending = isThenable(at.value);
    start++;
  } else {
    results = new ResultCollector(items.length);
  }
  try {
    for (let i = start; i < items.length; i++) {
      failedAt.index = i;
      const value = spread ? fn(...(items[i] as unknown[])) : fn(items[i]);
      if (typeof value === "object" && value !== null && isThenable(value)) pending = true;
      results.set(i, value);
    }
  } catch (error) {
    if (!pending) {
      failedAt.before = results.prefix(failedAt.index);
      throw error;
    }
    // Earlier items of an async task are still running: the chunk ends when they have; the
    // items after the one that threw never started.
    const settled = await Promise.allSettled(results.list!.slice(0, failedAt.index));
    throwFirstRejection([...settled, { status: "rejected", reason: error }], failedAt);
  }
  const list = results.list;
  if (!pending || list === undefined) return results.result();
  const settled = await Promise.allSettled(list);
  if (settled.some((end) => end.status === "rejected")) throwFirstRejection(settled, failedAt);
  return settled.map((end) => (end as PromiseFulfilledResult<unknown>).value);
}

interface ManagerSync {
  readonly pending: { readonly size: number };
  syncAll(unanswered: boolean): Promise<void>;
}

/**
 * Waits until the manager has served this thread's lazily acknowledged writes (if any); with
 * `unanswered`, until every manager request of the thread has its answer too (awaited or not),
 * which only the thread's one running call may wait for.
 */
export async function syncManagerWrites(unanswered = false): Promise<void> {
  if (managerWritesPending()) await managerSync()!.syncAll(unanswered);
}

function managerSync(): ManagerSync | undefined {
  return (globalThis as Record<symbol, unknown>)[managerSyncKey] as ManagerSync | undefined;
}

/** Whether {@linkcode syncManagerWrites} has anything to wait for. */
export function managerWritesPending(): boolean {
  const hook = managerSync();
  return hook !== undefined && hook.pending.size > 0;
}

/** The function a descriptor names, when it is ready to call now (compiled or imported before). */
function readyTask(task: TaskDescriptor): AnyFunction | undefined {
  return task.kind === "module"
    ? imported.get(`${task.url}#${task.exportName}`)
    : compiled.get(task.key)?.fn;
}

/**
 * Runs a call of `apply` mode at once when it can end at once, as {@linkcode runCall} would:
 * its task ready, no handles to revive. Returns its outcome; the promise of it when the task
 * went async (returned a promise, or left manager writes to wait for); `undefined`, having run
 * nothing, when the call cannot start at once (then {@linkcode runCall} runs it).
 */
export function runCallNow(call: Call): Outcome | Promise<Outcome> | undefined {
  if (call.mode !== undefined && call.mode !== "apply") return undefined;
  if (call.handles !== undefined || !Array.isArray(call.args)) return undefined;
  const fn = readyTask(call.task);
  if (fn === undefined) return undefined;
  let value: unknown;
  try {
    value = fn(...call.args);
  } catch (error) {
    return failedCall(call, error);
  }
  if (isThenable(value) || managerWritesPending()) return settleLater(call, value);
  return { id: call.id, ok: true, value };
}

async function settleLater(call: Call, value: unknown): Promise<Outcome> {
  try {
    const settled = await value;
    await syncManagerWrites();
    return { id: call.id, ok: true, value: settled };
  } catch (error) {
    return failedCall(call, error);
  }
}

function failedCall(call: Call, error: unknown): Outcome {
  return { id: call.id, ok: false, error: encodeThrown(explainFreeVariable(error, call.task)) };
}

/** Runs one call and settles it; its manager writes are served before it settles. */
export async function runCall(call: Call): Promise<Outcome> {
  const failedAt: FailedAt = { index: -1 };
  try {
    if (call.mode === "map" || call.mode === "starmap") {
      const fn = await resolveTask(call.task);
      const items = call.packed
        ? new Float64Array(call.packed)
        : await decodeArgs(call.args as unknown[], call.handles);
      const value = await runChunk(fn, items, call.mode === "starmap", failedAt);
      failedAt.index = -1;
      await syncManagerWrites();
      return { id: call.id, ok: true, value };
    }
    const value = await invoke(call);
    await syncManagerWrites();
    return { id: call.id, ok: true, value };
  } catch (error) {
    const encode = (thrown: unknown) => encodeThrown(explainFreeVariable(thrown, call.task));
    if (failedAt.index < 0) return { id: call.id, ok: false, error: encode(error) };
    const { index, before, after } = failedAt;
    return {
      id: call.id,
      ok: false,
      error: encode(error),
      index,
      ...(before ? { before } : {}),
      ...(after?.length
        ? {
          after: after.map((end): ItemOutcome =>
            end.status === "fulfilled"
              ? { ok: true, value: end.value }
              : { ok: false, error: encode(end.reason) }
          ),
        }
        : {}),
    };
  }
}
