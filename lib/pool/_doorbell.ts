/**
 * How a pool's thread worker gets its calls quickly when idle (the
 * "doorbell" of piscina): calls go over a port of their own, and the parent
 * rings a shared counter after each message. A worker with nothing running
 * spins (for as long as `_idle_spin.ts` says), then blocks, on that counter
 * for at most {@linkcode idleBlockMs} and takes the message from the port at
 * once when it rings — a spinning thread takes it in a µs or two, a blocked
 * one in a few, where waking its event loop costs tens (most of a round trip
 * on a 2-core VM). A call the event loop delivered meanwhile does not read the
 * bell, so each idle wait first looks at the port, then waits for a ring newer
 * than that look. When nothing comes in time the worker goes back to its event
 * loop, and messages arrive as usual. While a worker blocks, its own timers and
 * I/O wait (for at most that long), as after any task that ran that long.
 *
 * A call small enough for a box (`_mailbox.ts`) skips the port: while the
 * worker waits idle it looks in its call box too, and the parent puts a single
 * call there when the worker holds no other work (so nothing sent earlier, such
 * as the task's source, can still be on its way). A plain result goes back
 * through the results box while the parent's loop is awake and polls it
 * (`_awake_loop.ts`).
 *
 * @module
 */
import { runtime } from "../../runtimes/mod.ts";
import type { PortLike, Transferable } from "../../runtimes/types.ts";
import type { Call, FromWorker, Outcome, ToWorker } from "../task/_protocol.ts";
import { spinUntilChanged } from "../sync/_spinner.ts";
import type { ResultSource } from "./_awake_loop.ts";
import { fitsBox, Mailbox } from "./_mailbox.ts";
import { IdleSpin } from "./_idle_spin.ts";

/** How long an idle worker blocks for its next call before it returns to its event loop (ms). */
export const idleBlockMs = 2;

/** Hands every message waiting on `port` to `handler`, now; whether there was any. */
function takeAll(port: PortLike, handler: (message: unknown) => void): boolean {
  const taken = takeWaiting(port);
  taken?.forEach(handler);
  return taken !== undefined;
}

/** The messages waiting on `port`, taken off it (none: `undefined`). */
function takeWaiting(port: PortLike): unknown[] | undefined {
  let taken: unknown[] | undefined;
  for (let next = runtime.takeMessage(port); next; next = runtime.takeMessage(port)) {
    (taken ??= []).push(next.message);
  }
  return taken;
}

/** What a worker gets at boot: the port its calls arrive on, the counter rung for each, its boxes. */
export interface DoorbellEnds {
  readonly port: PortLike;
  readonly bell: Int32Array;
  /** The call box's buffer (see `_mailbox.ts`). */
  readonly calls: SharedArrayBuffer;
  /** The results box's buffer. */
  readonly results: SharedArrayBuffer;
}

/** A call's cells before its values in a box: id, task key (or {@linkcode moduleTask}), value count. */
const callCells = 3;
/** The key cell of a module task's call (its URL and export name lead the values). */
const moduleTask = -1;
/** A result's cells before its value: call id, the batch's elapsed ms. */
const resultCells = 2;

/** A call's values in a box (the task's names, then the arguments), or none if it does not fit. */
function boxedCall(call: Call): { key: number; values: unknown[] } | undefined {
  const { task, args } = call;
  if (call.mode !== undefined || call.handles !== undefined || !Array.isArray(args)) return;
  const found = task.kind === "module"
    ? { key: moduleTask, values: [task.url, task.exportName, ...args] }
    : task.source === undefined
    ? { key: task.key, values: [task.name, ...args] }
    : undefined;
  return found && fitsBox(found.values, callCells) ? found : undefined;
}

/** The call in a box (see {@linkcode boxedCall}); the box closes. */
function unboxedCall(box: Mailbox): ToWorker {
  const id = box.cell(0);
  const key = box.cell(1);
  if (key === moduleTask) {
    const [url, exportName, ...args] = box.read(callCells, box.cell(2));
    const task = { kind: "module", url: url as string, exportName: exportName as string } as const;
    return { tag: "run", calls: [{ id, task, args }] };
  }
  const [name, ...args] = box.read(callCells, box.cell(2));
  return {
    tag: "run",
    calls: [{ id, task: { kind: "function", key, name: name as string }, args }],
  };
}

/** The parent's side of the results box: polled by its loop while awake. */
class ResultBox implements ResultSource {
  readonly box: Mailbox = new Mailbox();
  hear?: (message: unknown) => void;
  gone = false;

  open(): void {
    if (!this.gone) this.box.open();
  }

  poll(): boolean {
    const box = this.box;
    if (!box.full) return false;
    const id = box.cell(0);
    const elapsedMs = box.cell(1);
    const [value] = box.read(resultCells, 1);
    box.open();
    this.hear?.(
      { tag: "settled", outcomes: [{ id, ok: true, value }], elapsedMs } satisfies FromWorker,
    );
    return true;
  }

  close(): boolean {
    return this.gone || this.box.close();
  }
}

/** The parent's side: posts calls on the port and rings. */
export class Doorbell {
  readonly #port: MessagePort;
  readonly #bell: Int32Array;
  readonly #calls = new Mailbox();
  readonly #results = new ResultBox();
  /** For the worker's boot data (the port moves with it: see `transfer`). */
  readonly ends: DoorbellEnds;

