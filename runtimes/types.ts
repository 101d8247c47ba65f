/**
 * The narrow contract every runtime adapter implements. `lib/` talks to the
 * runtime only through this interface, and asks capabilities, never names.
 *
 * @module
 */

/** The runtimes polycore runs on. */
export type RuntimeName = "node" | "deno" | "bun";

/**
 * A message port (the web's `MessagePort`, which every runtime has), typed by what polycore
 * uses so that its declarations need neither the DOM library nor `node:worker_threads`.
 */
export interface PortLike {
  postMessage(message: unknown, transfer?: readonly unknown[]): void;
  close(): void;
}

/** A `BroadcastChannel`, typed by what polycore uses (see {@linkcode PortLike}). */
export interface BroadcastChannelLike {
  postMessage(message: unknown): void;
  close(): void;
}

/** Something a message can carry by transfer instead of by copy. */
export type Transferable = ArrayBuffer | PortLike;

/** One end of a message channel: the parent's view of a worker, or a worker's view of its parent. */
export interface MessageEndpoint {
  /** Sends a message (structured clone); `transfer` moves buffers and ports. */
  post(message: unknown, transfer?: readonly Transferable[]): void;
  /** Sets the single message handler. */
  onMessage(handler: (message: unknown) => void): void;
}

/** Options for {@linkcode Runtime.spawnThread} and {@linkcode Runtime.spawnProcess}. */
export interface SpawnOptions {
  /** Shown in debuggers and error messages. */
  readonly name: string;
  /**
   * Delivered to the worker: a thread gets it as {@linkcode WorkerContext.data}, a child
   * process as the first message on its {@linkcode Runtime.childContext} endpoint.
   */
  readonly data: unknown;
  /** Heap limit in MiB, where the runtime can enforce it (see the capability flags). */
  readonly maxHeapMb?: number;
  /** What moves with a thread's `data` instead of being copied (ports); threads only. */
  readonly transfer?: readonly Transferable[];
}

/** The parent's handle on a spawned worker: a thread or a child process. */
export interface WorkerChannel extends MessageEndpoint {
  /** The runtime's thread id of a thread worker; 0 for a child process. */
  readonly threadId: number;
  /** The OS process id: the program's own for a thread, the child's for a process. */
  readonly pid: number;
  /**
   * Called once when the worker has stopped and every message it sent has been
   * delivered, with its exit code, or the signal that ended it.
   */
  onExit(handler: (code: number | null, signal: string | null) => void): void;
  /** Called for an error the runtime reports outside any task (load failure, crash). */
  onError(handler: (error: unknown) => void): void;
  /**
   * Stops the worker: a thread at once; a child process with SIGTERM, then
   * SIGKILL if it has not exited after a grace period. Resolves once it has stopped.
   */
  terminate(): Promise<void>;
  /** Stops the worker at once (SIGKILL for a child process). */
  kill(): void;
  /** Lets the worker keep the program alive (the default). */
  ref(): void;
  /** Lets the program exit while the worker runs. */
  unref(): void;
}

/** A message connection over a local socket. */
export interface SocketConnection extends MessageEndpoint {
  /** Called once when the connection closes (either side, or the peer died). */
  onClose(handler: () => void): void;
  /** Closes the connection. */
  close(): void;
  /** Lets the connection keep the program alive (the default). */
  ref(): void;
  /** Lets the program exit while the connection is open. */
  unref(): void;
}

/** A socket server that {@linkcode Runtime.connect} can reach by its address. */
export interface SocketServer {
  /** Where clients connect (a Unix socket path). */
  readonly address: string;
  /** Stops listening and removes the socket file. */
  close(): Promise<void>;
  /** Lets the program exit while the server listens. */
  unref(): void;
}

/** What a worker knows about itself. */
export interface WorkerContext {
  /** The `data` given to {@linkcode Runtime.spawnThread}. */
  readonly data: unknown;
  /** The channel to the parent. */
  readonly parent: MessageEndpoint;
  /** Lets the worker's loop end while the parent channel stays open. */
  unrefParent(): void;
}

