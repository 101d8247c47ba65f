/**
 * `SimpleQueue`: an unbounded queue with only `put`, `get`, `empty` and
 * `close` (Python: `multiprocessing.SimpleQueue`).
 *
 * @module
 */
import { checkOpen, EMPTY, EOF, put, putSync, take, type Taken, takeSync } from "./_channel.ts";
import { decode } from "./_codec_decode.ts";
import { type PutResult, Ring, type RingState } from "./_ring.ts";
import { type HandleDescriptor, toDescriptor } from "../task/values.ts";
import { Adoption } from "../_adoption.ts";
import { ProcessError } from "../errors.ts";
import { defaultMaxBytes } from "./_channel.ts";

const simpleQueueType = "polycore.SimpleQueue";
const putAction = "put item on simple queue";
const getAction = "get item from simple queue";

const adoption = new Adoption<Ring>(import.meta.url);

/**
 * A queue without a size limit, timeouts or counts (Python:
 * `multiprocessing.SimpleQueue`), shared with workers like a {@linkcode Queue}.
 * `await get()` waits for an item without blocking the event loop; `getSync()`
 * blocks the thread (meant for workers).
 *
 * @example
 * ```ts
 * import { SimpleQueue } from "./simple_queue.ts";
 * const q = new SimpleQueue<string>();
 * await q.put("hello");
 * console.log(q.empty()); // false
 * console.log(await q.get()); // "hello"
 * q.close();
 * ```
 */
export class SimpleQueue<T = unknown> {
  readonly #ring: Ring;
  #closed = false;

  /** An empty queue. */
  constructor() {
    this.#ring = adoption.state ?? Ring.create({ maxsize: 0, maxBytes: defaultMaxBytes });
  }

  /** Puts `item` at the end (Python: `put(obj)`). */
  async put(item: T): Promise<void> {
    checkOpen(this.#closed, putAction);
    const result = put(this.#ring, item, undefined, putAction);
    checkPut(typeof result === "string" ? result : await result);
  }

  /** Like {@linkcode SimpleQueue.put}, blocking the thread if it has to wait. */
  putSync(item: T): void {
    checkOpen(this.#closed, putAction);
    checkPut(putSync(this.#ring, item, undefined, putAction));
  }

  /** Takes the first item, waiting for one (Python: `get()`). */
  async get(): Promise<T> {
    checkOpen(this.#closed, getAction);
    const got = take(this.#ring, undefined, decode);
    return checkGet(got instanceof Promise ? await got : got) as T;
  }

  /** Like {@linkcode SimpleQueue.get}, blocking the thread while it waits. */
  getSync(): T {
    checkOpen(this.#closed, getAction);
    return checkGet(takeSync(this.#ring, undefined, decode)) as T;
  }

  /** Whether the queue has no items (Python: `empty()`). */
  empty(): boolean {
    return this.#ring.count() === 0;
  }

  /** Says that this handle will put and get no more (Python: `close()`); later calls throw. */
  close(): void {
    this.#closed = true;
  }

  /** Sent to workers as the same queue. */
  [toDescriptor](): { descriptor: HandleDescriptor } {
    return adoption.descriptor(simpleQueueType, this.#ring.state);
  }
}

function checkPut(result: PutResult): void {
  if (result !== "ok") throw new ProcessError(`Cannot ${putAction}: ${result}`);
}

function checkGet(got: Taken<unknown>): unknown {
  if (got === EMPTY || got === EOF) throw new ProcessError(`Cannot ${getAction}: ${String(got)}`);
  return got;
}

adoption.register(
  simpleQueueType,
  () => new SimpleQueue(),
  (state) => new Ring(state as RingState),
);
