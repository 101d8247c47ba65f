/**
 * Queues across machines (Python: a `Queue` served by a remote manager): a
 * JetStream work-queue stream on file storage, one durable consumer shared by
 * every getter. Items are encoded with polycore's cross-runtime codec, so a
 * Node producer and a Bun or Deno consumer share one queue.
 *
 * @module
 */
import { encode } from "../queues/_codec.ts";
import { decode } from "../queues/_codec_decode.ts";
import { checkPositiveInteger, checkTimeout } from "../_validate.ts";
import { QueueEmptyError, QueueFullError } from "../errors.ts";
import {
  type Broker,
  checkConnectOptions,
  type NatsConnectOptions,
  openBroker,
} from "./_broker.ts";
import { checkPoolName } from "./_pool_stream.ts";

/** Options of {@linkcode NatsQueue}. */
export interface NatsQueueOptions extends NatsConnectOptions {
  /** The queue's name, the same in every program that shares it. */
  readonly name: string;
  /** Items it holds at most (0: no limit); a full queue makes `put` wait. */
  readonly maxsize?: number;
  /** How long a getter may hold an item before `taskDone()`, past which it is handed to another (joinable only); 30 s. */
  readonly ackWaitMs?: number;
}

/** Options of `put` and `get`. */
export interface NatsWaitOptions {
  /** Give up after this long with `QueueFullError` / `QueueEmptyError`; wait forever by default. */
  readonly timeoutMs?: number;
}

/** A message a getter took: acknowledged when done, handed back on close. */
export interface TakenMessage {
  ack(): void;
  nak(): void;
  working(): void;
}

interface Held {
  readonly msg: TakenMessage;
  readonly heartbeat: ReturnType<typeof setInterval>;
}

interface Ready {
  readonly broker: Broker;
  readonly consumer: {
    next(opts: { expires: number }): Promise<
      { data: Uint8Array; ack(): void; nak(): void; working(): void } | null
    >;
  };
}

const nanosPerMs = 1_000_000;
const longestPullMs = 30_000;
const shortestPullMs = 1_000; // the client's own floor for a pull's `expires`
const joinPollMs = 50;

/**
 * A FIFO queue shared by programs on any machine that reaches the NATS server
 * (Python: `multiprocessing.Queue`, served by a `BaseManager`). Every method
 * is async: the queue lives in the broker, not in this process.
 *
 * @example Producer and consumer on different hosts
 * ```ts ignore
 * import { NatsQueue } from "polycore";
 * await using queue = new NatsQueue({ servers: "nats://127.0.0.1:4222", name: "jobs" });
 * await queue.put({ id: 1 });
 * console.log(await queue.get()); // { id: 1 } (in this or any other program)
 * ```
 */
export class NatsQueue<T = unknown> implements AsyncDisposable {
  /** The queue's name. */
  readonly name: string;
  /** Items it holds at most (0: no limit). */
  readonly maxsize: number;
  readonly #subject: string;
  readonly #stream: string;
  readonly #ready: Promise<Ready>;
  readonly #ackWaitMs: number;
  /** Items taken by `get` and not yet `taskDone()` (joinable only). */
  readonly #held: Held[] = [];
  #closed = false;

  /**
   * Connects to the queue `name`, creating it on first use.
   *
   * @param options The broker, the queue's name and its size.
   */
  constructor(options: NatsQueueOptions) {
    const action = "create NATS queue";
    checkConnectOptions(action, options);
    this.name = checkPoolName(action, "name", options.name);
    this.maxsize = options.maxsize === 0
      ? 0
      : checkPositiveInteger(action, "maxsize", options.maxsize) ?? 0;
    this.#ackWaitMs = checkPositiveInteger(action, "ackWaitMs", options.ackWaitMs) ?? 30_000;
    this.#subject = `polycore.queue.${this.name}`;
    this.#stream = `POLYCORE_QUEUE_${this.name}`;
    this.#ready = this.#connect(options);
    this.#ready.catch(() => {}); // reported by the first call
  }

  async #connect(options: NatsConnectOptions): Promise<Ready> {
    const broker = await openBroker(options);
    const { jsm, jetstream } = broker;
    try {
      await jsm.streams.info(this.#stream).catch(() =>
        jsm.streams.add({
          name: this.#stream,
          subjects: [this.#subject],
          retention: jetstream.RetentionPolicy.Workqueue,
          storage: jetstream.StorageType.File,
          max_msgs: this.maxsize > 0 ? this.maxsize : -1,
          discard: jetstream.DiscardPolicy.New,
        })
      );
      await jsm.consumers.info(this.#stream, "getters").catch(() =>
        jsm.consumers.add(this.#stream, {
          durable_name: "getters",
          ack_policy: jetstream.AckPolicy.Explicit,
          ack_wait: this.#ackWaitMs * nanosPerMs,
        })
      );
      const consumer = await broker.js.consumers.get(this.#stream, "getters");
      return { broker, consumer: consumer as unknown as Ready["consumer"] };
    } catch (error) {
      await broker.nc.close();
      throw error;
    }
  }

