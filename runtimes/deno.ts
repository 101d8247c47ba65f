/**
 * The Deno adapter (Deno ≥ 2). Threads go through `node:worker_threads`: unlike
 * Deno's web `Worker` it has `unref()`, exit codes and errors that do not
 * crash the parent.
 *
 * @module
 */
import os from "node:os";
import { denoGlobal } from "./_shims.ts";
import {
  currentThreadId,
  currentWorkerContext,
  exitThread,
  onUncaught,
  spawnWorkerThread,
  writeStderr,
} from "./_worker_threads.ts";
import process from "node:process";
import { preferBundledEntry } from "./_bundled_entry.ts";
import { currentChildContext, spawnChildProcess } from "./_child_process.ts";
import { connectSocket, listenSocket } from "./_socket.ts";
import type { Runtime } from "./types.ts";

/** Deno through its Node compatibility layer. */
export function createDenoRuntime(): Runtime {
  return {
    name: "deno",
    version: denoGlobal().version.deno,
    pid: process.pid,
    threadId: currentThreadId,
    // A thread spinning in JavaScript keeps running after terminate() on Deno.
    canTerminateBusyThread: false,
    // resourceLimits makes a thread wedge silently at the limit instead of failing.
    canLimitThreadMemory: false,
    canLimitProcessMemory: true,
    cpuCount: () => os.availableParallelism(),
    spawnThread: (entry, options) => spawnWorkerThread(entry, options, { enforceHeapLimit: false }),
    spawnProcess: (entry, options) =>
      spawnChildProcess(preferBundledEntry(entry), options, { enforceHeapLimit: true }),
    workerContext: currentWorkerContext,
    childContext: currentChildContext,
    listen: listenSocket,
    connect: connectSocket,
    onUncaughtError: onUncaught,
    exit: exitThread,
    writeError: writeStderr,
  };
}
