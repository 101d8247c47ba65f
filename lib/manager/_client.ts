/**
 * A thread's connection to a manager's server, shared by all proxies of
 * that manager in the thread: requests and replies matched by id. It keeps
 * the program alive only while a request is pending.
 *
 * @module
 */
import { runtime } from "../../runtimes/mod.ts";
import type { SocketConnection } from "../../runtimes/types.ts";
import { decodeThrown } from "../task/error_codec.ts";
import { Outbox } from "./_outbox.ts";
import type { ManagerAddress, ManagerReply, ManagerRequest } from "./protocol.ts";
import { managerSyncKey } from "../task/_protocol.ts";
import { ProcessError } from "../errors.ts";

type Request = ManagerRequest extends infer R ? R extends { id: number } ? Omit<R, "id"> : never
  : never;
type Call = ManagerRequest & { readonly tag: "call" };

interface Pending {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** The connection to one manager from this thread. */
export class ManagerClient {
  readonly #address: ManagerAddress;
  readonly #pending = new Map<number, Pending>();
  #connection?: Promise<SocketConnection>;
  #gone?: ProcessError;
  #nextId = 1;
  /** The connection, once open: one-way writes go out on it without waiting. */
  #open?: SocketConnection;
  readonly #outbox = new Outbox((requests) => this.#postBatch(requests));
  /** Whether one-way writes went out since the last sync. */
  #unsynced = false;
  /** The first one-way write that failed, reported by the next request. */
  #failure?: unknown;
  /** Requests sent and not yet answered. */
  readonly #inFlight = new Set<Promise<unknown>>();

  constructor(address: ManagerAddress) {
    this.#address = address;
  }

  #connect(): Promise<SocketConnection> {
    this.#connection ??= runtime.connect(this.#address.address).then((connection) => {
      connection.post({ tag: "hello", key: this.#address.key } satisfies ManagerRequest);
      connection.onMessage((data) => this.#onReply(data as ManagerReply, connection));
      connection.onClose(() => this.#onClose());
      connection.unref();
      this.#open = connection;
      return connection;
    }, (error) => {
      throw this.#fail(error);
    });
    return this.#connection;
  }

  #fail(cause?: unknown): ProcessError {
    this.#gone ??= new ProcessError(
      `The manager's server (${this.#address.address}) is gone: it was shut down or died`,
      cause === undefined ? undefined : { cause },
    );
    return this.#gone;
  }

  #onReply(reply: ManagerReply, connection: SocketConnection): void {
    const pending = this.#pending.get(reply.id);
    if (!pending) {
      // Only a failed one-way write is answered without a pending request.
      if (!reply.ok) this.#failure ??= decodeThrown(reply.error);
      return;
    }
    this.#pending.delete(reply.id);
    if (this.#pending.size === 0 && !this.#unsynced) connection.unref();
    if (reply.ok) pending.resolve(reply.value);
    else pending.reject(decodeThrown(reply.error));
  }

  #onClose(): void {
    const error = this.#fail();
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }

  /**
   * Queues a write that needs no answer (see `manager/_outbox.ts`): it
   * resolves once queued; a failure is reported by the next request.
   */
  send(request: Omit<Call, "id" | "oneway">): Promise<void> {
    if (this.#gone) return Promise.reject(this.#gone);
    if (this.#open === undefined) {
      return this.#connect().then(() => this.send(request));
    }
    this.#outbox.add({ ...request, id: this.#nextId++, oneway: true });
    this.#unsynced = true;
    this.#open.ref();
    syncHook.pending.add(this);
    return resolved;
  }

  #postBatch(requests: Call[]): void {
    const connection = this.#open!;
    try {
      connection.post({ tag: "batch", requests } satisfies ManagerRequest);
    } catch (error) {
      if (!(error instanceof Error && /clone|serializ/i.test(error.message))) {
        this.#failure ??= this.#fail(error);
        return;
      }
      // One of them cannot be sent: send them one by one, so only that one fails.
      for (const request of requests) {
        try {
          connection.post(request);
        } catch (cause) {
          this.#failure ??= new TypeError(
            `Cannot send the arguments of ${request.method}() to the manager: ${
              (cause as Error).message
            }`,
            { cause },
          );
        }
      }
    }
  }

  /**
   * Resolves once the server has served every write this thread queued, and with `unanswered`
   * once every request it sent has been answered too, awaited or not: the caller of the thread's
   * task then sees them all (Python's proxies are synchronous: no call outlives its function).
   */
  async sync(unanswered: boolean): Promise<void> {
    while (unanswered && this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
    if (this.#unsynced) {
      this.#unsynced = false;
      await this.#request({ tag: "sync" });
    }
    if (this.#inFlight.size === 0 && !this.#unsynced) syncHook.pending.delete(this);
  }

  /** Sends a request and resolves with the server's answer. */
  request(request: Request): Promise<unknown> {
    const call = this.#request(request);
    this.#inFlight.add(call);
    syncHook.pending.add(this);
    const done = () => void this.#inFlight.delete(call);
    call.then(done, done);
    return call;
  }

  async #request(request: Request): Promise<unknown> {
    if (this.#gone) throw this.#gone;
    const connection = await this.#connect();
    if (this.#gone) throw this.#gone;
    this.#outbox.flush();
    this.#throwFailure();
    const id = this.#nextId++;
    const answer = await new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      if (this.#pending.size === 1) connection.ref();
      try {
        connection.post({ ...request, id } as ManagerRequest);
      } catch (error) {
        this.#pending.delete(id);
        reject(
          error instanceof Error && /clone|serializ/i.test(error.message)
            ? new TypeError(`Cannot send the arguments to the manager: ${error.message}`, {
              cause: error,
            })
            : this.#fail(error),
        );
      }
    });
    // An earlier write's failure is answered before this request's reply: report it now.
    this.#throwFailure();
    return answer;
  }

  #throwFailure(): void {
    if (this.#failure === undefined) return;
    const failure = this.#failure;
    this.#failure = undefined;
    throw failure;
  }

  /** Marks the manager as shut down: later requests fail at once. */
  markShutDown(): void {
    this.#fail();
    void this.#connection?.then((connection) => connection.close());
  }
}

const resolved: Promise<void> = Promise.resolve();

/**
 * The clients of this thread with writes not yet synced, and how to sync
 * them all: the task runner calls it (through `managerSyncKey`)
 * before a task's result leaves the worker.
 */
const syncHook = {
  pending: new Set<ManagerClient>(),
  async syncAll(unanswered: boolean): Promise<void> {
    await Promise.all([...syncHook.pending].map((client) => client.sync(unanswered)));
  },
};

// Where the task runner finds the hook, without loading the manager's code itself.
(globalThis as Record<symbol, unknown>)[managerSyncKey] = syncHook;

const clients: Map<string, ManagerClient> = ((globalThis as Record<symbol, unknown>)[
  Symbol.for("polycore.managerClients")
] ??= new Map<string, ManagerClient>()) as Map<string, ManagerClient>;

/** This thread's client for the manager at `address`. */
export function clientFor(address: ManagerAddress): ManagerClient {
  let client = clients.get(address.address);
  if (!client) clients.set(address.address, client = new ManagerClient(address));
  return client;
}
