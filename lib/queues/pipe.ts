/**
 * `Pipe` and `Connection`: a two-ended channel between two workers (Python:
 * `multiprocessing.Pipe`, `multiprocessing.connection.Connection`).
 *
 * @module
 */
import { deadlineOf, runAsync, runSync } from "../sync/_atomics.ts";
import {
  type BufferOptions,
  EMPTY,
  EOF,
  maxBytesOption,
  putSync,
  take,
  type Taken,
  takeSync,
} from "./_channel.ts";
import { bytesOf, decode } from "./_codec_decode.ts";
import { registerErrorClass } from "../task/error_codec.ts";
import { closeEnd, openEnd } from "./_ring_header.ts";
import { type PutResult, Ring, type RingState } from "./_ring.ts";
import { type HandleDescriptor, releaseAtExit, toDescriptor } from "../task/values.ts";
import { Adoption } from "../_adoption.ts";
import { checkTimeout, invalid, outOfRange } from "../_validate.ts";
import { EOFError, ProcessError } from "../errors.ts";

registerErrorClass(EOFError);

const connectionType = "polycore.Connection";
const sendAction = "send item on connection";

/** What a connection reads from and writes to; a one-way end has one of them. */
interface Ends {
  readonly incoming?: Ring;
  readonly outgoing?: Ring;
}

const adoption = new Adoption<Ends>(import.meta.url);

function connection<T>(ends: Ends): Connection<T> {
  return adoption.revive(ends, () => new Connection<T>());
}

/**
 * One end of a {@linkcode Pipe} (Python: `multiprocessing.connection.Connection`).
 * Pass it to a worker as a `Process` or `Pool` argument: the worker gets the
 * same end. `send()` copies an item in (structured-clone semantics, like a
 * queue); `await recv()` waits for the next one without blocking the event
 * loop, `recvSync()` blocks the thread (meant for workers). When every handle
 * of the other end is closed and nothing is left, `recv()` throws `EOFError`.
 * A `Process` worker's handle is closed when its target ends, as a Python process's exit closes
 * its pipe ends (a Pool worker's is not: it lives on).
 *
 * @example Ask and answer
 * ```ts
 * import { Pipe } from "./pipe.ts";
 * const [parent, child] = Pipe<string>();
 * child.send("Hello from child");
 * console.log(await parent.poll()); // true
 * console.log(await parent.recv()); // "Hello from child"
 * child.close();
 * await parent.recv().catch((error) => console.log(error.name)); // "EOFError"
 * ```
 */
export class Connection<T = unknown> {
  readonly #incoming: Ring | undefined;
  readonly #outgoing: Ring | undefined;
  #closed = false;

  /** Connections come in pairs from {@linkcode Pipe}; this is not for direct use. */
  constructor() {
    const ends = adoption.state;
    if (!ends) {
      throw new TypeError("Cannot create connection as connections come in pairs: call Pipe()");
    }
    this.#incoming = ends.incoming;
    this.#outgoing = ends.outgoing;
  }

  /** Whether `close()` was called on this handle (Python: `closed`). */
  get closed(): boolean {
    return this.#closed;
  }

  /** Whether this end can receive (Python: `readable`). */
  get readable(): boolean {
    return this.#incoming !== undefined;
  }

  /** Whether this end can send (Python: `writable`). */
  get writable(): boolean {
    return this.#outgoing !== undefined;
  }

  /**
   * Sends `item` to the other end (Python: `send(obj)`). Returns at once
   * unless a full `maxBytes` of items is waiting; throws `ProcessError` when
   * every handle of the other end is closed.
   */
  send(item: T): void {
    this.#check(putSync(this.#writer("send"), item, undefined, sendAction));
  }

  /**
   * Sends the bytes of `buffer` (Python: `send_bytes(buf, offset, size)`),
   * from byte `offset`, `size` of them (all the rest by default).
   */
  sendBytes(buffer: ArrayBuffer | ArrayBufferView, offset: number = 0, size?: number): void {
    const ring = this.#writer("send bytes");
    const bytes = ArrayBuffer.isView(buffer)
      ? new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
      : buffer instanceof ArrayBuffer
      ? new Uint8Array(buffer)
      : invalid("send bytes", "buffer", "must be an ArrayBuffer or a typed array", buffer);
    const length = bytes.length;
    checkIndex("offset", offset, length);
    checkIndex("size", size ?? length - offset, length - offset);
    const slice = bytes.subarray(offset, offset + (size ?? length - offset));
    this.#check(putSync(ring, slice, undefined, "send bytes on connection"));
  }

