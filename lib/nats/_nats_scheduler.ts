/**
 * The NATS backend's side of a Pool: calls become task messages on the
 * pool's JetStream work queue, published with their id as `Nats-Msg-Id` (a
 * retried publish is dropped as a duplicate), at most `window` in flight.
 * Results come back as requests to this client's inbox, and each is answered
 * so the host acknowledges its task only once the result has arrived: a lost
 * host's tasks are redelivered after `ackWaitMs`, and a result that arrives
 * twice is settled once (at-least-once delivery, exactly-once results).
 *
 * @module
 */
import { Deque } from "../pool/_deque.ts";
import { callLabel, newCall, type PoolCall, refuseCall, settleCall } from "../pool/_pool_call.ts";
import {
  admitCall,
  type PoolScheduler,
  pythonStateName,
  refusalIn,
  type SchedulerState,
} from "../pool/_pool_scheduler.ts";
import { PoolAccounting, type PoolStats } from "../pool/pool_stats.ts";
import type { CallInit } from "../pool/_scheduler.ts";
import { TaskEstimates } from "../pool/_task_estimates.ts";
import {
  CancelledError,
  PoolTerminatedError,
  ProcessError,
  TaskDeliveryError,
  TimeoutError,
} from "../errors.ts";
import { remoteTask, type TaskSpec } from "../task/task.ts";
import { type Broker, type NatsConnectOptions, openBroker } from "./_broker.ts";
import { ensurePool, type PoolNames, poolNames, type Redelivery } from "./_pool_stream.ts";
import { decodeResult, encodeMessage, wireVersion } from "./_wire.ts";

/** A NATS pool's settings, checked (see `natsPoolSettings`). */
export interface NatsPoolSettings extends NatsConnectOptions {
  readonly name: string;
  /** The number of workers chunk sizes assume. */
  readonly processes: number;
  /** Calls published and not settled, at most. */
  readonly window: number;
  readonly redelivery: Redelivery;
  readonly taskTimeoutMs?: number;
}

interface Connected {
  readonly broker: Broker;
  readonly names: PoolNames;
  readonly inbox: string;
  readonly redelivery: Redelivery;
  readonly maxPayload: number;
}

interface Published {
  readonly id: string;
  readonly call: PoolCall;
  seq?: number;
}

const publishTimeoutMs = 5_000;
const publishGiveUpMs = 60_000;

function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(9));
  return Array.from(bytes, (b) => b.toString(36).padStart(2, "0")).join("");
}

/** Runs a pool's calls on the worker hosts of a NATS pool. */
export class NatsScheduler implements PoolScheduler {
  readonly #settings: NatsPoolSettings;
  readonly #clientId = randomId();
  readonly #queue = new Deque<PoolCall>();
  readonly #inFlight = new Map<number, Published>();
  readonly #bySeq = new Map<number, Published>();
  readonly #accounting = new PoolAccounting();
  readonly #estimates = new TaskEstimates();
  readonly #connected: Promise<Connected>;
  #ready?: Connected;
  #state: SchedulerState = "running";
  #failure?: unknown;
  #nextId = 1;
  #closing?: Promise<void>;
  readonly #closed = Promise.withResolvers<void>();

  constructor(settings: NatsPoolSettings) {
    this.#settings = settings;
    this.#connected = this.#connect();
    this.#connected.then(
      (ready) => {
        this.#ready = ready;
        if (this.#state === "terminated") return void this.#shutdown();
        this.#pump();
      },
      (error) => this.#break(error),
    );
  }