  /** Adds `item`, waiting while the queue is full (Python: `put(item, block, timeout)`). */
  async put(item: T, options: NatsWaitOptions = {}): Promise<void> {
    const timeoutMs = checkTimeout("put item", "timeoutMs", options.timeoutMs);
    const bytes = encode(item, "put item on a NATS queue").slice();
    const { broker } = await this.#ready;
    const deadline = timeoutMs === undefined ? Infinity : performance.now() + timeoutMs;
    for (let wait = 10;; wait = Math.min(500, wait * 2)) {
      try {
        await broker.js.publish(this.#subject, bytes);
        return;
      } catch (error) {
        if (!/maximum messages/i.test(String(error))) throw error;
        if (performance.now() + wait > deadline) {
          throw new QueueFullError(
            `The NATS queue '${this.name}' stayed full (maxsize ${this.maxsize})`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  /** Removes and returns the oldest item, waiting for one (Python: `get(block, timeout)`). */
  async get(options: NatsWaitOptions = {}): Promise<T> {
    const timeoutMs = checkTimeout("get item", "timeoutMs", options.timeoutMs);
    const { consumer } = await this.#ready;
    const deadline = timeoutMs === undefined ? Infinity : performance.now() + timeoutMs;
    while (!this.#closed) {
      const left = deadline - performance.now();
      const expires = Math.round(Math.max(shortestPullMs, Math.min(longestPullMs, left)));
      const msg = await consumer.next({ expires });
      if (msg) {
        const item = decode(msg.data) as T;
        this.taken(msg);
        return item;
      }
      if (performance.now() >= deadline) break;
    }
    throw new QueueEmptyError(
      this.#closed
        ? `The NATS queue '${this.name}' was closed`
        : `The NATS queue '${this.name}' stayed empty for ${timeoutMs} ms`,
    );
  }

  /** What `get` does with a message it took: a plain queue acknowledges it (it is removed). */
  protected taken(msg: TakenMessage): void {
    msg.ack();
  }

  /** Holds a message until `taskDone()`, telling the broker it is still being worked on. */
  protected hold(msg: TakenMessage): void {
    const heartbeat = setInterval(() => msg.working(), Math.max(100, this.#ackWaitMs / 3));
    this.#held.push({ msg, heartbeat });
  }

  /** Acknowledges the oldest held message; `false` when none is held. */
  protected finishOldest(): boolean {
    const done = this.#held.shift();
    if (!done) return false;
    clearInterval(done.heartbeat);
    done.msg.ack();
    return true;
  }

  /** The number of items in the queue, including those taken and not done (Python: `qsize()`). */
  async qsize(): Promise<number> {
    const { broker } = await this.#ready;
    return (await broker.jsm.streams.info(this.#stream)).state.messages;
  }

  /** Whether the queue holds nothing (Python: `empty()`). */
  async empty(): Promise<boolean> {
    return (await this.qsize()) === 0;
  }

  /** Closes this program's connection; items held and not done go back to the queue. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const { msg, heartbeat } of this.#held.splice(0)) {
      clearInterval(heartbeat);
      msg.nak();
    }
    const ready = await this.#ready.catch(() => undefined);
    await ready?.broker.nc.drain().catch(() => ready.broker.nc.close());
  }

  /** `await using queue = new NatsQueue(…)`: closes it. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * A {@linkcode NatsQueue} whose items count as unfinished until a getter calls
 * `taskDone()` (Python: `JoinableQueue`): `join()` waits until every item put,
 * by any program, is done. An item whose getter is lost before `taskDone()`
 * goes back to the queue after `ackWaitMs` (at-least-once).
 *
 * @example
 * ```ts ignore
 * import { NatsJoinableQueue } from "polycore";
 * await using queue = new NatsJoinableQueue({ servers: "nats://127.0.0.1:4222", name: "work" });
 * await queue.put(1);
 * const item = await queue.get(); // in any program
 * queue.taskDone();
 * await queue.join();
 * ```
 */
export class NatsJoinableQueue<T = unknown> extends NatsQueue<T> {
  protected override taken(msg: TakenMessage): void {
    this.hold(msg);
  }

  /** Marks the oldest item this program got as done (Python: `task_done()`). */
  taskDone(): void {
    if (!this.finishOldest()) {
      throw new RangeError(
        `Cannot mark a task done on the NATS queue '${this.name}' as this program holds no item it got: taskDone() was called more times than get()`,
      );
    }
  }

  /** Resolves once every item put on the queue, by any program, is done (Python: `join()`). */
  async join(): Promise<void> {
    while ((await this.qsize()) > 0) {
      await new Promise((resolve) => setTimeout(resolve, joinPollMs));
    }
  }
}
