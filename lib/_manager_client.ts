/**
 * A thread's connection to a manager's server, shared by all proxies of
 * that manager in the thread: requests and replies matched by id. It keeps
 * the program alive only while a request is pending.
 *
 * @module
 */
import { runtime } from "../runtimes/mod.ts";
import type { SocketConnection } from "../runtimes/types.ts";
import { decodeThrown } from "./_error_codec.ts";
import type { ManagerAddress, ManagerReply, ManagerRequest } from "./_manager_protocol.ts";
import { ProcessError } from "./errors.ts";

type Request = ManagerRequest extends infer R ? R extends { id: number } ? Omit<R, "id"> : never
  : never;

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

  constructor(address: ManagerAddress) {
    this.#address = address;
  }

  #connect(): Promise<SocketConnection> {
    this.#connection ??= runtime.connect(this.#address.address).then((connection) => {
      connection.post({ tag: "hello", key: this.#address.key } satisfies ManagerRequest);
      connection.onMessage((data) => this.#onReply(data as ManagerReply, connection));
      connection.onClose(() => this.#onClose());
      connection.unref();
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
    if (!pending) return;
    this.#pending.delete(reply.id);
    if (this.#pending.size === 0) connection.unref();
    if (reply.ok) pending.resolve(reply.value);
    else pending.reject(decodeThrown(reply.error));
  }

  #onClose(): void {
    const error = this.#fail();
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }

  /** Sends a request and resolves with the server's answer. */
  async request(request: Request): Promise<unknown> {
    if (this.#gone) throw this.#gone;
    const connection = await this.#connect();
    if (this.#gone) throw this.#gone;
    const id = this.#nextId++;
    return await new Promise((resolve, reject) => {
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
  }

  /** Marks the manager as shut down: later requests fail at once. */
  markShutDown(): void {
    this.#fail();
    void this.#connection?.then((connection) => connection.close());
  }
}

const clients: Map<string, ManagerClient> = ((globalThis as Record<symbol, unknown>)[
  Symbol.for("polycore.managerClients")
] ??= new Map<string, ManagerClient>()) as Map<string, ManagerClient>;

/** This thread's client for the manager at `address`. */
export function clientFor(address: ManagerAddress): ManagerClient {
  let client = clients.get(address.address);
  if (!client) clients.set(address.address, client = new ManagerClient(address));
  return client;
}