  async #connect(): Promise<Connected> {
    const broker = await openBroker(this.#settings);
    try {
      const names = poolNames(this.#settings.name);
      const redelivery = await ensurePool(broker, names, this.#settings.redelivery);
      const inbox = broker.inbox();
      broker.nc.subscribe(inbox, { callback: (_error, msg) => this.#onResult(msg) });
      broker.nc.subscribe(names.maxDeliveries, {
        callback: (_error, msg) => this.#onMaxDeliveries(msg.json()),
      });
      await broker.nc.flush();
      return {
        broker,
        names,
        inbox,
        redelivery,
        maxPayload: broker.nc.info?.max_payload ?? 1 << 20,
      };
    } catch (error) {
      await broker.nc.close();
      throw error;
    }
  }

  get stateName(): "RUN" | "CLOSE" | "TERMINATE" {
    return pythonStateName(this.#state);
  }

  get refusal(): string | undefined {
    return refusalIn(this.#state, "it cannot reach its NATS server");
  }

  get failure(): unknown {
    return this.#failure;
  }

  get size(): number {
    return this.#settings.processes;
  }

  get joinable(): boolean {
    return this.#state !== "running";
  }

  estimateMs(spec: TaskSpec): number | undefined {
    return this.#estimates.get(spec);
  }

  submit(init: CallInit): PoolCall {
    const call = newCall(init, this.#nextId++, this.#settings.taskTimeoutMs);
    if (call.args.handles) {
      const type = call.args.handles[0].descriptor.type.replace(/^polycore\./, "");
      return refuseCall(
        call,
        new TypeError(
          `Cannot send task '${call.spec.label}' to the NATS pool '${this.#settings.name}' as its arguments hold a ${type}: ` +
            "locks, queues, shared memory, manager proxies and functions do not cross machines; send plain data",
        ),
      );
    }
    const refused = admitCall(call, this.#state, this.#failure, () => this.#abort(call));
    if (refused) return refuseCall(call, refused.reason);
    this.#queue.push(call);
    this.#pump();
    return call;
  }

  cancel(call: PoolCall, reason: unknown): boolean {
    if (call.done || call.dispatchedAt !== 0) return false;
    this.#settle(call, false, reason, false);
    return true;
  }

  /** Publishes queued calls while the window has room. */
  #pump(): void {
    const ready = this.#ready;
    if (!ready || (this.#state !== "running" && this.#state !== "closed")) return;
    while (this.#inFlight.size < this.#settings.window) {
      const call = this.#queue.shift();
      if (!call) break;
      if (call.done) continue;
      if (call.group?.failed) {
        this.#settle(call, false, new CancelledError("Another chunk of this map failed"), false);
        continue;
      }
      this.#dispatch(ready, call);
    }
    if (this.#state === "closed") this.#maybeFinish();
  }

  #dispatch(ready: Connected, call: PoolCall): void {
    const now = performance.now();
    call.dispatchedAt = now;
    this.#accounting.waited(now - call.submittedAt);
    const entry: Published = { id: `${this.#clientId}.${call.id}`, call };
    let bytes: Uint8Array;
    try {
      bytes = encodeMessage({
        v: wireVersion,
        id: entry.id,
        reply: ready.inbox,
        task: remoteTask(call.spec),
        mode: call.mode,
        args: call.args.args,
        offset: call.offset,
      }, `send task '${call.spec.label}' to a NATS pool`);
    } catch (error) {
      return this.#settle(call, false, error);
    }
    if (bytes.length > ready.maxPayload) {
      return this.#settle(
        call,
        false,
        new RangeError(
          `Cannot send ${
            callLabel(call)
          } to the NATS pool '${this.#settings.name}' as its message is ${bytes.length} bytes, over the broker's max_payload of ${ready.maxPayload}: use a smaller chunksize, or pass a reference to the data instead of the data`,
        ),
      );
    }
    this.#inFlight.set(call.id, entry);
    if (call.timeoutMs !== undefined) {
      call.timer = setTimeout(() => this.#timeOut(call), call.timeoutMs);
    }
    void this.#publish(ready, entry, bytes);
  }

  /** Publishes until the broker takes it: a broker restarting is retried, deduplicated by id. */
  async #publish(ready: Connected, entry: Published, bytes: Uint8Array): Promise<void> {
    const started = performance.now();
    for (let attempt = 0; !entry.call.done; attempt++) {
      try {
        const ack = await ready.broker.js.publish(ready.names.tasks, bytes, {
          msgID: entry.id,
          timeout: publishTimeoutMs,
        });
        entry.seq = ack.seq;
        this.#bySeq.set(ack.seq, entry);
        if (entry.call.done) this.#withdraw(entry);
        return;
      } catch (error) {
        if (entry.call.done || this.#state === "terminated") return;
        if (performance.now() - started > publishGiveUpMs) {
          return this.#settle(
            entry.call,
            false,
            new ProcessError(
              `Cannot publish ${
                callLabel(entry.call)
              } to the NATS pool '${this.#settings.name}': the broker did not take it within ${publishGiveUpMs} ms`,
              { cause: error },
            ),
          );
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(2_000, 100 * 2 ** attempt)));
      }
    }
  }

  #onResult(msg: { data: Uint8Array; respond(data?: Uint8Array): boolean }): void {
    msg.respond(); // the host acknowledges its task once the result has arrived
    let result;
    try {
      result = decodeResult(msg.data);
    } catch {
      return;
    }
    const callId = Number(result.id.slice(this.#clientId.length + 1));
    const entry = this.#inFlight.get(callId);
    if (!entry || entry.id !== result.id) return; // a duplicate, or a call given up on
    const { call } = entry;
    this.#estimates.record([call.spec], performance.now() - call.dispatchedAt, call.items);
    this.#accounting.ran(performance.now() - call.dispatchedAt);
    if (result.ok) this.#settle(call, true, result.value);
    else this.#settle(call, false, result.error);
  }

  #onMaxDeliveries(advisory: { stream_seq?: number; deliveries?: number }): void {
    const entry = advisory.stream_seq === undefined
      ? undefined
      : this.#bySeq.get(advisory.stream_seq);
    if (!entry) return; // another client's task
    const attempts = advisory.deliveries ?? this.#ready?.redelivery.maxDeliver ?? 0;
    const ackWaitMs = this.#ready?.redelivery.ackWaitMs;
    this.#settle(
      entry.call,
      false,
      new TaskDeliveryError(
        `${
          callLabel(entry.call)
        } was delivered ${attempts} times (maxDeliver) and never answered: every worker host that took it was lost, or did not acknowledge it within ackWaitMs (${ackWaitMs} ms)`,
        { task: entry.call.spec.label, attempts },
      ),
    );
  }

  #timeOut(call: PoolCall): void {
    if (call.done) return;
    this.#settle(
      call,
      false,
      new TimeoutError(
        `${
          callLabel(call)
        } timed out after ${call.timeoutMs} ms on the NATS pool '${this.#settings.name}': it was withdrawn, and the host running it stops it`,
      ),
    );
  }

  #abort(call: PoolCall): void {
    if (!call.done) this.#settle(call, false, call.signal!.reason);
  }

  /** Tells the hosts to stop a call given up on, and removes its message if still queued. */
  #withdraw(entry: Published): void {
    const ready = this.#ready;
    if (!ready || entry.seq === undefined) return;
    ready.broker.nc.publish(ready.names.cancel, entry.id);
    ready.broker.jsm.streams.deleteMessage(ready.names.stream, entry.seq, false).catch(() => {});
  }

  #settle(call: PoolCall, ok: boolean, value: unknown, counted = true): void {
    if (!settleCall(call, ok, value, this.#accounting, counted)) return;
    const entry = this.#inFlight.get(call.id);
    if (entry) {
      this.#inFlight.delete(call.id);
      if (entry.seq !== undefined) this.#bySeq.delete(entry.seq);
      if (!ok) this.#withdraw(entry);
    }
    queueMicrotask(() => this.#pump()); // the freed slot, once this settlement's callers ran
  }

  #break(error: unknown): void {
    if (this.#state === "terminated") return;
    this.#state = "broken";
    this.#failure = new ProcessError(
      `Cannot reach the NATS server at ${this.#settings.servers} for pool '${this.#settings.name}'`,
      { cause: error },
    );
    for (const call of this.#queue.drain()) this.#settle(call, false, this.#failure);
  }

  #maybeFinish(): void {
    if (this.#queue.length === 0 && this.#inFlight.size === 0) void this.#shutdown();
  }

  /** Closes the connection once (after the last result, or at terminate). */
  #shutdown(): Promise<void> {
    this.#closing ??= (async () => {
      const ready = this.#ready ?? await this.#connected.catch(() => undefined);
      await ready?.broker.nc.drain().catch(() => ready.broker.nc.close());
      this.#closed.resolve();
    })();
    return this.#closing;
  }

  close(): void {
    if (this.#state === "running") this.#state = "closed";
    if (this.#state === "closed" && this.#ready) this.#maybeFinish();
  }

  async terminate(): Promise<void> {
    if (this.#state !== "terminated") {
      this.#state = "terminated";
      const error = new PoolTerminatedError("The pool was terminated before the task finished");
      for (const call of this.#queue.drain()) this.#settle(call, false, error);
      for (const { call } of [...this.#inFlight.values()]) this.#settle(call, false, error);
    }
    await this.#shutdown();
  }

  /** Resolves once the connection is closed: after the last result of a closed pool. */
  join(): Promise<void> {
    if (this.#state === "broken") return this.#shutdown();
    return this.#closed.promise;
  }

  stats(): PoolStats {
    const { processes } = this.#settings;
    const live = { workers: processes, busy: this.#inFlight.size, queued: this.#queue.length };
    return this.#accounting.snapshot(live, processes);
  }
}