  /** Receives the next item, waiting for one (Python: `recv()`); `EOFError` at the end. */
  async recv(): Promise<T> {
    const got = take(this.#reader("receive"), undefined, decode);
    return this.#received(got instanceof Promise ? await got : got) as T;
  }

  /** Like {@linkcode Connection.recv}, blocking the thread while it waits. */
  recvSync(): T {
    return this.#received(takeSync(this.#reader("receive"), undefined, decode)) as T;
  }

  /** Receives the next message as bytes (Python: `recv_bytes()`); `EOFError` at the end. */
  async recvBytes(): Promise<Uint8Array> {
    const got = take(this.#reader("receive bytes"), undefined, bytesOf);
    return this.#received(got instanceof Promise ? await got : got) as Uint8Array;
  }

  /** Like {@linkcode Connection.recvBytes}, blocking the thread while it waits. */
  recvBytesSync(): Uint8Array {
    return this.#received(
      takeSync(this.#reader("receive bytes"), undefined, bytesOf),
    ) as Uint8Array;
  }

  /**
   * Whether `recv()` would return without waiting: an item is there, or the
   * other end is closed (Python: `poll(timeout)`). Waits at most `timeoutMs`
   * for that; without it, answers at once. `Infinity` waits as long as it takes.
   */
  async poll(timeoutMs?: number): Promise<boolean> {
    const ring = this.#reader("poll");
    const timeout = checkTimeout("poll connection", "timeoutMs", timeoutMs) ?? 0;
    return await runAsync(ring.readableSteps(deadlineOf(timeout)));
  }

  /** Like {@linkcode Connection.poll}, blocking the thread while it waits. */
  pollSync(timeoutMs?: number): boolean {
    const ring = this.#reader("poll");
    const timeout = checkTimeout("poll connection", "timeoutMs", timeoutMs) ?? 0;
    return runSync(ring.readableSteps(deadlineOf(timeout)));
  }

  /**
   * Closes this handle (Python: `close()`). Once every handle of this end is
   * closed, the other end's `recv()` throws `EOFError` after the items already
   * sent, and its `send()` throws.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#outgoing) closeEnd(this.#outgoing.state.header, "writer");
    if (this.#incoming) closeEnd(this.#incoming.state.header, "reader");
  }

  /** Closes this handle: `using conn = …` (Python: `with conn:`). */
  [Symbol.dispose](): void {
    this.close();
  }

  /** A Process worker's copy closes when its target ends, as a Python process's exit does. */
  [releaseAtExit](): void {
    this.close();
  }

  /** Sent to workers as the same end; the worker's handle counts as open until it closes it. */
  [toDescriptor](): { descriptor: HandleDescriptor } {
    if (this.#closed) throw new ProcessError("Cannot send connection to a worker as it is closed");
    if (this.#outgoing) openEnd(this.#outgoing.state.header, "writer");
    if (this.#incoming) openEnd(this.#incoming.state.header, "reader");
    const state: { incoming?: RingState; outgoing?: RingState } = {
      incoming: this.#incoming?.state,
      outgoing: this.#outgoing?.state,
    };
    return adoption.descriptor(connectionType, state);
  }

  #writer(action: string): Ring {
    return this.#end(action, this.#outgoing, "receive-only");
  }

  #reader(action: string): Ring {
    return this.#end(action, this.#incoming, "send-only");
  }

  /** The ring `action` uses, unless this handle is closed or is the other one-way end. */
  #end(action: string, ring: Ring | undefined, otherEnd: string): Ring {
    if (this.#closed) throw new ProcessError(`Cannot ${action} on connection as it is closed`);
    if (!ring) {
      throw new ProcessError(
        `Cannot ${action} on connection as it is the ${otherEnd} end of Pipe(false)`,
      );
    }
    return ring;
  }

  #check(result: PutResult): void {
    if (result === "ok") return;
    throw new ProcessError(
      "Cannot send on connection as every handle of the other end is closed (Python: BrokenPipeError)",
    );
  }

  #received(got: Taken<unknown>): unknown {
    if (got !== EMPTY && got !== EOF) return got;
    throw new EOFError(
      "Cannot receive on connection as every handle of the other end is closed and nothing is left to receive",
    );
  }
}

function checkIndex(name: string, value: unknown, max: number): void {
  const expected = `must be an integer from 0 to ${max}`;
  if (typeof value !== "number") invalid("send bytes", name, expected, value);
  if (!Number.isInteger(value) || value < 0 || value > max) {
    outOfRange("send bytes", name, expected, value);
  }
}

/**
 * A pair of connected ends (Python: `multiprocessing.Pipe(duplex)`). Duplex
 * (the default): each end sends to and receives from the other. With
 * `duplex = false`: the first end only receives, the second only sends.
 *
 * @example The seed's sender and receiver
 * ```ts
 * import { Pipe } from "./pipe.ts";
 * const [parentConn, childConn] = Pipe<string | number[]>();
 * parentConn.send("Hello from sender");
 * parentConn.send([1, 2, 3]);
 * console.log(`Receiver got: ${await childConn.recv()}`); // "Receiver got: Hello from sender"
 * console.log(`Receiver got: ${await childConn.recv()}`); // "Receiver got: 1,2,3"
 * ```
 *
 * @param duplex Whether both ends send and receive.
 * @param options `maxBytes`: most bytes of items waiting in each direction (default 1 GiB).
 */
export function Pipe<T = unknown>(
  duplex: boolean = true,
  options?: BufferOptions,
): [Connection<T>, Connection<T>] {
  if (typeof duplex !== "boolean") invalid("create pipe", "duplex", "must be a boolean", duplex);
  const maxBytes = maxBytesOption("create pipe", options);
  const forward = Ring.create({ maxsize: 0, maxBytes });
  if (!duplex) return [connection({ incoming: forward }), connection({ outgoing: forward })];
  const backward = Ring.create({ maxsize: 0, maxBytes });
  return [
    connection({ incoming: backward, outgoing: forward }),
    connection({ incoming: forward, outgoing: backward }),
  ];
}

adoption.register(connectionType, () => new Connection(), (state) => {
  const { incoming, outgoing } = state as { incoming?: RingState; outgoing?: RingState };
  return { incoming: incoming && new Ring(incoming), outgoing: outgoing && new Ring(outgoing) };
});
