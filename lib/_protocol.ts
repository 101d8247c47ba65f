/**
 * The private wire protocol between a parent and its workers: tagged
 * messages, where user data only ever sits inside a field of a tagged
 * envelope, never at the top level.
 *
 * @module
 */
import type { Thrown } from "./_error_codec.ts";
import type { HandleSlot } from "./_serialize.ts";
import type { TaskDescriptor } from "./task.ts";

/** The tag of `workerData` that marks a polycore worker. */
export const bootTag = "polycore/boot@1";

/** What a worker is for. */
export type WorkerRole = "process" | "pool";

/** `workerData` of every polycore worker. */
export interface BootData {
  readonly tag: typeof bootTag;
  readonly role: WorkerRole;
  readonly name: string;
  readonly daemon: boolean;
  readonly parent: { readonly name: string; readonly pid: number; readonly threadId: number };
}

/** One call of a task. */
export interface Call {
  readonly id: number;
  readonly task: TaskDescriptor;
  readonly args: readonly unknown[];
  readonly handles?: readonly HandleSlot[];
}

/** How one call ended. */
export type Outcome =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly error: Thrown };

/** Parent → worker. */
export type ToWorker =
  | { readonly tag: "run"; readonly calls: readonly Call[] }
  | { readonly tag: "shutdown" };

/** Worker → parent. */
export type FromWorker =
  | { readonly tag: "ready" }
  | { readonly tag: "settled"; readonly outcomes: readonly Outcome[] }
  | { readonly tag: "fatal"; readonly error: Thrown };

/** Whether `data` is a polycore worker's boot data. */
export function isBootData(data: unknown): data is BootData {
  return typeof data === "object" && data !== null && (data as BootData).tag === bootTag;
}
