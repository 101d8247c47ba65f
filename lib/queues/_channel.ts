/**
 * Items in and out of a {@linkcode Ring}, shared by `Queue`, `JoinableQueue`,
 * `SimpleQueue` and `Pipe`: encode, try once without waiting (the common
 * case: no generator, no promise machinery), and only then run the waiting
 * algorithm, blocking the thread (`…Sync`) or awaiting (`Atomics.waitAsync`,
 * the program kept alive meanwhile).
 *
 * @module
 */
import { deadlineOf, runAsync, runSync } from "../sync/_atomics.ts";
import { encode } from "./_codec.ts";
import { type GetResult, maxRingBytes, type PutResult, type Ring } from "./_ring.ts";
import { invalid, outOfRange } from "../_validate.ts";
import { ProcessError } from "../errors.ts";

/** Default most bytes of items waiting in one queue or pipe direction. */
export const defaultMaxBytes: number = maxRingBytes;
const minBytes = 64;

/** Throws the error of a call on a queue handle after its `close()`; `action` names the call. */
export function checkOpen(closed: boolean, action: string): void {
  if (closed) throw new ProcessError(`Cannot ${action} as the queue is closed`);
}

/** Options of a queue or pipe's buffer. */
export interface BufferOptions {
  /**
   * The most bytes of encoded items the buffer grows to (default 1 GiB, the
   * largest): past it, a put waits for consumers to make room, and an item
   * larger than it passes in pieces.
   */
  readonly maxBytes?: number;
}

/**
 * The checked `maxBytes` of `options`.
 *
 * @example
 * ```ts
 * import { maxBytesOption } from "./_channel.ts";
 * console.log(maxBytesOption("create queue", { maxBytes: 4096 })); // 4096
 * ```
 */
export function maxBytesOption(action: string, options: BufferOptions | undefined): number {
  if (options === undefined) return defaultMaxBytes;
  if (typeof options !== "object" || options === null) {
    invalid(action, "options", "must be an object such as { maxBytes: 1048576 }", options);
  }
  const value = options.maxBytes;
  if (value === undefined) return defaultMaxBytes;
  const expected = `must be an integer from ${minBytes} to ${maxRingBytes}`;
  if (typeof value !== "number") invalid(action, "maxBytes", expected, value);
  if (!Number.isInteger(value) || value < minBytes || value > maxRingBytes) {
    outOfRange(action, "maxBytes", expected, value);
  }
  return value;
}

/**
 * Puts `item`, blocking the thread while it waits (at most `timeoutMs`).
 *
 * @example
 * ```ts
 * import { putSync } from "./_channel.ts";
 * import { Ring } from "./_ring.ts";
 * const ring = Ring.create({ maxsize: 1, maxBytes: 1 << 20 });
 * console.log(putSync(ring, { n: 1n }, undefined, "put item")); // "ok"
 * console.log(putSync(ring, "more", 0, "put item")); // "full"
 * ```
 */
export function putSync(
  ring: Ring,
  item: unknown,
  timeoutMs: number | undefined,
  action: string,
): PutResult {
  const message = encode(item, action);
  const fast = ring.tryPut(message);
  if (fast !== "wait") return fast;
  return runSync(ring.putSteps(message, deadlineOf(timeoutMs)));
}

/**
 * Puts `item`, awaiting while it waits (at most `timeoutMs`): a promise only when it has to wait.
 *
 * @example
 * ```ts
 * import { put } from "./_channel.ts";
 * import { Ring } from "./_ring.ts";
 * const ring = Ring.create({ maxsize: 1, maxBytes: 1 << 20 });
 * console.log(await put(ring, "a", 0, "put item")); // "ok"
 * console.log(await put(ring, "b", 10, "put item")); // "full"
 * ```
 */
export function put(
  ring: Ring,
  item: unknown,
  timeoutMs: number | undefined,
  action: string,
): PutResult | Promise<PutResult> {
  const message = encode(item, action);
  const fast = ring.tryPut(message);
  if (fast !== "wait") return fast;
  // The encoder reuses its buffer: keep a copy across the wait.
  return runAsync(ring.putSteps(message.slice(), deadlineOf(timeoutMs)));
}

/** What a take returns when no message came in time. */
export const EMPTY: unique symbol = Symbol("polycore.empty");
/** What a take returns when no writer is left and nothing is left to read. */
export const EOF: unique symbol = Symbol("polycore.eof");
/** What a take returns: what `read` made of the message, or why there was none. */
export type Taken<R> = R | typeof EMPTY | typeof EOF;

function settle<R>(got: GetResult, read: (message: Uint8Array) => R): Taken<R> {
  return typeof got !== "string" ? read(got) : got === "eof" ? EOF : EMPTY;
}

/**
 * Takes the next message and reads it with `read` (`decode`, `bytesOf`),
 * blocking the thread while it waits (at most `timeoutMs`).
 *
 * @example
 * ```ts
 * import { EMPTY, putSync, takeSync } from "./_channel.ts";
 * import { decode } from "./_codec_decode.ts";
 * import { Ring } from "./_ring.ts";
 * const ring = Ring.create({ maxsize: 0, maxBytes: 1 << 20 });
 * putSync(ring, { n: 1n }, undefined, "put item");
 * console.log(takeSync(ring, 0, decode)); // { n: 1n }
 * console.log(takeSync(ring, 0, decode) === EMPTY); // true
 * ```
 */
export function takeSync<R>(
  ring: Ring,
  timeoutMs: number | undefined,
  read: (message: Uint8Array) => R,
): Taken<R> {
  const fast = ring.tryGet();
  return settle(fast !== "wait" ? fast : runSync(ring.getSteps(deadlineOf(timeoutMs))), read);
}

/**
 * Like {@linkcode takeSync}, awaiting while it waits: a promise only when it
 * has to wait. A message read at once is read before this returns, as the
 * buffer it is in is reused by the next read of this thread.
 *
 * @example
 * ```ts
 * import { put, take } from "./_channel.ts";
 * import { decode } from "./_codec_decode.ts";
 * import { Ring } from "./_ring.ts";
 * const ring = Ring.create({ maxsize: 0, maxBytes: 1 << 20 });
 * const later = take(ring, undefined, decode); // a promise: nothing is there yet
 * await put(ring, "hi", undefined, "put item");
 * console.log(await later); // "hi"
 * ```
 */
export function take<R>(
  ring: Ring,
  timeoutMs: number | undefined,
  read: (message: Uint8Array) => R,
): Taken<R> | Promise<Taken<R>> {
  const fast = ring.tryGet();
  if (fast !== "wait") return settle(fast, read);
  return runAsync(ring.getSteps(deadlineOf(timeoutMs))).then((got) => settle(got, read));
}
