/**
 * How a pool's thread worker gets its calls quickly when idle (the
 * "doorbell" of piscina): calls go over a port of their own, and the parent
 * rings a shared counter after each message. A worker with nothing running
 * spins, then blocks, on that counter for at most {@linkcode idleBlockMs} and
 * takes the message from the port at once when it rings — a spinning thread
 * takes it in a µs or two, a blocked one in a few, where waking its event
 * loop costs tens (most of a round trip on a 2-core VM). A call the event
 * loop delivered meanwhile does not read the bell, so each idle wait first
 * looks at the port, then waits for a ring newer than that look. When nothing comes in time the worker goes back to
 * its event loop, and messages arrive as usual. While a worker blocks, its
 * own timers and I/O wait (for at most that long), as after any task that
 * ran that long.
 *
 * @module
 */
import { runtime } from "../../runtimes/mod.ts";
import type { PortLike, Transferable } from "../../runtimes/types.ts";
import { SpinBackoff } from "../sync/_spin_backoff.ts";
import { spinUntilChanged } from "../sync/_spinner.ts";

/** How long an idle worker blocks for its next call before it returns to its event loop (ms). */
export const idleBlockMs = 2;
/**
 * How long an idle worker first spins for its next call (ms): in a sequential round trip the
 * next call comes within this, and a spinning thread takes it in a few µs, where even a blocked
 * one takes tens on an idle vCPU. After {@linkcode spinPatience} spins in a row that catch
 * nothing, the next idle waits skip it (see `_spin_backoff.ts`): a worker whose calls come rarely
 * soon spins no more.
 */
export const idleSpinMs = 0.1;
/** Idle spins in a row that may catch nothing before idle waits start skipping the spin. */
export const spinPatience = 4;
/** The most idle waits in a row that skip the spin. */
export const maxSkippedSpins = 64;

/** Hands every message waiting on `port` to `handler`, now; whether there was any. */
function takeAll(port: PortLike, handler: (message: unknown) => void): boolean {
  let taken = false;
  for (let next = runtime.takeMessage(port); next; next = runtime.takeMessage(port)) {
    taken = true;
    handler(next.message);
  }
  return taken;
}

/** What a worker gets at boot: the port its calls arrive on and the counter rung for each. */
export interface DoorbellEnds {
  readonly port: PortLike;
  readonly bell: Int32Array;
}

/** The parent's side: posts calls on the port and rings. */
export class Doorbell {
  readonly #port: MessagePort;
  readonly #bell: Int32Array;
  /** For the worker's boot data (the port moves with it: see `transfer`). */
  readonly ends: DoorbellEnds;

  constructor() {
    const channel = new MessageChannel();
    this.#port = channel.port1;
    // Only the worker listens; the parent's end must not keep the program alive (Deno).
    (this.#port as MessagePort & { unref?: () => void }).unref?.();
    this.#bell = new Int32Array(new SharedArrayBuffer(4));
    this.ends = { port: channel.port2, bell: this.#bell };
  }

  /** What must move with the boot data. */
  get transfer(): Transferable[] {
    return [this.ends.port];
  }

  /**
   * Hears the worker's messages on the port (its results: on Deno a port of its own moves a
   * large message hundreds of times faster than the worker's own channel). The port still does
   * not keep the program alive; the worker does, while it has work.
   */
  onMessage(handler: (message: unknown) => void): void {
    runtime.onPortMessage(this.#port, handler);
    (this.#port as MessagePort & { unref?: () => void }).unref?.();
  }

  /** Hands the messages already on the port to `handler` now (before the worker's exit counts). */
  drain(handler: (message: unknown) => void): void {
    takeAll(this.#port, handler);
  }

  /** Sends a message to the worker and wakes it if it is blocked waiting for one. */
  post(message: unknown, transfer: readonly Transferable[] = []): void {
    this.#port.postMessage(message, transfer as Transferable[]);
    Atomics.add(this.#bell, 0, 1);
    Atomics.notify(this.#bell, 0);
  }

  /** Closes the parent's port (the worker is gone). */
  close(): void {
    this.#port.close();
  }
}

/** The worker's side: hears calls from the port, and blocks for the next one when idle. */
export class DoorbellListener {
  readonly #ends: DoorbellEnds;
  readonly #deliver: (message: unknown) => void;
  /** The bell's count when the port was last found empty. */
  #seen = 0;
  readonly #backoff = new SpinBackoff(spinPatience, maxSkippedSpins);

  /** How long an idle wait blocks (ms). */
  readonly #blockMs: number;

  constructor(ends: DoorbellEnds, deliver: (message: unknown) => void, blockMs = idleBlockMs) {
    this.#ends = ends;
    this.#deliver = deliver;
    this.#blockMs = blockMs;
    runtime.onPortMessage(ends.port, deliver);
  }

  /** Sends a message to the parent on the port (see {@linkcode Doorbell.onMessage}). */
  post(message: unknown, transfer: readonly Transferable[] = []): void {
    (this.#ends.port as unknown as MessagePort).postMessage(message, transfer as Transferable[]);
  }

  /**
   * Delivers the calls waiting on the port; when there are none, blocks until the next call
   * rings (or {@linkcode idleBlockMs}, or the `blockMs` given, pass) and delivers what came. Returns whether a call came.
   */
  waitIdle(): boolean {
    // A call posted after this load rings after it; one posted before is on the port already,
    // whether or not the event loop has delivered it (which does not read the bell).
    this.#seen = Atomics.load(this.#ends.bell, 0);
    if (this.#deliverWaiting()) return true;
    if (!this.#spin()) Atomics.wait(this.#ends.bell, 0, this.#seen, this.#blockMs);
    return this.#deliverWaiting();
  }

  /** Delivers the messages on the port now; whether there were any. */
  #deliverWaiting(): boolean {
    return takeAll(this.#ends.port, this.#deliver);
  }

  /** Spins for the doorbell (unless skipping); whether it rang. */
  #spin(): boolean {
    if (!this.#backoff.shouldSpin()) return false;
    const rang = spinUntilChanged(this.#ends.bell, 0, this.#seen, idleSpinMs);
    if (rang) this.#backoff.paidOff();
    else this.#backoff.missed();
    return rang;
  }
}
