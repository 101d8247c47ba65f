/**
 * The Deno adapter (Deno ≥ 2). Threads go through `node:worker_threads`: unlike
 * Deno's web `Worker` it has `unref()`, exit codes and errors that do not
 * crash the parent.
 *
 * @module
 */
import { denoGlobal } from "./_shims.ts";
import {
  currentThreadId,
  currentWorkerContext,
  exitThread,
  onPortMessage,
  onUncaught,
  spawnWorkerThread,
  takeMessage,
  writeStderr,
} from "./_worker_threads.ts";
import { preferBundledEntry } from "./_bundled_entry.ts";
import { currentChildContext, spawnChildProcess } from "./_child_process.ts";
import { osModule } from "./_builtins.ts";
import { connectSocket, listenSocket } from "./_socket.ts";
import { fileAccess } from "./_files.ts";
import type { BroadcastChannelLike, Runtime } from "./types.ts";

/**
 * Deno's `BroadcastChannel` has no `unref()`, but an internal ref switch under a
 * symbol described as "refBroadcastChannel".
 */
function unrefDenoChannel(channel: BroadcastChannelLike): void {
  for (let proto: object | null = channel; proto; proto = Object.getPrototypeOf(proto)) {
    const key = Object.getOwnPropertySymbols(proto).find((symbol) =>
      symbol.description === "refBroadcastChannel"
    );
    const ref = key && (channel as unknown as Record<symbol, unknown>)[key];
    if (typeof ref === "function") return void ref.call(channel, false);
  }
}

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
    inspectKeys: [Symbol.for("Deno.customInspect"), Symbol.for("nodejs.util.inspect.custom")],
    cpuCount: () => osModule().availableParallelism(),
    spawnThread: (entry, options) => spawnWorkerThread(entry, options, { enforceHeapLimit: false }),
    spawnProcess: (entry, options) =>
      spawnChildProcess(preferBundledEntry(entry), options, {
        enforceHeapLimit: true,
        // send() of an unserializable value breaks the channel instead of throwing.
        checkSerializable: true,
      }),
    workerContext: currentWorkerContext,
    childContext: () => currentChildContext({ checkSerializable: true }),
    unrefBroadcastChannel: unrefDenoChannel,
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
