/**
 * Worker threads through `node:worker_threads`, the one thread API with exit
 * codes, `unref()` and contained errors on all three runtimes. Each adapter
 * builds on it with its own capabilities.
 *
 * @module
 */
import {
  isMainThread,
  parentPort,
  receiveMessageOnPort,
  threadId,
  Worker,
  workerData,
} from "node:worker_threads";
/** The transfer list types `node:worker_threads` declares. */
type WorkerTransferList = Parameters<Worker["postMessage"]>[1];
type ConstructorTransferList = NonNullable<ConstructorParameters<typeof Worker>[1]>["transferList"];

import type {
  BroadcastChannelLike,
  MessageEndpoint,
  PortLike,
  SpawnOptions,
  Transferable,
  WorkerChannel,
  WorkerContext,
} from "./types.ts";

/** Extra `node:worker_threads` options an adapter may add. */
export interface SpawnTweaks {
  readonly execArgv?: string[];
  readonly enforceHeapLimit: boolean;
}

/**
 * `entry` as a URL `node:worker_threads` accepts: itself when it is a `file:` or `data:` URL,
 * else a `data:` module that imports it. Deno loads polycore from `https:` when it comes from
 * JSR, and its `Worker` takes only `file:` and `data:` URLs.
 */
function loadable(entry: URL): URL {
  if (entry.protocol === "file:" || entry.protocol === "data:") return entry;
  return new URL(`data:text/javascript,import ${encodeURIComponent(JSON.stringify(entry.href))};`);
}

/** Starts `entry` in a `node:worker_threads` Worker. */
export function spawnWorkerThread(
  entry: URL,
  options: SpawnOptions,
  tweaks: SpawnTweaks,
): WorkerChannel {
  const limits = tweaks.enforceHeapLimit && options.maxHeapMb !== undefined
    ? { maxOldGenerationSizeMb: options.maxHeapMb }
    : undefined;
  const worker = new Worker(loadable(entry), {
    name: options.name,
    workerData: options.data,
    ...(options.transfer
      ? { transferList: [...options.transfer] as unknown as ConstructorTransferList }
      : {}),
    ...(tweaks.execArgv ? { execArgv: tweaks.execArgv } : {}),
    ...(limits ? { resourceLimits: limits } : {}),
  });
  // Always listen for errors: an unhandled worker `error` event crashes the parent on Node and Bun.
  let errorHandler: (error: unknown) => void = () => {};
  worker.on("error", (error) => errorHandler(error));
  return {
    threadId: worker.threadId,
    pid: process.pid,
    post(message: unknown, transfer?: readonly Transferable[]) {
      worker.postMessage(message, transfer as WorkerTransferList);
    },
    onMessage(handler) {
      worker.on("message", handler);
    },
    onExit(handler) {
      worker.once("exit", (code) => handler(code, null));
    },
    onError(handler) {
      errorHandler = handler;
    },
    async terminate() {
      await worker.terminate();
    },
    kill() {
      void worker.terminate();
    },
    ref() {
      worker.ref();
    },
    unref() {
      worker.unref();
    },
  };
}

/** The current worker's view of its parent, or `null` on the main thread. */
export function currentWorkerContext(): WorkerContext | null {
  if (isMainThread || parentPort === null) return null;
  const port = parentPort;
  const parent: MessageEndpoint = {
    post(message: unknown, transfer?: readonly Transferable[]) {
      port.postMessage(message, transfer as WorkerTransferList);
    },
    onMessage(handler) {
      port.on("message", handler);
    },
  };
  return { data: workerData, parent, unrefParent: () => port.unref() };
}

/** Takes the next message waiting on `port`, if any (`receiveMessageOnPort`). */
export function takeMessage(port: PortLike): { readonly message: unknown } | undefined {
  return receiveMessageOnPort(port as unknown as Parameters<typeof receiveMessageOnPort>[0]);
}

/**
 * Listens on `port`: with `on("message")` where the port has it (Node's ports are emitters, and
 * `onmessage` would build a `MessageEvent` per message, loading undici in each worker).
 */
export function onPortMessage(port: PortLike, handler: (message: unknown) => void): void {
  const emitter = port as unknown as MessagePort & {
    on?: (event: "message", h: (m: unknown) => void) => void;
  };
  if (typeof emitter.on === "function") emitter.on("message", handler);
  else emitter.onmessage = (event: MessageEvent) => handler(event.data);
}

/** The calling thread's id (0 on the main thread). */
export const currentThreadId: number = threadId;

/** Routes uncaught exceptions and unhandled rejections of this thread to `handler`. */
export function onUncaught(handler: (error: unknown) => void): void {
  process.on("uncaughtException", handler);
  process.on("unhandledRejection", handler);
}

/** Ends this thread (in a worker) or the program. */
export function exitThread(code: number): never {
  process.exit(code);
}

/** Writes to standard error. */
export function writeStderr(text: string): void {
  process.stderr.write(text);
}

/** Node and Bun: a `BroadcastChannel` has `unref()`. */
export function unrefChannel(channel: BroadcastChannelLike): void {
  (channel as BroadcastChannelLike & { unref?: () => void }).unref?.();
}
