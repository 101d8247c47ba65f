/**
 * A worker host of a NATS pool: takes task messages from the pool's work
 * queue and runs them on a local polycore Pool, so its own event loop stays
 * free to send `working()` heartbeats while tasks run. A task is acknowledged
 * only once its result has reached the client; a task that throws is
 * answered with its error (never redelivered); `drain()` finishes the tasks
 * it holds and hands back the rest. `polycore worker` is this, as a command.
 *
 * @module
 */
import { encodeArgs } from "../task/values.ts";
import type { Backend } from "../context.ts";
import { checkBackend, checkPositiveInteger } from "../_validate.ts";
import { runtime } from "../../runtimes/mod.ts";
import { Pool, schedulerOf } from "../pool/pool.ts";
import { specFromRemote } from "../task/task.ts";
import {
  type Broker,
  checkConnectOptions,
  isNoResponders,
  type NatsConnectOptions,
  openBroker,
} from "./_broker.ts";
import { checkPoolName, ensurePool, poolNames } from "./_pool_stream.ts";
import {
  decodeTask,
  encodeMessage,
  type ResultMessage,
  type TaskMessage,
  wireVersion,
} from "./_wire.ts";

/** Options of {@linkcode serveWorkers}. */
export interface ServeWorkersOptions extends NatsConnectOptions {
  /** The pool to serve (the clients' `name`); `"default"`. */
  readonly pool?: string;
  /** Local workers; `cpuCount()` by default. */
  readonly processes?: number;
  /** The local pool's backend: `"thread"` (default) or `"process"`. */
  readonly backend?: Backend;
  /** Aborting drains the host, like `drain()`. */
  readonly signal?: AbortSignal;
}

/** What a worker host has done so far. */
export interface WorkerHostStats {
  /** Tasks running on the local pool now. */
  readonly running: number;
  /** Tasks answered with a result. */
  readonly completed: number;
  /** Tasks answered with their error. */
  readonly failed: number;
  /** Results dropped because their client was gone. */
  readonly dropped: number;
  /** Tasks handed back to the queue (drained before they ran, or a result that could not be sent). */
  readonly returned: number;
}

/** A running worker host (see {@linkcode serveWorkers}). */
export interface WorkerHost extends AsyncDisposable {
  /** The pool it serves. */
  readonly pool: string;
  /** Its local workers. */
  readonly processes: number;
  /** Resolves once it has drained and closed its connection. */
  readonly closed: Promise<void>;
  /** Counts so far. */
  stats(): WorkerHostStats;
  /** Stops taking tasks, finishes those it runs, hands back the rest, and closes. */
  drain(): Promise<void>;
}

interface Held {
  readonly msg: JsMessage;
  readonly heartbeat: ReturnType<typeof setInterval>;
}

/** The part of a JetStream message a host uses. */
interface JsMessage {
  readonly data: Uint8Array;
  ack(): void;
  nak(delay?: number): void;
  term(): void;
  working(): void;
}

const resultTimeoutMs = 5_000;
const resultAttempts = 5;
const rememberCancelled = 10_000;

/**
 * Joins the NATS pool `pool` as a worker host: its tasks run on a local Pool
 * of `processes` workers. Resolves once it is connected and taking tasks.
 *
 * @example Serve a pool, then run a map on it
 * ```ts ignore
 * import { Pool, serveWorkers } from "polycore";
 * const servers = "nats://127.0.0.1:4222";
 * await using host = await serveWorkers({ servers, pool: "demo", processes: 2 });
 * await using pool = new Pool({ backend: "nats", servers, name: "demo" });
 * console.log(await pool.map((n: number) => n * n, [1, 2, 3])); // [1, 4, 9]
 * ```
 *
 * @param options The broker, the pool's name, and the local pool.
 * @returns The running host.
 */
export async function serveWorkers(options: ServeWorkersOptions): Promise<WorkerHost> {
  const action = "serve workers";
  checkConnectOptions(action, options);
  const name = checkPoolName(action, "pool", options.pool, "default");
  const processes = checkPositiveInteger(action, "processes", options.processes) ??
    runtime.cpuCount();
  const backend = checkBackend(action, options.backend, "thread");
  const broker = await openBroker(options);
  try {
    const names = poolNames(name);
    const redelivery = await ensurePool(broker, names);
    const consumer = await broker.js.consumers.get(names.stream, names.consumer);
    const messages = await consumer.consume({ max_messages: 2 * processes });
    const host = new Host(broker, name, processes, backend, redelivery.ackWaitMs, messages);
    broker.nc.subscribe(names.cancel, { callback: (_error, msg) => host.cancel(msg.string()) });
    await broker.nc.flush();
    if (options.signal) {
      if (options.signal.aborted) void host.drain();
      else options.signal.addEventListener("abort", () => void host.drain(), { once: true });
    }
    return host;
  } catch (error) {
    await broker.nc.close();
    throw error;
  }
}

class Host implements WorkerHost {
  readonly pool: string;
  readonly processes: number;
  readonly closed: Promise<void>;
  readonly #broker: Broker;
  readonly #local: Pool;
  readonly #heartbeatMs: number;
  readonly #messages: AsyncIterable<JsMessage> & { stop(): void };
  readonly #running = new Map<string, AbortController>();
  readonly #cancelled = new Set<string>();
  readonly #tasks = new Set<Promise<void>>();
  readonly #freeSlot: (() => void)[] = [];
  #slots: number;
  #draining?: Promise<void>;
  #counts = { completed: 0, failed: 0, dropped: 0, returned: 0 };

