/**
 * One worker of a pool, seen from the parent: what it holds, what it has
 * compiled, how many tasks it has done.
 *
 * @module
 */
import type { Transferable, WorkerChannel } from "../../runtimes/types.ts";
import type { Thrown } from "../task/error_codec.ts";
import type { PoolCall } from "./_pool_call.ts";
import type { BootData, Call, FromWorker, Outcome, ToWorker } from "../task/_protocol.ts";
import { awakeLoop } from "./_awake_loop.ts";
import { Doorbell } from "./_doorbell.ts";
import { findUncloneable } from "../task/values.ts";
import { exitCodeOf, spawnWorker } from "../process/_spawn.ts";
import type { Backend } from "../context.ts";
import { taskDescriptor } from "../task/task.ts";
import { unpackedOutcome } from "../task/_packed.ts";

/** What a pool hears from its workers. */
export interface PoolWorkerEvents {
  onReady(worker: PoolWorker): void;
  onSettled(worker: PoolWorker, outcomes: readonly Outcome[], elapsedMs: number): void;
  onInitFailed(worker: PoolWorker, error: Thrown): void;
  onFatal(worker: PoolWorker, error: Thrown): void;
  /** `code` is Python's exit code (minus the signal number when a signal ended it). */
  onExit(worker: PoolWorker, code: number, signal: string | null): void;
}

/** How a batch goes to a worker (see `ToWorker`'s "run"). */
export interface BatchOptions {
  /** How long the batch is expected to run (ms), once its tasks are measured. */
  readonly expectedMs?: number;
  /** The worker may hold the results of the batches it has now until this one's are in. */
  readonly holdPrevious?: boolean;
  /** No call is left for this worker after this batch: its results go back at once. */
  readonly last?: boolean;
}

/** A pool's worker and the calls it holds. */
export class PoolWorker {
  readonly name: string;
  readonly #channel: WorkerChannel;
  readonly #known = new Set<number>();
  readonly inFlight = new Map<number, PoolCall>();
  /** Batches sent and not yet settled. */
  batches = 0;
  /** Calls settled here, for `maxTasksPerChild`. */
  completed = 0;
  ready = false;
  /** The uncaught error the worker reported before it exited, if any. */
  fatal?: unknown;
  /** No new work: it is being recycled or stopped. */
  retiring = false;
  /** When the batch it runs now started, as far as the parent knows (`performance.now()`). */
  batchStartedAt = 0;
  #referenced = true;

  /** How the worker ended, once it has. */
  exit?: { readonly code: number | null; readonly signal: string | null };

  /** A thread's doorbell: calls go through it (see `_doorbell.ts`). */
  readonly #doorbell?: Doorbell;

