/**
 * `Queue`: a first-in, first-out queue shared by any number of workers
 * (Python: `multiprocessing.Queue`).
 *
 * @module
 */
import { timeoutOption, type WaitOptions } from "../sync/_atomics.ts";
import {
  type BufferOptions,
  checkOpen,
  EMPTY,
  EOF,
  maxBytesOption,
  put,
  putSync,
  take,
  type Taken,
  takeSync,
} from "./_channel.ts";
import { decode } from "./_codec_decode.ts";
import { type PutResult, Ring, type RingState } from "./_ring.ts";
import { type HandleDescriptor, toDescriptor } from "../task/values.ts";
import { Adoption } from "../_adoption.ts";
import { invalid, outOfRange } from "../_validate.ts";
import { QueueEmptyError, QueueFullError } from "../errors.ts";

export type { WaitOptions } from "../sync/_atomics.ts";
export type { BufferOptions } from "./_channel.ts";

const queueType = "polycore.Queue";
const maxMaxsize = 2 ** 31 - 1;
const putAction = "put item on queue";
const getAction = "get item from queue";

/** The ring a revived queue (or JoinableQueue) is built over. */
export const ringAdoption: Adoption<Ring> = new Adoption<Ring>(import.meta.url);
let ringOfQueue: (queue: Queue) => Ring;

/** The ring under a queue (for JoinableQueue). */
export function ringOf(queue: Queue): Ring {
  return ringOfQueue(queue);
}

/** The ring of a queue's descriptor state, for {@linkcode ringAdoption}. */
export function ringOfState(state: unknown): Ring {
  return new Ring(state as RingState);
}

function checkMaxsize(value: unknown): number {
  const expected = `must be an integer from 0 (no limit) to ${maxMaxsize}`;
  if (typeof value !== "number") invalid("create queue", "maxsize", expected, value);
  if (!Number.isInteger(value) || value < 0 || value > maxMaxsize) {
    outOfRange("create queue", "maxsize", expected, value);
  }
  return value;
}

/**
 * A queue that any number of workers put to and get from (Python:
 * `multiprocessing.Queue`). Pass it to a `Process` or `Pool` (as an argument
 * or in `initargs`): the worker gets the same queue. Items are copied with
 * structured-clone semantics (Map, Set, Date, BigInt, typed arrays, errors, …;
 * no cycles, no functions). `maxsize` limits the number of items (0: no
 * limit); a full queue makes `put()` wait. `await put()`/`await get()` wait
 * without blocking the event loop; `putSync()`/`getSync()` block the thread
 * (meant for workers). `{ timeoutMs: 0 }` never waits: `QueueFullError`,
 * `QueueEmptyError`.
 *
 * @example Producer and consumer
 * ```ts
 * import { Queue } from "./queue.ts";
 * const q = new Queue<number | null>();
 * for (const item of [1, 2, 3, null]) await q.put(item);
 * for (let item; (item = await q.get()) !== null;) console.log(`Consumed: ${item}`);
 * ```
 */
export class Queue<T = unknown> {
  readonly #ring: Ring;
  #closed = false;

  static {
    ringOfQueue = (queue) => queue.#ring;
  }