  constructor(
    broker: Broker,
    pool: string,
    processes: number,
    backend: Backend,
    ackWaitMs: number,
    messages: AsyncIterable<JsMessage> & { stop(): void },
  ) {
    this.#broker = broker;
    this.pool = pool;
    this.processes = processes;
    this.#local = new Pool({ processes, backend });
    this.#slots = 2 * processes; // one running and one ready, per local worker
    this.#heartbeatMs = Math.max(50, Math.floor(ackWaitMs / 3));
    this.#messages = messages;
    this.closed = this.#take().then(() => this.#close());
  }

  stats(): WorkerHostStats {
    return { running: this.#running.size, ...this.#counts };
  }

  /** A client gave up on a call: stop it if it runs here, skip it if it comes later. */
  cancel(id: string): void {
    const running = this.#running.get(id);
    if (running) return running.abort(new Error("cancelled by its client"));
    this.#cancelled.add(id);
    if (this.#cancelled.size > rememberCancelled) {
      this.#cancelled.delete(this.#cancelled.values().next().value!);
    }
  }

  async #take(): Promise<void> {
    for await (const msg of this.#messages) {
      if (this.#draining) {
        msg.nak();
        this.#counts.returned++;
        continue;
      }
      const held: Held = {
        msg,
        heartbeat: setInterval(() => msg.working(), this.#heartbeatMs),
      };
      if (this.#slots === 0) await new Promise<void>((resolve) => this.#freeSlot.push(resolve));
      this.#slots--;
      // The slot is free once the local pool has answered; sending the result comes after.
      const freeSlot = () => {
        this.#slots++;
        this.#freeSlot.shift()?.();
      };
      const task: Promise<void> = this.#run(held)
        .then((answering) => {
          freeSlot();
          return answering;
        }, freeSlot)
        .finally(() => {
          clearInterval(held.heartbeat);
          this.#tasks.delete(task);
        });
      this.#tasks.add(task);
    }
  }

  /** Runs a task on the local pool; resolves, once it has run, to the sending of its result. */
  async #run({ msg }: Held): Promise<Promise<void> | void> {
    if (this.#draining) {
      msg.nak();
      this.#counts.returned++;
      return;
    }
    let task: TaskMessage;
    try {
      task = decodeTask(msg.data);
    } catch {
      return msg.term(); // not ours to run, and never will be
    }
    if (this.#cancelled.delete(task.id)) return msg.term();
    const controller = new AbortController();
    this.#running.set(task.id, controller);
    let result: ResultMessage;
    try {
      result = { v: wireVersion, id: task.id, ok: true, value: await this.#call(task, controller) };
    } catch (error) {
      result = { v: wireVersion, id: task.id, ok: false, error };
    } finally {
      this.#running.delete(task.id);
    }
    if (controller.signal.aborted) return msg.term(); // its client gave up on it
    let bytes: Uint8Array;
    try {
      bytes = encodeMessage(
        result,
        `send the result of task '${
          task.task.kind === "module" ? task.task.exportName : task.task.name
        }'`,
      );
    } catch (error) {
      result = { v: wireVersion, id: task.id, ok: false, error };
      bytes = encodeMessage(result, "send a task's error");
    }
    return this.#answer(msg, task.reply, bytes, result.ok);
  }

  /** Sends a result, then acknowledges its task (or hands it back when it could not be sent). */
  async #answer(msg: JsMessage, reply: string, bytes: Uint8Array, ok: boolean): Promise<void> {
    const sent = await this.#sendResult(reply, bytes);
    if (sent === "failed") {
      msg.nak(); // run again later: the result never arrived
      this.#counts.returned++;
      return;
    }
    msg.ack();
    if (sent === "gone") this.#counts.dropped++;
    else if (ok) this.#counts.completed++;
    else this.#counts.failed++;
  }

  #call(task: TaskMessage, controller: AbortController): Promise<unknown> {
    const spec = specFromRemote(task.task);
    const packed = task.args instanceof Float64Array ? new Float64Array(task.args) : undefined;
    return new Promise((resolve, reject) => {
      this.#local[schedulerOf].submit({
        spec,
        mode: task.mode,
        args: packed
          ? { args: packed, transfer: [packed.buffer as ArrayBuffer] }
          : encodeArgs(task.args as unknown[], spec.homes),
        items: task.mode === "apply" ? 1 : task.args.length,
        offset: task.offset,
        signal: controller.signal,
        resolve,
        reject,
      });
    });
  }

  /** Sends a result as a request to its client; "gone" when nobody listens there any more. */
  async #sendResult(reply: string, bytes: Uint8Array): Promise<"sent" | "gone" | "failed"> {
    let nobody = 0;
    for (let attempt = 0; attempt < resultAttempts; attempt++) {
      try {
        await this.#broker.nc.request(reply, bytes, { timeout: resultTimeoutMs });
        return "sent";
      } catch (error) {
        // A client reconnecting after a broker restart is briefly not subscribed: ask again.
        if (isNoResponders(error)) nobody++;
        await new Promise((resolve) => setTimeout(resolve, 300 * (attempt + 1)));
      }
    }
    return nobody === resultAttempts ? "gone" : "failed";
  }

  drain(): Promise<void> {
    this.#draining ??= (async () => {
      this.#messages.stop();
      await this.closed;
    })();
    return this.#draining;
  }

  async #close(): Promise<void> {
    this.#draining ??= Promise.resolve();
    while (this.#tasks.size > 0) await Promise.allSettled([...this.#tasks]);
    await this.#local.terminate();
    await this.#broker.nc.drain().catch(() => this.#broker.nc.close());
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.drain();
  }
}