  constructor() {
    const channel = new MessageChannel();
    this.#port = channel.port1;
    // Only the worker listens; the parent's end must not keep the program alive (Deno).
    (this.#port as MessagePort & { unref?: () => void }).unref?.();
    this.#bell = new Int32Array(new SharedArrayBuffer(4));
    this.ends = {
      port: channel.port2,
      bell: this.#bell,
      calls: this.#calls.buffer,
      results: this.#results.box.buffer,
    };
  }

  /** The results box, for the loop to poll while it is awake (see `_awake_loop.ts`). */
  get results(): ResultSource {
    return this.#results;
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
    this.#results.hear = handler;
    runtime.onPortMessage(this.#port, handler);
    (this.#port as MessagePort & { unref?: () => void }).unref?.();
  }

  /** Hands the messages already on the port to `handler` now (before the worker's exit counts). */
  drain(handler: (message: unknown) => void): void {
    takeAll(this.#port, handler);
    this.#results.poll();
  }

  /**
   * Puts one call in the worker's call box and rings, if the call fits and the worker is
   * looking there; whether it did. Only for a worker holding no other work (see the module doc).
   */
  postCall(call: Call): boolean {
    const boxed = boxedCall(call);
    if (!boxed || !this.#calls.claim()) return false;
    this.#calls.write([call.id, boxed.key, boxed.values.length], boxed.values);
    this.#calls.seal();
    Atomics.add(this.#bell, 0, 1);
    Atomics.notify(this.#bell, 0);
    return true;
  }

  /** Sends a message to the worker and wakes it if it is blocked waiting for one. */
  post(message: unknown, transfer: readonly Transferable[] = []): void {
    this.#port.postMessage(message, transfer as Transferable[]);
    Atomics.add(this.#bell, 0, 1);
    Atomics.notify(this.#bell, 0);
  }

  /** Closes the parent's port (the worker is gone): its results box is no longer polled. */
  close(): void {
    this.#results.gone = true;
    this.#port.close();
  }
}

/** The worker's side: hears calls from the port, and blocks for the next one when idle. */
export class DoorbellListener {
  readonly #ends: DoorbellEnds;
  readonly #calls: Mailbox;
  readonly #results: Mailbox;
  readonly #deliver: (message: unknown) => void;
  /** The bell's count when the port was last found empty. */
  #seen = 0;
  readonly #spin = new IdleSpin();

  /** How long an idle wait blocks (ms). */
  readonly #blockMs: number;

  constructor(ends: DoorbellEnds, deliver: (message: unknown) => void, blockMs = idleBlockMs) {
    this.#ends = ends;
    this.#calls = new Mailbox(ends.calls);
    this.#results = new Mailbox(ends.results);
    this.#deliver = deliver;
    this.#blockMs = blockMs;
    runtime.onPortMessage(ends.port, deliver);
  }

  /** Sends a message to the parent on the port (see {@linkcode Doorbell.onMessage}). */
  post(message: unknown, transfer: readonly Transferable[] = []): void {
    (this.#ends.port as unknown as MessagePort).postMessage(message, transfer as Transferable[]);
  }

  /**
   * Sends a call's plain result through the results box if the parent polls it; whether it did
   * (if not, it goes by {@linkcode DoorbellListener.post}).
   */
  postOutcome(outcome: Outcome, elapsedMs: number): boolean {
    if (!outcome.ok || outcome.packed !== undefined) return false;
    const values = [outcome.value];
    if (!fitsBox(values, resultCells) || !this.#results.claim()) return false;
    this.#results.write([outcome.id, elapsedMs], values);
    this.#results.seal();
    return true;
  }

  /** Delivers the messages waiting on the port now (calls sent while the worker was busy). */
  deliverQueued(): void {
    takeAll(this.#ends.port, this.#deliver);
  }

  /** Starts looking in the call box: this worker is about to be idle (see `waitIdle`). */
  listen(): void {
    this.#calls.open();
  }

  /**
   * Delivers the calls waiting on the port or in the box; when there are none, blocks until the
   * next call rings (or {@linkcode idleBlockMs}, or the `blockMs` given, pass) and delivers what
   * came. Returns whether a call came. The call box is looked in only meanwhile.
   */
  waitIdle(): boolean {
    this.#calls.open();
    // A call posted after this load rings after it; one posted before is on the port or in the
    // box already, whether or not the event loop has delivered it (which does not read the bell).
    this.#seen = Atomics.load(this.#ends.bell, 0);
    if (this.#deliverWaiting()) {
      this.#stopListening();
      this.#spin.waiting();
      return true;
    }
    const start = performance.now();
    const spunMs = this.#spin.next();
    const bell = this.#ends.bell;
    if (spunMs === 0 || !spinUntilChanged(bell, 0, this.#seen, spunMs)) {
      Atomics.wait(bell, 0, this.#seen, this.#blockMs);
    }
    let came = this.#deliverWaiting();
    came = this.#stopListening() || came;
    this.#spin.ended(performance.now() - start, came, spunMs);
    return came;
  }

  /**
   * Delivers the call in the box, then the messages on the port, now; whether there were any.
   * The box's call is the older: the parent puts a call there only when the worker holds no other
   * work, so whatever is on the port was sent after it, and after it was sealed. So the port is
   * read first: a message found there means the box's call, if any, is in.
   */
  #deliverWaiting(): boolean {
    const fromPort = takeWaiting(this.#ends.port);
    const fromBox = this.#takeCall();
    fromPort?.forEach(this.#deliver);
    return fromBox || fromPort !== undefined;
  }

  #takeCall(): boolean {
    if (!this.#calls.full) return false;
    this.#deliver(unboxedCall(this.#calls));
    return true;
  }

  /** Closes the call box; a call put in it meanwhile is waited for and delivered (true). */
  #stopListening(): boolean {
    if (this.#calls.close()) return false;
    const bell = this.#ends.bell;
    // The parent claimed the box and rings once the call is in.
    for (let rung = Atomics.load(bell, 0); !this.#calls.full; rung = Atomics.load(bell, 0)) {
      Atomics.wait(bell, 0, rung, 1);
    }
    return this.#takeCall();
  }
}
