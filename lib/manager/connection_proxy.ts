/**
 * `manager.Pipe(duplex)`: a pipe whose two ends can be passed to any thread
 * or process, the process backend included (Python's `Pipe()` connections,
 * with async methods as every manager proxy has).
 *
 * @module
 */
import { ManagerProxy } from "./proxy.ts";
import { checkTimeout } from "../_validate.ts";

/**
 * One end of a manager pipe (Python: `multiprocessing.connection.Connection`).
 * `recv()` throws `EOFError` once the other end closed and nothing is left.
 *
 * @example
 * ```ts
 * import { Manager } from "./manager.ts";
 * await using manager = await Manager.start();
 * const [left, right] = await manager.Pipe();
 * await left.send({ hello: "world" });
 * console.log(await right.recv()); // { hello: "world" }
 * ```
 */
export class ConnectionProxy<T = unknown> extends ManagerProxy {
  /** Sends an object to the other end (Python: `send`). */
  send(item: T): Promise<void> {
    return this.call("send", this.proxyState.side, item) as Promise<void>;
  }

  /** Receives the next object, waiting for one (Python: `recv`); `timeoutMs` → `QueueEmptyError`. */
  recv(options: { readonly timeoutMs?: number } = {}): Promise<T> {
    const timeoutMs = checkTimeout("receive", "timeoutMs", options.timeoutMs);
    return this.call("recv", this.proxyState.side, timeoutMs) as Promise<T>;
  }

  /** Whether there is something to receive, waiting up to `timeoutMs` (no argument: at once). */
  poll(timeoutMs?: number): Promise<boolean> {
    return this.call(
      "poll",
      this.proxyState.side,
      checkTimeout("poll", "timeoutMs", timeoutMs),
    ) as Promise<
      boolean
    >;
  }

  /** Sends bytes (Python: `send_bytes(buf, offset, size)`). */
  sendBytes(buffer: ArrayBufferView | ArrayBuffer, offset = 0, size?: number): Promise<void> {
    const bytes = buffer instanceof ArrayBuffer
      ? new Uint8Array(buffer)
      : new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    const end = size === undefined ? bytes.length : offset + size;
    return this.call("send", this.proxyState.side, bytes.slice(offset, end)) as Promise<void>;
  }

  /** Receives bytes sent with `sendBytes` (Python: `recv_bytes`). */
  recvBytes(options: { readonly timeoutMs?: number } = {}): Promise<Uint8Array> {
    return this.recv(options) as Promise<unknown> as Promise<Uint8Array>;
  }

  /** Closes this end; the other end's `recv` then throws `EOFError` when drained. */
  close(): Promise<void> {
    return this.call("close", this.proxyState.side) as Promise<void>;
  }
}