  /**
   * Creates the queue (see the class description).
   *
   * @param maxsize Most items in the queue at once; 0 (the default) for no limit.
   * @param options `maxBytes`: most bytes of items waiting (default 1 GiB).
   */
  constructor(maxsize: number = 0, options?: BufferOptions) {
    const adopted = ringAdoption.state;
    if (adopted) {
      this.#ring = adopted;
      return;
    }
    this.#ring = Ring.create({
      maxsize: checkMaxsize(maxsize),
      maxBytes: maxBytesOption("create queue", options),
    });
  }

  /**
   * Puts `item` at the end, waiting at most `timeoutMs` while the queue is
   * full (Python: `put(obj, block, timeout)`); throws `QueueFullError` when
   * time runs out. `timeoutMs: 0` never waits.
   */
  async put(item: T, options?: WaitOptions): Promise<void> {
    const timeoutMs = timeoutOption(putAction, options);
    checkOpen(this.#closed, putAction);
    const result = put(this.#ring, item, timeoutMs, putAction);
    this.#checkPut(typeof result === "string" ? result : await result, timeoutMs);
  }

  /** Like {@linkcode Queue.put}, blocking the thread while it waits. */
  putSync(item: T, options?: WaitOptions): void {
    const timeoutMs = timeoutOption(putAction, options);
    checkOpen(this.#closed, putAction);
    this.#checkPut(putSync(this.#ring, item, timeoutMs, putAction), timeoutMs);
  }

  /** Puts `item` if the queue is not full, else throws `QueueFullError` (Python: `put_nowait`). */
  putNowait(item: T): void {
    checkOpen(this.#closed, putAction);
    this.#checkPut(putSync(this.#ring, item, 0, putAction), 0);
  }

  /**
   * Takes the first item, waiting at most `timeoutMs` for one (Python:
   * `get(block, timeout)`); throws `QueueEmptyError` when time runs out.
   * `timeoutMs: 0` never waits.
   */
  async get(options?: WaitOptions): Promise<T> {
    const timeoutMs = timeoutOption(getAction, options);
    checkOpen(this.#closed, getAction);
    const got = take(this.#ring, timeoutMs, decode);
    return this.#item(got instanceof Promise ? await got : got, timeoutMs);
  }

  /** Like {@linkcode Queue.get}, blocking the thread while it waits. */
  getSync(options?: WaitOptions): T {
    const timeoutMs = timeoutOption(getAction, options);
    checkOpen(this.#closed, getAction);
    return this.#item(takeSync(this.#ring, timeoutMs, decode), timeoutMs);
  }

  /** Takes the first item if there is one, else throws `QueueEmptyError` (Python: `get_nowait`). */
  getNowait(): T {
    checkOpen(this.#closed, getAction);
    return this.#item(takeSync(this.#ring, 0, decode), 0);
  }

  /** The number of items in the queue (Python: `qsize()`); others may change it at once. */
  qsize(): number {
    return this.#ring.count();
  }

  /** Whether the queue has no items (Python: `empty()`). */
  empty(): boolean {
    return this.#ring.count() === 0;
  }

  /** Whether the queue has `maxsize` items (Python: `full()`); never for an unlimited queue. */
  full(): boolean {
    const maxsize = this.#ring.maxsize;
    return maxsize > 0 && this.#ring.count() >= maxsize;
  }

  /** The most items the queue holds; 0 for no limit (Python: the `maxsize` given to `Queue()`). */
  get maxsize(): number {
    return this.#ring.maxsize;
  }

  /**
   * Says that this handle will put and get no more (Python: `close()`): later
   * calls on it throw `ProcessError`. Other handles of the queue, in this
   * thread or in workers, and the items in it are not affected.
   */
  close(): void {
    this.#closed = true;
  }

  /** Sent to workers as the same queue. */
  [toDescriptor](): { descriptor: HandleDescriptor } {
    return ringAdoption.descriptor(queueType, this.#ring.state);
  }

  #checkPut(result: PutResult, timeoutMs: number | undefined): void {
    if (result === "ok") return;
    const limit = this.#ring.maxsize > 0 ? ` (maxsize ${this.#ring.maxsize})` : "";
    throw new QueueFullError(
      `Cannot ${putAction} as it ${
        timeoutMs ? `stayed full for ${timeoutMs} ms` : "is full"
      }${limit}`,
    );
  }

  #item(got: Taken<unknown>, timeoutMs: number | undefined): T {
    if (got !== EMPTY && got !== EOF) return got as T;
    throw new QueueEmptyError(
      `Cannot ${getAction} as it ${timeoutMs ? `stayed empty for ${timeoutMs} ms` : "is empty"}`,
    );
  }
}

ringAdoption.register(queueType, () => new Queue(), ringOfState);
