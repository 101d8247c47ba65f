/**
 * `Manager`: a server, in its own worker, holding objects that any thread or
 * process can use through proxies (Python: `multiprocessing.Manager()`).
 *
 * @module
 */
import type { WorkerChannel } from "../../runtimes/types.ts";
import type { ManagedKind, ManagerAddress } from "./protocol.ts";
import { clientFor, type ManagerClient } from "./_client.ts";
import { makeProxy } from "./_revive.ts";
import type { ManagerProxy } from "./proxy.ts";
import type { FromWorker } from "../task/_protocol.ts";
import { bootData, spawnWorker } from "../process/_spawn.ts";
import { checkBackend, invalid } from "../_validate.ts";
import type { Backend } from "../context.ts";
import { ProcessError } from "../errors.ts";
import type {
  ArrayProxy,
  DictProxy,
  JoinableQueueProxy,
  ListProxy,
  NamespaceProxy,
  QueueProxy,
  ValueProxy,
} from "./proxies.ts";
import type { AcquirerProxy, BarrierProxy, ConditionProxy, EventProxy } from "./sync_proxies.ts";
import type { ConnectionProxy } from "./connection_proxy.ts";
import { taskDescriptor, toTaskSpec } from "../task/task.ts";
import type { Typecode, ValueOf } from "../shared/_typecodes.ts";

/** Options of {@linkcode Manager.start}. */
export interface ManagerOptions {
  /** Where the server runs: a worker thread (default) or a child process. */
  readonly backend?: Backend;
}

let managers = 0;

/**
 * A manager (Python: `multiprocessing.Manager()` / `SyncManager`). Its objects
 * live in a server in its own worker and are used through async proxies,
 * from the main program, thread workers and process workers alike. Pass a
 * proxy to a Process, Pool or executor and it arrives as a proxy to the
 * same object.
 *
 * @example Four workers fill a shared dict and list
 * ```ts
 * import { Manager } from "./manager.ts";
 * import { Pool } from "../pool/pool.ts";
 * await using manager = await Manager.start();
 * const d = await manager.dict<number, string>();
 * await using pool = new Pool(2);
 * await pool.map(
 *   async ([id, shared]: [number, typeof d]) => await shared.set(id, `worker ${id}`),
 *   [0, 1, 2, 3].map((id) => [id, d] as [number, typeof d]),
 * );
 * console.log(await d.size()); // 4
 * ```
 */
export class Manager {
  readonly #channel: WorkerChannel;
  readonly #address: ManagerAddress;
  readonly #client: ManagerClient;
  readonly #exited: Promise<void>;
  #shutDown = false;

  private constructor(channel: WorkerChannel, address: ManagerAddress, exited: Promise<void>) {
    this.#channel = channel;
    this.#address = address;
    this.#client = clientFor(address);
    this.#exited = exited;
  }

  /**
   * Starts a manager's server and resolves once it listens (Python: `Manager()`;
   * `await using manager = await Manager.start()` shuts it down at the end).
   */
  static async start(options: ManagerOptions = {}): Promise<Manager> {
    if (typeof options !== "object" || options === null) {
      invalid("start manager", "options", "must be an object", options);
    }
    const backend = checkBackend("start manager", options.backend, "thread");
    const boot = bootData("manager", `SyncManager-${++managers}`, true);
    const channel = spawnWorker(backend, boot);
    let failed: ((error: unknown) => void) | undefined;
    const exited = new Promise<void>((resolve) =>
      channel.onExit((code, signal) => {
        failed?.(
          new ProcessError(
            `The manager's server exited before it was ready (code ${code}, signal ${signal})`,
          ),
        );
        resolve();
      })
    );
    channel.onError((error) => failed?.(error));
    const address = await new Promise<ManagerAddress>((resolve, reject) => {
      failed = reject;
      channel.onMessage((data) => {
        const message = data as FromWorker;
        if (message.tag === "manager-listening") resolve(message);
      });
    });
    failed = undefined;
    channel.unref();
    return new Manager(channel, { address: address.address, key: address.key }, exited);
  }

  /** Where the server listens (a local socket path). */
  get address(): string {
    return this.#address.address;
  }

