/**
 * The private protocol of the NATS backend: what a task message and a result
 * message hold, encoded with polycore's own cross-runtime codec (`_codec.ts`),
 * never with a runtime's serializer, so Node, Deno and Bun hosts mix in one pool.
 *
 * @module
 */
import { encode } from "../queues/_codec.ts";
import { decode } from "../queues/_codec_decode.ts";
import type { CallMode } from "../task/_protocol.ts";

/** The version every message carries; a host refuses (terminates) others. */
export const wireVersion = 1;

/** How a task is named across machines: a module export, or a function's source and its modules. */
export type RemoteTask =
  | { readonly kind: "module"; readonly url: string; readonly exportName: string }
  | {
    readonly kind: "function";
    readonly name: string;
    readonly source: string;
    /** The modules it was written in, where the host finds its imports and helpers. */
    readonly homes: readonly string[];
  };

/** One call (an apply, or a chunk of a map) sent to the pool's work queue. */
export interface TaskMessage {
  readonly v: typeof wireVersion;
  /** `<client id>.<call id>`: the message id JetStream deduplicates by, and the result's key. */
  readonly id: string;
  /** The client's inbox: the result is sent there as a request, and acknowledged. */
  readonly reply: string;
  readonly task: RemoteTask;
  readonly mode: CallMode;
  readonly args: readonly unknown[] | Float64Array;
  /** Index of the chunk's first item within its map, for error messages. */
  readonly offset: number;
}

/** What a host answers for one task message. */
export type ResultMessage =
  | {
    readonly v: typeof wireVersion;
    readonly id: string;
    readonly ok: true;
    readonly value: unknown;
  }
  | {
    readonly v: typeof wireVersion;
    readonly id: string;
    readonly ok: false;
    readonly error: unknown;
  };

/** Encodes a message into bytes of its own (the codec reuses its buffer). */
export function encodeMessage(message: TaskMessage | ResultMessage, action: string): Uint8Array {
  return encode(message, action).slice();
}

/** Decodes a task message; throws a `TypeError` for anything else. */
export function decodeTask(bytes: Uint8Array): TaskMessage {
  const message = decode(bytes) as Partial<TaskMessage> | null;
  if (
    typeof message !== "object" || message === null || message.v !== wireVersion ||
    typeof message.id !== "string" || typeof message.reply !== "string" ||
    typeof message.task !== "object" || message.task === null
  ) {
    throw new TypeError(`Cannot run a task message: it is not a polycore v${wireVersion} task`);
  }
  return message as TaskMessage;
}

/** Decodes a result message; throws a `TypeError` for anything else. */
export function decodeResult(bytes: Uint8Array): ResultMessage {
  const message = decode(bytes) as Partial<ResultMessage> | null;
  if (
    typeof message !== "object" || message === null || message.v !== wireVersion ||
    typeof message.id !== "string" || typeof message.ok !== "boolean"
  ) {
    throw new TypeError(
      `Cannot read a result message: it is not a polycore v${wireVersion} result`,
    );
  }
  return message as ResultMessage;
}
