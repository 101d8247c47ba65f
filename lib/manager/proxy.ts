/**
 * The base of manager proxies: a reference to an object on a manager's
 * server, which travels to workers as a handle.
 *
 * @module
 */
import { clientFor, type ManagerClient } from "./_client.ts";
import type { ManagedKind, ManagerAddress } from "./protocol.ts";
import { definePythonRepr } from "../_repr.ts";
import { bootKey } from "../task/_protocol.ts";
import { type Handle, type HandleDescriptor, toDescriptor } from "../task/values.ts";

/** What a proxy needs to reach its object. */
export interface ProxyState extends ManagerAddress {
  /** The object's id on the server. */
  readonly ref: number;
  /** What kind of object it is. */
  readonly kind: ManagedKind;
  /** Which end, for a pipe's connections. */
  readonly side?: 0 | 1;
}

/** The handle type of every proxy; `manager/_revive.ts` registers how to revive it. */
export const proxyType = "polycore.ManagerProxy";

/** The module that registers the reviver (relative, so it also holds in the worker bundle). */
const reviveModule = new URL("./_revive.ts", import.meta.url).href;

/** Base of every manager proxy: a reference to an object on the manager's server. */
export class ManagerProxy implements Handle {
  readonly #state: ProxyState;
  readonly #client: ManagerClient;

  /** Made by `Manager` factories, and when a proxy arrives in a worker. */
  constructor(state: ProxyState) {
    this.#state = state;
    this.#client = clientFor(state);
  }

  /** The kind of object, e.g. `"dict"`. */
  get kind(): ManagedKind {
    return this.#state.kind;
  }

  /** Calls `method` on the object in the server. */
  protected call(method: string, ...args: unknown[]): Promise<unknown> {
    return this.#client.request({ tag: "call", ref: this.#state.ref, method, args });
  }

  /**
   * Calls a method that returns nothing. In a polycore worker the write is
   * acknowledged lazily (batched; see `manager/_outbox.ts`): a later request
   * of the worker sees it, and so does the caller of the worker's task.
   */
  protected write(method: string, ...args: unknown[]): Promise<void> {
    const request = { tag: "call", ref: this.#state.ref, method, args } as const;
    if ((globalThis as Record<symbol, unknown>)[bootKey] === undefined) {
      return this.#client.request(request) as Promise<void>;
    }
    return this.#client.send(request);
  }

  /** The proxy's state (for subclasses). */
  protected get proxyState(): ProxyState {
    return this.#state;
  }

  /** The server-side id, for objects that refer to others (Condition's lock). */
  get ref(): number {
    return this.#state.ref;
  }

  /** How the proxy travels to a worker. */
  [toDescriptor](): { descriptor: HandleDescriptor } {
    return { descriptor: { module: reviveModule, type: proxyType, state: this.#state } };
  }
}

// Python: `<DictProxy object, typeid 'dict' at 0x7f…>`; the server-side id stands for the address.
definePythonRepr(
  ManagerProxy,
  (proxy) => `<${proxy.constructor.name} object, typeid '${proxy.kind}' ref=${proxy.ref}>`,
);
