/**
 * The Node adapter (Node ≥ 22).
 *
 * @module
 */
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
import { preferNodeBoot } from "./_bundled_entry.ts";
import { currentChildContext, spawnChildProcess } from "./_child_process.ts";
import { osModule } from "./_builtins.ts";
import { connectSocket, listenSocket } from "./_socket.ts";
import { fileAccess } from "./_files.ts";
import type { Runtime } from "./types.ts";

/**
 * `execArgv` for workers on a Node that cannot strip types: an esbuild-based
 * loader, since workers do not inherit hooks installed with `register()`.
 */
function typeScriptExecArgv(): string[] | undefined {
  const features = process.features as { typescript?: string | false };
  if (features.typescript) return undefined;
  const loader = new URL("./node_ts_loader.mjs", import.meta.url).href;
  return process.execArgv.includes(loader) ? undefined : [...process.execArgv, "--import", loader];
}

const saveCompiledCodeKey = Symbol.for("polycore.saveCompiledCode");

/** Saves the code cache, if this worker was started by the bootstrap without a valid one. */
function saveCompiledCode(): void {
  const global = globalThis as { [saveCompiledCodeKey]?: () => void };
  const save = global[saveCompiledCodeKey];
  delete global[saveCompiledCodeKey];
  save?.();
}

/** Node through `node:worker_threads` and `node:child_process`. */
export function createNodeRuntime(): Runtime {
  return {
    name: "node",
    version: process.versions.node,
    pid: process.pid,
    threadId: currentThreadId,
    canTerminateBusyThread: true,
    canLimitThreadMemory: true,
    canLimitProcessMemory: true,
    nextTurnStaysAwake: (turn) => void setImmediate(turn),
    // The first turn's check phase comes before the loop's next poll; the second's after it.
    afterNextPoll: (fn) => void setImmediate(() => setImmediate(fn)),
    inspectKeys: [Symbol.for("nodejs.util.inspect.custom")],
    cpuCount: () => osModule().availableParallelism(),
    spawnThread: (entry, options) =>
      spawnWorkerThread(preferNodeBoot(entry), options, {
        execArgv: typeScriptExecArgv(),
        enforceHeapLimit: true,
      }),
    spawnProcess: (entry, options) =>
      spawnChildProcess(preferNodeBoot(entry), options, {
        execArgv: typeScriptExecArgv(),
        enforceHeapLimit: true,
      }),
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
    warmedUp: saveCompiledCode,
    ...fileAccess,
  };
}
