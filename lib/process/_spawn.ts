/**
 * Starting a polycore worker on either backend, and reading how it ended.
 *
 * @module
 */
import { runtime } from "../../runtimes/mod.ts";
import type { Transferable, WorkerChannel } from "../../runtimes/types.ts";
import {
  type BootData,
  bootTag,
  importingTasksKey,
  type Invocation,
  type WorkerRole,
} from "../task/_protocol.ts";
import { ProcessError } from "../errors.ts";
import { currentProcess } from "./current_process.ts";
import type { HandleSlot } from "../task/values.ts";
import type { Backend } from "../context.ts";

const entryUrl = new URL("../_entry.ts", import.meta.url);

/** The boot data of a new worker started by this thread (which becomes its parent). */
export function bootData(
  role: WorkerRole,
  name: string,
  daemon: boolean,
  init?: Invocation,
): BootData {
  const me = currentProcess();
  return {
    tag: bootTag,
    role,
    name,
    daemon,
    parent: { name: me.name, pid: me.pid, threadId: me.threadId },
    ...(init ? { init } : {}),
  };
}

/**
 * Python's guard against a main module that starts processes again when a child imports it
 * (`if __name__ == "__main__":`): a worker may not start workers while it imports a task's
 * module — that module's top level is starting them, and every new worker would do the same.
 */
function refuseWhileImportingTasks(): void {
  const importing = (globalThis as { [importingTasksKey]?: number })[importingTasksKey] ?? 0;
  if (importing === 0) return;
  throw new ProcessError(
    "Cannot start a worker while this worker is importing a task's module: that module's top " +
      "level starts workers, and each new worker would import it and start more. Pass the " +
      "function itself instead of fromModule() (its module's top level then never runs in a " +
      'worker), or guard the top level with `if (currentProcess().name === "MainProcess")`, ' +
      'Python\'s `if __name__ == "__main__":`',
  );
}

/** Starts a worker running polycore's entry on `backend`; `transfer` moves with a thread's boot data. */
export function spawnWorker(
  backend: Backend,
  boot: BootData,
  maxHeapMb?: number,
  transfer?: readonly Transferable[],
): WorkerChannel {
  refuseWhileImportingTasks();
  const options = {
    name: boot.name,
    data: boot,
    ...(maxHeapMb ? { maxHeapMb } : {}),
    ...(transfer ? { transfer } : {}),
  };
  return backend === "process"
    ? runtime.spawnProcess(entryUrl, options)
    : runtime.spawnThread(entryUrl, options);
}

/** POSIX signal numbers (the same on Linux and macOS for these). */
const signalNumbers: Record<string, number> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGILL: 4,
  SIGTRAP: 5,
  SIGABRT: 6,
  SIGBUS: 7,
  SIGFPE: 8,
  SIGKILL: 9,
  SIGSEGV: 11,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
};

/** Python's exit code: the code, or minus the signal number when a signal ended it. */
export function exitCodeOf(code: number | null, signal: string | null): number {
  if (signal) return -(signalNumbers[signal] ?? 128);
  return code ?? 1;
}

/** Whether an exit looks like V8 aborting at its heap limit (SIGABRT on Node, SIGTRAP on Deno). */
export function looksOutOfMemory(code: number | null, signal: string | null): boolean {
  return signal === "SIGABRT" || signal === "SIGTRAP" || code === 134 || code === 133;
}

/** The manager call that gives a process-safe equivalent of each shared-memory handle. */
/** The Manager's factory for each shared-memory type, for errors on the process backend. */
export const managerAlternatives: Record<string, string> = {
  Lock: "Lock()",
  RLock: "RLock()",
  Semaphore: "Semaphore(n)",
  BoundedSemaphore: "BoundedSemaphore(n)",
  Event: "Event()",
  Condition: "Condition()",
  Barrier: "Barrier(parties)",
  Value: "Value(typecode, value)",
  RawValue: "Value(typecode, value)",
  SharedArray: "Array(typecode, items)",
  RawArray: "Array(typecode, items)",
  Queue: "Queue(maxsize)",
  SimpleQueue: "Queue()",
  JoinableQueue: "JoinableQueue(maxsize)",
  Connection: "Pipe(duplex)",
};

/**
 * Refuses handles that live in shared memory on a backend that has none
 * (Python: "Synchronized objects should only be shared between processes
 * through inheritance").
 */
export function checkHandlesFor(
  backend: Backend,
  handles: readonly HandleSlot[] | undefined,
  what: string,
): void {
  if (backend !== "process" || !handles) return;
  const shared = handles.find((slot) => slot.descriptor.sharesMemory);
  if (!shared) return;
  const type = shared.descriptor.type.replace(/^polycore\./, "");
  const alternative = managerAlternatives[type];
  const advice = alternative
    ? `Use a Manager instead: \`await using manager = await Manager.start(); ` +
      `const x = await manager.${alternative}\`, or the thread backend`
    : `Use the thread backend, or share the data through a Manager (manager.dict(), manager.list())`;
  throw new TypeError(
    `Cannot pass a ${type} to ${what} on the process backend: it lives in shared memory, which ` +
      `child processes do not share. ${advice}`,
  );
}