  async #create<P extends ManagerProxy>(kind: ManagedKind, args: unknown[]): Promise<P> {
    if (this.#shutDown) {
      throw new ProcessError(`Cannot create a ${kind} as the manager has been shut down`);
    }
    const ref = await this.#client.request({ tag: "create", kind, args }) as number;
    return makeProxy({ ...this.#address, ref, kind }) as P;
  }

  /** A shared dictionary, optionally filled from an object or Map (Python: `manager.dict()`). */
  dict<K = string, V = unknown>(init?: Record<string, V> | Map<K, V>): Promise<DictProxy<K, V>> {
    return this.#create("dict", [init]);
  }

  /** A shared list (Python: `manager.list()`). */
  list<T = unknown>(init?: readonly T[]): Promise<ListProxy<T>> {
    return this.#create("list", [init]);
  }

  /** Shared named attributes (Python: `manager.Namespace()`). */
  Namespace(init?: Record<string, unknown>): Promise<NamespaceProxy> {
    return this.#create("Namespace", [init]);
  }

  /** A shared number of a typecode; `q`/`Q` hold bigints (Python: `manager.Value('i', 0)`). */
  Value<C extends Typecode>(typecode: C, value?: ValueOf<C>): Promise<ValueProxy<ValueOf<C>>> {
    return this.#create("Value", [typecode, value]);
  }

  /** Shared numbers of a typecode, from items or a length (Python: `manager.Array('d', [1, 2])`). */
  Array<C extends Typecode>(
    typecode: C,
    items: readonly ValueOf<C>[] | number,
  ): Promise<ArrayProxy<ValueOf<C>>> {
    return this.#create("Array", [typecode, items]);
  }

  /** A shared FIFO queue; `maxsize` 0 = unbounded (Python: `manager.Queue()`). */
  Queue<T = unknown>(maxsize = 0): Promise<QueueProxy<T>> {
    return this.#create("Queue", [maxsize]);
  }

  /** A queue with `taskDone()`/`join()` (Python: `manager.JoinableQueue()`). */
  JoinableQueue<T = unknown>(maxsize = 0): Promise<JoinableQueueProxy<T>> {
    return this.#create("JoinableQueue", [maxsize]);
  }

  /** A lock (Python: `manager.Lock()`). */
  Lock(): Promise<AcquirerProxy> {
    return this.#create("Lock", []);
  }

  /** A reentrant lock, owned per thread or process (Python: `manager.RLock()`). */
  RLock(): Promise<AcquirerProxy> {
    return this.#create("RLock", []);
  }

  /** A semaphore (Python: `manager.Semaphore(value)`). */
  Semaphore(value = 1): Promise<AcquirerProxy> {
    return this.#create("Semaphore", [value]);
  }

  /** A semaphore that refuses to be released above its start (Python: `manager.BoundedSemaphore`). */
  BoundedSemaphore(value = 1): Promise<AcquirerProxy> {
    return this.#create("BoundedSemaphore", [value]);
  }

  /** An event (Python: `manager.Event()`). */
  Event(): Promise<EventProxy> {
    return this.#create("Event", []);
  }

  /** A condition over `lock` (a manager Lock or RLock; an RLock by default). */
  Condition(lock?: AcquirerProxy): Promise<ConditionProxy> {
    return this.#create("Condition", [lock?.ref]);
  }

  /**
   * A barrier for `parties`; `action` (a self-contained function or module task) runs once
   * per generation in the manager's server (Python: `manager.Barrier(parties, action, timeout)`).
   */
  Barrier(
    parties: number,
    options: { readonly action?: () => unknown; readonly timeoutMs?: number } = {},
  ): Promise<BarrierProxy> {
    const action = options.action === undefined
      ? undefined
      : taskDescriptor(toTaskSpec(options.action, "create barrier", "action"), true);
    return this.#create("Barrier", [parties, action, options.timeoutMs]);
  }

  /**
   * A pipe whose ends work in any thread or process (the process backend's `Pipe`):
   * `[a, b]`; with `duplex: false`, `a` only receives and `b` only sends, as in Python.
   */
  async Pipe<T = unknown>(duplex = true): Promise<[ConnectionProxy<T>, ConnectionProxy<T>]> {
    if (this.#shutDown) {
      throw new ProcessError("Cannot create a Pipe as the manager has been shut down");
    }
    const ref = await this.#client.request({
      tag: "create",
      kind: "Pipe",
      args: [duplex],
    }) as number;
    const end = (side: 0 | 1) =>
      makeProxy({ ...this.#address, ref, kind: "Pipe", side }) as ConnectionProxy<T>;
    return [end(0), end(1)];
  }

  /** Stops the server; proxies fail with a clear error afterwards (Python: `manager.shutdown()`). */
  async shutdown(): Promise<void> {
    if (this.#shutDown) return;
    this.#shutDown = true;
    this.#channel.ref();
    try {
      await this.#client.request({ tag: "shutdown" });
    } catch {
      // The server is already gone.
    }
    this.#client.markShutDown();
    await Promise.race([this.#exited, new Promise((resolve) => setTimeout(resolve, 2000))]);
    await this.#channel.terminate();
  }

  /** `await using manager = await Manager.start()`: shuts it down. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }
}
