/**
 * The Bun adapter (Bun ≥ 1.2).
 *
 * @module
 */
import { bunGlobal } from "./_shims.ts";
import {
  currentThreadId,
  currentWorkerContext,
  exitThread,
  onPortMessage,
  onUncaught,
  spawnWorkerThread,
  takeMessage,
  unrefChannel,
  writeStderr,
} from "./_worker_threads.ts";
import { preferBunBundle } from "./_bundled_entry.ts";
import { currentChildContext, spawnChildProcess } from "./_child_process.ts";
import { osModule } from "./_builtins.ts";
import { connectSocket, listenSocket } from "./_socket.ts";
import { fileAccess } from "./_files.ts";
import type { Runtime } from "./types.ts";

/** Bun through its `node:worker_threads`. */
export function createBunRuntime(): Runtime {
  return {
    name: "bun",
    version: bunGlobal().version,
    pid: process.pid,
    threadId: currentThreadId,
    canTerminateBusyThread: true,
    // Bun accepts resourceLimits but ignores them.
    canLimitThreadMemory: false,
    // Bun has no heap limit flag: the child's watchdog aborts it when its memory grows past it.
    canLimitProcessMemory: true,
    nextTurnStaysAwake: (turn) => void setImmediate(turn),
    afterNextPoll: (fn) => void setImmediate(() => setImmediate(fn)),
    inspectKeys: [Symbol.for("nodejs.util.inspect.custom")],
    cpuCount: () => osModule().availableParallelism(),
    spawnThread: (entry, options) =>
      spawnWorkerThread(preferBunBundle(entry), options, { enforceHeapLimit: false }),
    spawnProcess: (entry, options) =>
      spawnChildProcess(preferBunBundle(entry), options, { enforceHeapLimit: false }),
    workerContext: currentWorkerContext,
    childContext: currentChildContext,
    unrefBroadcastChannel: unrefChannel,
    takeMessage,
    onPortMessage,
    listen: listenSocket,
    connect: connectSocket,
    onUncaughtError: onUncaught,
    exit: exitThread,
    writeError: writeStderr,
    warmedUp: () => {}, // nothing kept between workers
    ...fileAccess,
  };
}