/** A runtime adapter: the only place that touches Node, Deno or Bun APIs. */
export interface Runtime {
  /** Which runtime this is. */
  readonly name: RuntimeName;
  /** Its version, e.g. `"24.21.0"`. */
  readonly version: string;
  /** The OS process id of this program. */
  readonly pid: number;
  /** The thread id of the calling thread (0 on the main thread). */
  readonly threadId: number;
  /** Whether `terminate()` stops a thread that is spinning in JavaScript (false on Deno). */
  readonly canTerminateBusyThread: boolean;
  /** Whether `maxHeapMb` is enforced for threads. */
  readonly canLimitThreadMemory: boolean;
  /** Whether `maxHeapMb` is enforced for child processes. */
  readonly canLimitProcessMemory: boolean;
  /**
   * Runs `turn` on the event loop's next turn without letting the loop sleep first
   * (`setImmediate`), where that keeps the thread awake; `undefined` where it does not (Deno).
   * A pool polls this way for a result it expects soon (see `lib/pool/_awake_loop.ts`).
   */
  readonly nextTurnStaysAwake?: (turn: () => void) => void;
  /**
   * Runs `fn` once the event loop has polled for I/O again, without waiting for any: a message
   * already waiting on a channel (a child process's IPC) is delivered before `fn` runs. A pool's
   * child process waits so for a next call that may hold its results (see
   * `lib/pool/_held_results.ts`); `undefined` where that takes more than a few µs (Deno: only a
   * timer's second turn comes after the poll, ~4 ms), and a child's results are never held.
   */
  readonly afterNextPoll?: (fn: () => void) => void;
  /** The symbols under which this runtime's `console.log` and `inspect` find an object's own printout. */
  readonly inspectKeys: readonly symbol[];
  /** Number of CPUs available to this program. */
  cpuCount(): number;
  /** Starts a worker thread running the module at `entry`. */
  spawnThread(entry: URL, options: SpawnOptions): WorkerChannel;
  /** Starts a child process of this same runtime running the module at `entry`, with IPC. */
  spawnProcess(entry: URL, options: SpawnOptions): WorkerChannel;
  /** The context of the current worker thread, or `null` elsewhere. */
  workerContext(): WorkerContext | null;
  /**
   * In a child process started by {@linkcode Runtime.spawnProcess}: the channel to
   * the parent (its first message is the spawn `data`); `null` elsewhere. The
   * child exits when the channel to its parent closes.
   */
  childContext(): MessageEndpoint | null;
  /** Listens for message connections from any thread or process of this machine. */
  listen(onConnection: (connection: SocketConnection) => void): Promise<SocketServer>;
  /** Connects to a server started by {@linkcode Runtime.listen}. */
  connect(address: string): Promise<SocketConnection>;
  /** Lets the program exit while `channel` is open. */
  unrefBroadcastChannel(channel: BroadcastChannelLike): void;
  /**
   * Takes the next message waiting on `port` now, without the event loop (its `onmessage` is
   * not called for it); `undefined` when none has arrived.
   */
  takeMessage(port: PortLike): { readonly message: unknown } | undefined;
  /** Calls `handler` with each message `port` receives through the event loop. */
  onPortMessage(port: PortLike, handler: (message: unknown) => void): void;
  /** Calls `handler` for uncaught exceptions and unhandled rejections of this thread. */
  onUncaughtError(handler: (error: unknown) => void): void;
  /** Ends the current thread (in a worker) or program (on the main thread). */
  exit(code: number): never;
  /** Writes text to standard error, unbuffered where possible. */
  writeError(text: string): void;
  /**
   * Called once in a pool worker, after its first batch of tasks: a runtime that keeps compiled
   * code for later workers saves it now (Node: the code cache of `runtimes/node_worker_boot.cjs`).
   */
  warmedUp(): void;
  /** Reads a text file (a task's module source). */
  readTextFile(url: URL): string;
  /** Writes a text file whole, replacing it (a task's module context). */
  writeTextFile(url: URL, text: string): void;
  /** Removes a file; one already gone is not an error. */
  removeFile(url: URL): void;
  /** The names of the entries of a folder. */
  listFolder(url: URL): string[];
  /** Whether a process with this id exists. */
  processExists(pid: number): boolean;
  /** Calls `handler` synchronously when this thread or program ends normally (Python's `atexit`). */
  atExit(handler: () => void): void;
}
