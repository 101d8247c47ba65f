/**
 * The private protocol between manager proxies and the manager's server:
 * tagged requests and replies over a socket connection.
 *
 * @module
 */
import type { Thrown } from "../task/error_codec.ts";

/** The kinds of object a manager serves. */
export type ManagedKind =
  | "dict"
  | "list"
  | "Namespace"
  | "Value"
  | "Array"
  | "Queue"
  | "JoinableQueue"
  | "Lock"
  | "RLock"
  | "Semaphore"
  | "BoundedSemaphore"
  | "Event"
  | "Condition"
  | "Barrier"
  | "Pipe";

/** Client → server. The first message of a connection must be `hello` with the manager's key. */
export type ManagerRequest =
  | { readonly tag: "hello"; readonly key: string }
  | {
    readonly tag: "create";
    readonly id: number;
    readonly kind: ManagedKind;
    readonly args: readonly unknown[];
  }
  | {
    readonly tag: "call";
    readonly id: number;
    readonly ref: number;
    readonly method: string;
    readonly args: readonly unknown[];
    /** No reply unless it fails (a write acknowledged lazily, see `manager/_outbox.ts`). */
    readonly oneway?: true;
  }
  /** Calls served in order, as if sent one by one. */
  | { readonly tag: "batch"; readonly requests: readonly ManagerRequest[] }
  /** Answered once every earlier request of the connection has been served. */
  | { readonly tag: "sync"; readonly id: number }
  | { readonly tag: "shutdown"; readonly id: number };

/** Server → client. */
export type ManagerReply =
  | { readonly tag: "reply"; readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly tag: "reply"; readonly id: number; readonly ok: false; readonly error: Thrown };

/** Where a manager's server listens, and the key that admits a client. */
export interface ManagerAddress {
  /** The server's socket path. */
  readonly address: string;
  /** The key a client presents in its first message. */
  readonly key: string;
}

/** The worker's report that the server is listening (worker → parent). */
export interface ManagerListening extends ManagerAddress {
  readonly tag: "manager-listening";
}
