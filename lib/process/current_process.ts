/**
 * Who am I: the current process (main program or worker) and its parent.
 *
 * @module
 */
import { runtime } from "../../runtimes/mod.ts";
import { type BootData, bootKey, isBootData } from "../task/_protocol.ts";

/** What a program or worker knows about a process (Python: a `Process` object's read-only side). */
export interface ProcessInfo {
  /** `"MainProcess"` for the main program, `"Process-1"`, … or the given name for workers. */
  readonly name: string;
  /** The OS process id. Thread workers share the program's pid; see `threadId`. */
  readonly pid: number;
  /** The runtime's thread id: 0 on a program's main thread. */
  readonly threadId: number;
  /** Whether it is a daemon (never keeps the program alive). */
  readonly daemon: boolean;
}

function bootData(): BootData | undefined {
  const data = (globalThis as Record<symbol, unknown>)[bootKey] ?? runtime.workerContext()?.data;
  return isBootData(data) ? data : undefined;
}

/**
 * The process this code runs in (Python: `multiprocessing.current_process()`).
 *
 * @example Name and pid of the main program
 * ```ts
 * import { currentProcess } from "./current_process.ts";
 * console.log(currentProcess().name); // "MainProcess"
 * ```
 */
export function currentProcess(): ProcessInfo {
  const boot = bootData();
  return {
    name: boot?.name ?? "MainProcess",
    pid: runtime.pid,
    threadId: runtime.threadId,
    daemon: boot?.daemon ?? false,
  };
}

/**
 * The process that started this one, or `null` in the main program (Python:
 * `multiprocessing.parent_process()`).
 *
 * @example
 * ```ts
 * import { parentProcess } from "./current_process.ts";
 * console.log(parentProcess()); // null in the main program
 * ```
 */
export function parentProcess(): ProcessInfo | null {
  const parent = bootData()?.parent;
  return parent ? { ...parent, daemon: false } : null;
}
