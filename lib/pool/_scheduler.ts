/**
 * A pool's scheduling: queued work stays here, and each worker gets a small
 * window of it, batched into as few messages as possible. Batches grow while
 * tasks are tiny and shrink to one call when they are long, so cancelling
 * queued work and balancing long tasks work as in CPython, and tiny tasks
 * still cost one message per batch rather than per call.
 *
 * @module
 */
import { decodeThrown, type Thrown } from "../task/error_codec.ts";
import {
  chunkError,
  earlyExitError,
  initializerError,
  timeoutError,
  workerExitedError,
} from "./_pool_failures.ts";
import { Deque } from "./_deque.ts";
import { tailShare, takeBatch } from "./_batching.ts";
import { mayHoldBefore, newCall, type PoolCall, refuseCall, settleCall } from "./_pool_call.ts";
import { admitCall, pythonStateName, refusalIn, type SchedulerState } from "./_pool_scheduler.ts";
import { PoolWorker } from "./_pool_worker.ts";
import type { Outcome } from "../task/_protocol.ts";
import { PoolAccounting, type PoolStats } from "./pool_stats.ts";
import { TaskEstimates } from "./_task_estimates.ts";
import { NextDueTimer } from "./_next_due.ts";
import { bootData, checkHandlesFor } from "../process/_spawn.ts";
import type { TaskSpec } from "../task/task.ts";
import { CancelledError, PoolTerminatedError } from "../errors.ts";
import type { SchedulerOptions } from "./pool_options.ts";

/** What a call is submitted with. */
export type CallInit = Omit<PoolCall, "id" | "submittedAt" | "dispatchedAt" | "done">;

const maxEarlyExits = 3;

/** Queues calls and runs them on a set of workers. */
export class Scheduler {
  readonly #options: SchedulerOptions;
  readonly #queue = new Deque<PoolCall>();
  readonly #workers = new Set<PoolWorker>();
  #state: SchedulerState = "running";
  #failure?: unknown;
  /** Measured run time of one item, per task (ms). */
  readonly #estimates = new TaskEstimates();
  #flushQueued = false;
  #nextId = 1;
  /** Calls in the queue that are not settled (the queue may still hold settled ones). */
  #queued = 0;
  #spawned = 0;
  #earlyExits = 0;
  #exitWaiters: (() => void)[] = [];
  #joining = false;
  readonly #accounting = new PoolAccounting();
  /** Which workers on long batches are due their next call. */
  readonly #nextDue = new NextDueTimer<PoolWorker>(() => this.#flush());

  constructor(options: SchedulerOptions) {
    this.#options = options;
    for (let i = 0; i < options.workers; i++) this.#spawn();
  }