  constructor(boot: BootData, events: PoolWorkerEvents, backend: Backend, maxHeapMb?: number) {
    this.name = boot.name;
    if (backend === "thread") {
      this.#doorbell = new Doorbell();
      const withCalls: BootData = { ...boot, calls: this.#doorbell.ends };
      this.#channel = spawnWorker(backend, withCalls, maxHeapMb, this.#doorbell.transfer);
    } else {
      this.#channel = spawnWorker(backend, boot, maxHeapMb);
    }
    // An uncaught error normally arrives as a "fatal" message; some hosts (bun test) report it
    // only as an error event, and then exit with code 0.
    this.#channel.onError((error) => this.fatal ??= error);
    const hear = (data: unknown) => this.#hear(data as FromWorker, events);
    // It counts as starting (see `_awake_loop.ts`) until it is ready, or gone before it was.
    awakeLoop.starting();
    this.#channel.onExit((code, signal) => {
      if (!this.ready) awakeLoop.started();
      this.exit = { code, signal };
      // Results the worker sent before it ended count, whichever channel is heard first.
      this.#doorbell?.drain(hear);
      this.#doorbell?.close();
      for (; this.batches > 0; this.batches--) awakeLoop.settled();
      events.onExit(
        this,
        code === 0 && this.fatal !== undefined ? 1 : exitCodeOf(code, signal),
        signal,
      );
    });
    this.#channel.onMessage(hear);
    this.#doorbell?.onMessage(hear);
    this.keepAlive(false);
  }

  #hear(message: FromWorker, events: PoolWorkerEvents): void {
    switch (message.tag) {
      case "ready":
        if (this.exit === undefined) awakeLoop.started();
        this.ready = true;
        events.onReady(this);
        break;
      case "settled":
        this.batches--;
        awakeLoop.settled();
        events.onSettled(this, message.outcomes.map(unpackedOutcome), message.elapsedMs);
        break;
      case "init-failed":
        events.onInitFailed(this, message.error);
        break;
      case "fatal":
        events.onFatal(this, message.error);
    }
  }

  /** The worker's thread id. */
  get threadId(): number {
    return this.#channel.threadId;
  }

  /** Lets the worker keep the program alive only while it has work (or is being waited for). */
  keepAlive(on: boolean): void {
    if (on === this.#referenced) return;
    this.#referenced = on;
    if (on) this.#channel.ref();
    else this.#channel.unref();
  }

  /**
   * Sends calls as one message (see {@linkcode BatchOptions}). Calls that cannot be cloned are
   * returned (with why) instead of sent; the rest still go.
   */
  send(
    calls: readonly PoolCall[],
    options: BatchOptions = {},
  ): { call: PoolCall; error: unknown }[] {
    const wire = calls.map((call) => this.#toWire(call));
    try {
      this.#post(wire, calls.flatMap((c) => c.args.transfer), options);
      this.#hold(calls);
      return [];
    } catch {
      const failed: { call: PoolCall; error: unknown }[] = [];
      const sendable: PoolCall[] = [];
      for (const call of calls) {
        const found = findUncloneable(Array.from(call.args.args));
        if (found.index < 0) sendable.push(call);
        else failed.push({ call, error: unclonable(call, found.index, found.at!, found.what!) });
      }
      if (sendable.length > 0) {
        this.#post(
          sendable.map((call) => this.#toWire(call)),
          sendable.flatMap((c) => c.args.transfer),
          options,
        );
        this.#hold(sendable);
      }
      return failed;
    }
  }

  #toWire(call: PoolCall): Call {
    const fresh = call.spec.module === undefined && !this.#known.has(call.spec.key);
    if (fresh) this.#known.add(call.spec.key);
    const args = call.args.args;
    return {
      id: call.id,
      task: taskDescriptor(call.spec, fresh),
      // A packed chunk goes as its buffer alone (see `Call`).
      ...(args instanceof Float64Array
        ? { args: [], packed: args.buffer as ArrayBuffer }
        : { args }),
      ...(call.mode === "apply" ? {} : { mode: call.mode }),
      ...(call.args.handles ? { handles: call.args.handles } : {}),
    };
  }

  #post(calls: Call[], transfer: Transferable[], options: BatchOptions): void {
    const { expectedMs, holdPrevious, last } = options;
    const message: ToWorker = {
      tag: "run",
      calls,
      ...(holdPrevious ? { holdPrevious } : {}),
      ...(last ? { last } : {}),
    };
    const doorbell = this.#doorbell;
    // A lone call to a worker holding nothing else may go in its call box (see `_doorbell.ts`).
    const boxable = this.batches === 0 && calls.length === 1 && transfer.length === 0;
    // Before the call goes: its result may come back at once, into a box the loop polls.
    awakeLoop.expect(doorbell?.results, expectedMs);
    try {
      if (!doorbell) this.#channel.post(message, transfer);
      else if (!(boxable && doorbell.postCall(calls[0]))) doorbell.post(message, transfer);
    } catch (error) {
      awakeLoop.settled();
      throw error;
    }
    this.batches++;
  }

  #hold(calls: readonly PoolCall[]): void {
    for (const call of calls) this.inFlight.set(call.id, call);
    this.keepAlive(true);
  }

  /** Asks the worker to exit once idle. */
  shutdown(): void {
    this.retiring = true;
    const message: ToWorker = { tag: "shutdown" };
    if (this.#doorbell) this.#doorbell.post(message);
    else this.#channel.post(message);
  }

  /** Stops the worker now. */
  terminate(): Promise<void> {
    this.retiring = true;
    return this.#channel.terminate();
  }
}

function unclonable(call: PoolCall, index: number, at: string, what: string): TypeError {
  const where = call.mode === "apply" ? `argument ${index}` : `item ${call.offset + index}`;
  return new TypeError(
    `Cannot send ${where} of task '${call.spec.label}' to a worker as ${at} is ${what}, which cannot be copied to another thread or process: pass plain data, typed arrays, Map, Set, Date, a function, or a polycore handle`,
  );
}
