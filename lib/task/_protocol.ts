/**
 * The private wire protocol between a parent and its workers: tagged
 * messages, where user data only ever sits inside a field of a tagged
 * envelope, never at the top level.
 *
 * @module
 */
import type { DoorbellEnds } from "../pool/_doorbell.ts";
import type { Thrown } from "./error_codec.ts";
import type { ManagerListening } from "../manager/protocol.ts";
import type { HandleSlot } from "./values.ts";
import type { TaskDescriptor } from "./task.ts";

/** The name under which a task's module context exports its compiler (a direct `eval`). */
export const contextEvalName = "__polycoreEval";

/** The name under which a task's module context exports its initializers. */
export const contextInitName = "__polycoreInit";

/** Where a function task's module context lives (see `_module_context.ts`). */
export interface TaskContext {
  /** The context module's URL. */
  readonly url: string;
  /** The initializers (imports, variables, classes) the task needs, in the order they run. */
  readonly inits: readonly number[];
  /** The module binding that names the function itself (an imported or declared function). */
  readonly binding?: string;
}

/**
 * Where a thread's manager clients register how to sync their lazily
 * acknowledged writes (`{ pending: Set, syncAll() }`); the task runner syncs
 * before a task's result leaves the worker.
 */
export const managerSyncKey: unique symbol = Symbol.for("polycore.managerSync");

/**
 * How many module-task modules this worker is importing right now: a worker started then is
 * a module's top level starting workers again as it is imported (see `_spawn.ts`).
 */
export const importingTasksKey: unique symbol = Symbol.for("polycore.importingTasks");

/** The tag of `workerData` that marks a polycore worker. */
export const bootTag = "polycore/boot@1";

/** Where a worker's entry keeps its boot data, for code in any module copy of the worker. */
export const bootKey: unique symbol = Symbol.for("polycore.boot");

/** What a worker is for. */
export type WorkerRole = "process" | "pool" | "manager";

/** `workerData` of every polycore worker. */
export interface BootData {
  readonly tag: typeof bootTag;
  readonly role: WorkerRole;
  readonly name: string;
  readonly daemon: boolean;
  readonly parent: { readonly name: string; readonly pid: number; readonly threadId: number };
  /** A pool's initializer, run once before the worker's first call. */
  readonly init?: Invocation;
  /** A pool thread's port for calls and its doorbell (see `_doorbell.ts`). */
  readonly calls?: DoorbellEnds;
}

/** A task with its arguments. */
export interface Invocation {
  readonly task: TaskDescriptor;
  /** The arguments; a map chunk's items, when all numbers, packed (see `_packed.ts`). */
  readonly args: readonly unknown[] | Float64Array;
  readonly handles?: readonly HandleSlot[];
}

/**
 * How a call applies its task: once to `args` ("apply"), or to each item of
 * `args` as the single argument ("map") or as the argument list ("starmap").
 */
export type CallMode = "apply" | "map" | "starmap";

/**
 * One call of a task. On the wire a packed chunk travels as its buffer alone, in `packed` (with
 * empty `args`): a runtime that walks each message looking for ports (Deno's worker_threads)
 * walks a typed array index by index, but an `ArrayBuffer` not at all.
 */
export interface Call extends Invocation {
  readonly id: number;
  readonly mode?: CallMode;
  readonly packed?: ArrayBuffer;
}

/** How one item of a map chunk ended (the items after a failed one, when they ran). */
export type ItemOutcome =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: Thrown };

/**
 * How one call ended; a failed map chunk says which item failed. A map
 * chunk's results, when all numbers, arrive packed in a `Float64Array` — on
 * the wire, its buffer alone in `packed` (see {@linkcode Call}).
 */
export type Outcome =
  | {
    readonly id: number;
    readonly ok: true;
    readonly value: unknown;
    readonly packed?: ArrayBuffer;
  }
  | {
    readonly id: number;
    readonly ok: false;
    readonly error: Thrown;
    /** A map chunk's failing item. */
    readonly index?: number;
    /** The results of the chunk's items before `index`, when known. */
    readonly before?: readonly unknown[];
    /**
     * How the items right after `index` ended, when they ran (an async task's items all start
     * before one fails): they are not to be run again; the items after them are.
     */
    readonly after?: readonly ItemOutcome[];
  };

/** Parent → worker. */
export type ToWorker =
  | {
    readonly tag: "run";
    readonly calls: readonly Call[];
    /**
     * The results of the batches this worker was sent before this one may come back with this
     * one's: the parent needs none of them sooner (the last chunks of a `map`, whose promise
     * settles with its last chunk anyway). See `lib/pool/_held_results.ts`.
     */
    readonly holdPrevious?: true;
    /**
     * No call was left for this worker when this batch went (nothing was queued, or the rest went
     * to the other workers): no batch will come to hold this one's results, so a child process
     * sends them as soon as they are ready, without waiting for its loop's next poll.
     */
    readonly last?: true;
  }
  | { readonly tag: "shutdown" };

/** Worker → parent. */
export type FromWorker =
  | { readonly tag: "ready" }
  | { readonly tag: "settled"; readonly outcomes: readonly Outcome[]; readonly elapsedMs: number }
  | { readonly tag: "fatal"; readonly error: Thrown }
  | { readonly tag: "init-failed"; readonly error: Thrown }
  | ManagerListening;

/** Whether `data` is a polycore worker's boot data. */
export function isBootData(data: unknown): data is BootData {
  return typeof data === "object" && data !== null && (data as BootData).tag === bootTag;
}