  /** Python's pool state: RUN, CLOSE or TERMINATE (a broken pool counts as terminated). */
  get stateName(): "RUN" | "CLOSE" | "TERMINATE" {
    return pythonStateName(this.#state);
  }

  /** Whether new work is accepted; the reason when it is not. */
  get refusal(): string | undefined {
    return refusalIn(this.#state, "its initializer failed");
  }

  /** The error that broke the pool, if one did. */
  get failure(): unknown {
    return this.#failure;
  }

  /** Estimated run time of one item of `spec`, once measured (ms). */
  estimateMs(spec: TaskSpec): number | undefined {
    return this.#estimates.get(spec);
  }

  /** Number of workers the pool keeps. */
  get size(): number {
    return this.#options.workers;
  }

  /** Queues a call; settles it through `init.resolve`/`init.reject`. */
  submit(init: CallInit): PoolCall {
    const call = newCall(init, this.#nextId++, this.#options.taskTimeoutMs);
    try {
      checkHandlesFor(this.#options.backend, call.args.handles, `task '${call.spec.label}'`);
    } catch (error) {
      return refuseCall(call, error);
    }
    const refused = admitCall(call, this.#state, this.#failure, () => this.#abort(call));
    if (refused) return refuseCall(call, refused.reason);
    this.#queue.push(call);
    this.#queued++;
    // A closed pool still runs the rest of maps started before close(); its idle workers may be gone.
    if (this.#state === "closed") this.#replenish();
    if (this.#queued === 1) {
      for (const worker of this.#workers) {
        worker.keepAlive(true);
        if (!this.#nextDue.holds(worker)) this.#planNext(worker);
      }
    }
    this.#scheduleFlush();
    return call;
  }

  /** Settles a queued call as cancelled; `false` if it already started or ended. */
  cancel(call: PoolCall, reason: unknown): boolean {
    if (call.done || call.dispatchedAt !== 0) return false;
    this.#settle(call, false, reason, false);
    return true;
  }

  #scheduleFlush(): void {
    if (this.#flushQueued) return;
    this.#flushQueued = true;
    queueMicrotask(() => this.#flush());
  }

  #flush(): void {
    this.#flushQueued = false;
    if (this.#state === "terminated" || this.#state === "broken") return;
    this.#skipDone();
    if (this.#queue.peek() === undefined) return this.#maybeShutdown();
    this.#nextDue.takeOpen();
    const sent = this.#sendRound();
    // Planned once every worker has its calls: a plan first (a timer) made the next one wait.
    for (const worker of sent) this.#planNext(worker);
    this.#releaseIdle(); // workers that got none of the queue must not wait for it
    if (this.#queue.peek() === undefined) this.#maybeShutdown();
  }

  /** Gives each ready worker its share of the queue; the workers that got calls. */
  #sendRound(): Set<PoolWorker> {
    const sent = new Set<PoolWorker>();
    const ready = [...this.#workers].filter((w) => w.ready && !w.retiring);
    // A steady map's last calls on an idle pool: each worker's share at once (see `tailShare`).
    const tail = tailShare(this.#queue, this.#queued, this.#workers, this.#estimates);
    for (let maxBatches = 1; maxBatches <= 2; maxBatches++) {
      for (const worker of ready) {
        this.#skipDone();
        const head = this.#queue.peek();
        if (!head) return sent;
        if (worker.batches >= maxBatches) continue;
        const mayGo = maxBatches === 1 || this.#nextDue.isDue(worker) ||
          this.#estimates.mayPrefetch(head);
        if (!mayGo) continue;
        const batch = takeBatch(this.#queue, worker, {
          budget: tail > 0 ? Infinity : this.#estimates.budget(head),
          fairShare: tail || Math.ceil(this.#queued / ready.length),
          maxTasksPerChild: this.#options.maxTasksPerChild,
          skipDone: () => this.#skipDone(),
        });
        if (batch.length === 0) continue;
        this.#dispatch(worker, batch, tail > 0);
        sent.add(worker);
      }
    }
    return sent;
  }

  /** Drops settled calls, and calls of a failed map, from the head of the queue. */
  #skipDone(): void {
    for (let head = this.#queue.peek(); head; head = this.#queue.peek()) {
      if (!head.done && !head.group?.failed) return;
      this.#queue.shift();
      if (!head.done) {
        this.#settle(head, false, new CancelledError("Another chunk of this map failed"), false);
      }
    }
  }

  /** Sends `batch` to `worker`; `share`: the worker's share of a map's last calls, all sent now. */
  #dispatch(worker: PoolWorker, batch: PoolCall[], share: boolean): void {
    const now = performance.now();
    for (const call of batch) {
      call.dispatchedAt = now;
      this.#queued--;
      this.#accounting.waited(now - call.submittedAt);
      if (call.timeoutMs !== undefined) {
        call.timer = setTimeout(() => this.#timeOut(call, worker), call.timeoutMs);
      }
    }
    const expectedMs = this.#estimates.expectedMs(batch);
    if (worker.batches === 0) worker.batchStartedAt = now;
    // Near a map's end (the rest goes to the others), earlier chunks' results may wait for these.
    const holdPrevious = worker.batches > 0 && this.#queued < this.#workers.size &&
      mayHoldBefore(worker.inFlight.values(), batch);
    const last = share || this.#queued === 0;
    for (const { call, error } of worker.send(batch, { expectedMs, holdPrevious, last })) {
      this.#settle(call, false, error);
    }
  }

  /**
   * When a worker runs one long batch (just sent, or left running when the one before it
   * settled) and calls are queued, plans to send it the next shortly before the batch is
   * expected to end. With nothing queued it plans nothing (a call queued later plans it then):
   * a timer that finds nothing to send still wakes this thread while every core computes.
   */
  #planNext(worker: PoolWorker): void {
    const window = worker.batches === 1 && this.#queued > 0
      ? this.#estimates.nextDueWindow(worker.inFlight.values())
      : undefined;
    if (window === undefined) return this.#nextDue.clear(worker);
    const { batchStartedAt } = worker;
    this.#nextDue.plan(worker, batchStartedAt + window.fromMs, batchStartedAt + window.dueMs);
  }

  /** Once nothing is queued (and no join waits), idle workers stop keeping the program alive. */
  #releaseIdle(): void {
    if (this.#queued > 0 || this.#joining) return;
    for (const worker of this.#workers) if (worker.inFlight.size === 0) worker.keepAlive(false);
  }

  #timeOut(call: PoolCall, worker: PoolWorker): void {
    if (call.done) return;
    worker.inFlight.delete(call.id);
    this.#settle(call, false, timeoutError(call, worker, this.#options.backend));
    void worker.terminate();
  }

  #abort(call: PoolCall): void {
    if (call.done) return;
    const reason = call.signal!.reason;
    if (call.dispatchedAt === 0) return void this.#settle(call, false, reason);
    for (const worker of this.#workers) {
      if (!worker.inFlight.delete(call.id)) continue;
      this.#settle(call, false, reason);
      void worker.terminate();
      return;
    }
  }

  /** Settles a call once; `counted: false` for calls withdrawn before they ran. */
  #settle(call: PoolCall, ok: boolean, value: unknown, counted = true): void {
    const queued = call.dispatchedAt === 0 && !call.done;
    if (!settleCall(call, ok, value, this.#accounting, counted)) return;
    if (queued && --this.#queued === 0) this.#releaseIdle();
  }

  #spawn(): void {
    const name = `${this.#options.namePrefix}-${++this.#spawned}`;
    const boot = bootData("pool", name, true, this.#options.init);
    const worker = new PoolWorker(
      boot,
      {
        onReady: () => {
          this.#earlyExits = 0;
          this.#scheduleFlush();
        },
        onSettled: (w, outcomes, elapsedMs) => this.#onSettled(w, outcomes, elapsedMs),
        onInitFailed: (w, error) => this.#onInitFailed(w, error),
        onFatal: (_worker, error) => worker.fatal ??= decodeThrown(error),
        onExit: (w, code, signal) => this.#onExit(w, code, signal),
      },
      this.#options.backend,
      this.#options.maxHeapMb,
    );
    if (this.#joining || this.#queued > 0) worker.keepAlive(true);
    this.#workers.add(worker);
  }

  /** Starts workers until the pool has its size in workers that take work. */
  #replenish(): void {
    let active = 0;
    for (const worker of this.#workers) if (!worker.retiring) active++;
    for (; active < this.#options.workers; active++) this.#spawn();
  }

  #onSettled(worker: PoolWorker, outcomes: readonly Outcome[], elapsedMs: number): void {
    const now = performance.now();
    let items = 0;
    // The tasks the batch ran: one, nearly always.
    let spec: TaskSpec | undefined;
    let specs: Set<TaskSpec> | undefined;
    this.#accounting.busy(elapsedMs);
    for (const outcome of outcomes) {
      const call = worker.inFlight.get(outcome.id);
      if (!call) continue;
      worker.inFlight.delete(outcome.id);
      worker.completed++;
      items += call.items;
      if (spec === undefined) spec = call.spec;
      else if (call.spec !== spec) (specs ??= new Set([spec])).add(call.spec);
      this.#accounting.ran(now - call.dispatchedAt);
      if (outcome.ok) this.#settle(call, true, outcome.value);
      else this.#settle(call, false, chunkError(call, worker, outcome));
    }
    if (spec !== undefined) this.#estimates.record(specs ?? [spec], elapsedMs, items);
    // The batch behind the settled one (if any) runs from now.
    worker.batchStartedAt = now;
    this.#planNext(worker);
    const max = this.#options.maxTasksPerChild;
    if (max !== undefined && worker.completed >= max && worker.inFlight.size === 0) {
      worker.shutdown();
    }
    this.#flush();
    this.#releaseIdle();
  }

  #onInitFailed(worker: PoolWorker, error: Thrown): void {
    if (this.#state !== "broken") this.#break(initializerError(worker, error));
  }

  #break(error: unknown): void {
    this.#failure = error;
    this.#state = "broken";
    this.#rejectAll(error);
    for (const worker of this.#workers) void worker.terminate();
  }

  #onExit(worker: PoolWorker, code: number, signal: string | null): void {
    this.#workers.delete(worker);
    this.#nextDue.clear(worker);
    if (!worker.ready && !worker.retiring) this.#earlyExits++;
    const clean = worker.retiring && worker.inFlight.size === 0 && code === 0;
    const exit = { code, signal, maxHeapMb: this.#options.maxHeapMb };
    for (const call of worker.inFlight.values()) {
      this.#settle(call, false, workerExitedError(call, worker, exit));
    }
    worker.inFlight.clear();
    if (!clean && this.#earlyExits >= maxEarlyExits && this.#state === "running") {
      return this.#break(earlyExitError(worker, this.#earlyExits, code));
    }
    const needed = this.#state === "running" ||
      (this.#state === "closed" && this.#queued > 0);
    if (needed) this.#replenish();
    if (this.#workers.size === 0) { for (const wake of this.#exitWaiters.splice(0)) wake(); }
    this.#maybeShutdown();
    this.#scheduleFlush();
  }

  #maybeShutdown(): void {
    if (this.#state !== "closed") return;
    this.#skipDone();
    if (this.#queued > 0) return;
    for (const worker of this.#workers) {
      if (worker.inFlight.size === 0 && !worker.retiring) worker.shutdown();
    }
  }

  #rejectAll(error: unknown): void {
    for (const call of this.#queue.drain()) this.#settle(call, false, error);
    for (const worker of this.#workers) {
      for (const call of worker.inFlight.values()) this.#settle(call, false, error);
      worker.inFlight.clear();
    }
  }

  /** Stops accepting work; workers exit once the queue is done. */
  close(): void {
    if (this.#state === "running") this.#state = "closed";
    this.#maybeShutdown();
  }

  /** Rejects all pending work with `PoolTerminatedError` and stops every worker. */
  async terminate(): Promise<void> {
    if (this.#state !== "terminated") {
      const wasBroken = this.#state === "broken";
      this.#state = "terminated";
      if (!wasBroken) {
        this.#rejectAll(
          new PoolTerminatedError("The pool was terminated before the task finished"),
        );
      }
      for (const worker of this.#workers) void worker.terminate();
    }
    await this.join();
  }

  /** Resolves once every worker has exited. */
  join(): Promise<void> {
    this.#joining = true;
    for (const worker of this.#workers) worker.keepAlive(true);
    if (this.#workers.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#exitWaiters.push(resolve));
  }

  /** Whether `join()` may be called: the pool was closed or terminated. */
  get joinable(): boolean {
    return this.#state !== "running";
  }

  /** A snapshot of the pool's activity. */
  stats(): PoolStats {
    let busy = 0;
    for (const worker of this.#workers) busy += worker.inFlight.size;
    const live = { workers: this.#workers.size, busy, queued: this.#queued };
    return this.#accounting.snapshot(live, this.#options.workers);
  }
}
