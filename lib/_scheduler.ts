/**
 * A pool's scheduling: queued work stays here, and each worker gets a small
 * window of it, batched into as few messages as possible. Batches grow while
 * tasks are tiny and shrink to one call when they are long, so cancelling
 * queued work and balancing long tasks work as in CPython, and tiny tasks
 * still cost one message per batch rather than per call.
 *
 * @module
 */
import { decodeRemoteError, decodeThrown, type Thrown } from "./_error_codec.ts";
import { Deque } from "./_deque.ts";
import { isExclusive, type PoolCall } from "./_pool_call.ts";
import { PoolWorker } from "./_pool_worker.ts";
import { type BootData, bootTag, type Invocation, type Outcome } from "./_protocol.ts";
import { type Percentiles, Samples } from "./_stats.ts";
import { checkHandlesFor, looksOutOfMemory } from "./_spawn.ts";
import type { Backend } from "./_validate.ts";
import { currentProcess } from "./current_process.ts";
import type { TaskSpec } from "./task.ts";
import {
  CancelledError,
  PoolTerminatedError,
  ProcessError,
  TimeoutError,
  WorkerExitedError,
} from "./errors.ts";

/** How a scheduler runs its workers. */
export interface SchedulerOptions {
  readonly workers: number;
  readonly init?: Invocation;
  readonly maxTasksPerChild?: number;
  readonly taskTimeoutMs?: number;
  readonly backend: Backend;
  /** Heap limit per worker (MiB), where the runtime enforces it. */
  readonly maxHeapMb?: number;
  /** Names workers `${namePrefix}-N`. */
  readonly namePrefix: string;
}

/** A snapshot of a pool's activity (`pool.stats()`). */
export interface PoolStats {
  /** Workers running. */
  readonly workers: number;
  /** Workers running a call. */
  readonly busy: number;
  /** Calls waiting in the parent for a worker. */
  readonly queued: number;
  /** Calls that succeeded. */
  readonly completed: number;
  /** Calls that failed. */
  readonly failed: number;
  /** Dispatch to settlement, per call (ms). */
  readonly runTime: Percentiles;
  /** Submission to dispatch, per call (ms). */
  readonly waitTime: Percentiles;
  /** Share of worker time spent running tasks since the pool started (0…1). */
  readonly utilization: number;
}

/** What a call is submitted with. */
export type CallInit = Omit<PoolCall, "id" | "submittedAt" | "dispatchedAt" | "done">;

type State = "running" | "closed" | "terminated" | "broken";

const targetBatchMs = 2;
const prefetchBelowMs = 5;
const maxBatchItems = 4096;
const maxEarlyExits = 3;

/** Queues calls and runs them on a set of workers. */
export class Scheduler {
  readonly #options: SchedulerOptions;
  readonly #queue = new Deque<PoolCall>();
  readonly #workers = new Set<PoolWorker>();
  #state: State = "running";
  #failure?: unknown;
  /** Measured run time of one item, per task (ms). */
  readonly #estimates = new WeakMap<TaskSpec, number>();
  #flushQueued = false;
  #nextId = 1;
  /** Calls in the queue that are not settled (the queue may still hold settled ones). */
  #queued = 0;
  #spawned = 0;
  #earlyExits = 0;
  #exitWaiters: (() => void)[] = [];
  #joining = false;
  #completed = 0;
  #failed = 0;
  #busyMs = 0;
  readonly #startedAt = performance.now();
  readonly #runTimes = new Samples();
  readonly #waitTimes = new Samples();

  constructor(options: SchedulerOptions) {
    this.#options = options;
    for (let i = 0; i < options.workers; i++) this.#spawn();
  }

  /** Whether new work is accepted; the reason when it is not. */
  get refusal(): string | undefined {
    if (this.#state === "running") return undefined;
    return this.#state === "broken" ? "its initializer failed" : `it is ${this.#state}`;
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
    const call: PoolCall = {
      ...init,
      timeoutMs: init.timeoutMs ?? this.#options.taskTimeoutMs,
      id: this.#nextId++,
      submittedAt: performance.now(),
      dispatchedAt: 0,
      done: false,
    };
    try {
      checkHandlesFor(this.#options.backend, call.args.handles, `task '${call.spec.label}'`);
    } catch (error) {
      call.done = true;
      call.reject(error);
      return call;
    }
    if (this.#state === "terminated" || this.#state === "broken") {
      // A lazy map (imap) may still submit chunks after the pool stopped: settle them at once.
      call.done = true;
      call.reject(
        this.#state === "broken"
          ? this.#failure
          : new PoolTerminatedError("The pool was terminated before the task started"),
      );
      return call;
    }
    if (call.signal) {
      if (call.signal.aborted) {
        call.done = true;
        call.reject(call.signal.reason);
        return call;
      }
      call.onAbort = () => this.#abort(call);
      call.signal.addEventListener("abort", call.onAbort, { once: true });
    }
    this.#queue.push(call);
    this.#queued++;
    // A closed pool still runs the rest of maps started before close(); its idle workers may be gone.
    if (this.#state === "closed") this.#replenish();
    if (this.#queued === 1) { for (const worker of this.#workers) worker.keepAlive(true); }
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
    const ready = [...this.#workers].filter((w) => w.ready && !w.retiring);
    for (const maxBatches of [1, 2]) {
      for (const worker of ready) {
        this.#skipDone();
        const head = this.#queue.peek();
        if (!head) return this.#maybeShutdown();
        if (worker.batches >= maxBatches) continue;
        const estimate = this.#estimates.get(head.spec);
        if (
          maxBatches > 1 && (estimate === undefined || estimate * head.items >= prefetchBelowMs)
        ) {
          continue;
        }
        const budget = estimate === undefined ? 1 : Math.max(
          1,
          Math.min(maxBatchItems, Math.floor(targetBatchMs / Math.max(estimate, 1e-6))),
        );
        const batch = this.#takeBatch(worker, budget, ready.length);
        if (batch.length > 0) this.#dispatch(worker, batch);
      }
    }
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

  #takeBatch(worker: PoolWorker, budget: number, readyWorkers: number): PoolCall[] {
    const max = this.#options.maxTasksPerChild;
    // A call that may be stopped (timeout, signal) runs alone: stopping its worker stops only it.
    for (const held of worker.inFlight.values()) if (isExclusive(held)) return [];
    const quota = max === undefined ? Infinity : max - worker.completed - worker.inFlight.size;
    const fairShare = Math.ceil(this.#queued / readyWorkers);
    const batch: PoolCall[] = [];
    let items = 0;
    while (batch.length < quota) {
      this.#skipDone();
      const call = this.#queue.peek();
      if (!call) break;
      if (isExclusive(call)) {
        if (batch.length === 0 && worker.inFlight.size === 0) batch.push(this.#queue.shift()!);
        break;
      }
      if (batch.length > 0 && (items + call.items > budget || batch.length >= fairShare)) break;
      batch.push(this.#queue.shift()!);
      items += call.items;
    }
    return batch;
  }

  #dispatch(worker: PoolWorker, batch: PoolCall[]): void {
    const now = performance.now();
    for (const call of batch) {
      call.dispatchedAt = now;
      this.#queued--;
      this.#waitTimes.add(now - call.submittedAt);
      if (call.timeoutMs !== undefined) {
        call.timer = setTimeout(() => this.#timeOut(call, worker), call.timeoutMs);
      }
    }
    for (const { call, error } of worker.send(batch)) this.#settle(call, false, error);
  }

  #timeOut(call: PoolCall, worker: PoolWorker): void {
    if (call.done) return;
    worker.inFlight.delete(call.id);
    this.#settle(
      call,
      false,
      new TimeoutError(
        `Task '${call.spec.label}' timed out after ${call.timeoutMs} ms in worker '${worker.name}': the worker was stopped and replaced`,
      ),
    );
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
    if (call.done) return;
    call.done = true;
    if (call.dispatchedAt === 0 && --this.#queued === 0 && !this.#joining) {
      // Nothing left to wait for: idle workers must not keep the program alive.
      for (const worker of this.#workers) if (worker.inFlight.size === 0) worker.keepAlive(false);
    }
    clearTimeout(call.timer);
    if (call.onAbort) call.signal!.removeEventListener("abort", call.onAbort);
    if (ok) {
      this.#completed++;
      call.resolve(value);
    } else {
      if (counted) this.#failed++;
      if (call.group) call.group.failed = true;
      call.reject(value);
    }
  }

  #spawn(): void {
    const me = currentProcess();
    const boot: BootData = {
      tag: bootTag,
      role: "pool",
      name: `${this.#options.namePrefix}-${++this.#spawned}`,
      daemon: true,
      parent: { name: me.name, pid: me.pid, threadId: me.threadId },
      ...(this.#options.init ? { init: this.#options.init } : {}),
    };
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
    const specs = new Set<TaskSpec>();
    this.#busyMs += elapsedMs;
    for (const outcome of outcomes) {
      const call = worker.inFlight.get(outcome.id);
      if (!call) continue;
      worker.inFlight.delete(outcome.id);
      worker.completed++;
      items += call.items;
      specs.add(call.spec);
      this.#runTimes.add(now - call.dispatchedAt);
      if (outcome.ok) this.#settle(call, true, outcome.value);
      else this.#settle(call, false, this.#remoteError(call, worker, outcome));
    }
    if (items > 0) {
      const sample = elapsedMs / items;
      for (const spec of specs) {
        const previous = this.#estimates.get(spec);
        this.#estimates.set(spec, previous === undefined ? sample : 0.7 * previous + 0.3 * sample);
      }
    }
    const max = this.#options.maxTasksPerChild;
    if (max !== undefined && worker.completed >= max && worker.inFlight.size === 0) {
      worker.shutdown();
    }
    this.#flush();
    if (worker.inFlight.size === 0 && this.#queued === 0 && !this.#joining) {
      worker.keepAlive(false);
    }
  }

  #remoteError(call: PoolCall, worker: PoolWorker, outcome: Outcome & { ok: false }): unknown {
    const item = outcome.index === undefined ? "" : ` on item ${call.offset + outcome.index}`;
    return decodeRemoteError(
      outcome.error,
      `Task '${call.spec.label}' failed${item} in worker '${worker.name}'`,
    );
  }

  #onInitFailed(worker: PoolWorker, error: Thrown): void {
    if (this.#state === "broken") return;
    const cause = decodeThrown(error);
    const reason = cause instanceof Error ? cause.message : String(cause);
    this.#break(
      new ProcessError(`The pool's initializer failed in worker '${worker.name}': ${reason}`, {
        cause,
      }),
    );
  }

  #break(error: unknown): void {
    this.#failure = error;
    this.#state = "broken";
    this.#rejectAll(error);
    for (const worker of this.#workers) void worker.terminate();
  }

  #onExit(worker: PoolWorker, code: number, signal: string | null): void {
    this.#workers.delete(worker);
    if (!worker.ready && !worker.retiring) this.#earlyExits++;
    const clean = worker.retiring && worker.inFlight.size === 0 && code === 0;
    const limit = this.#options.maxHeapMb;
    const how = limit !== undefined && looksOutOfMemory(worker.exit?.code ?? null, signal)
      ? `ran out of memory (its heap limit is ${limit} MiB)`
      : signal
      ? `was killed by ${signal}`
      : `exited with code ${code}`;
    for (const call of worker.inFlight.values()) {
      this.#settle(
        call,
        false,
        new WorkerExitedError(
          `Worker '${worker.name}' ${how} while running task '${call.spec.label}'`,
          { exitCode: signal ? null : code, signal },
          worker.fatal === undefined ? undefined : { cause: worker.fatal },
        ),
      );
    }
    worker.inFlight.clear();
    if (!clean && this.#earlyExits >= maxEarlyExits && this.#state === "running") {
      return this.#break(
        new ProcessError(
          `The pool's workers exit before they are ready (${this.#earlyExits} in a row, last code ${code}): is the worker entry loadable?`,
          worker.fatal === undefined ? undefined : { cause: worker.fatal },
        ),
      );
    }
    const needed = this.#state === "running" ||
      (this.#state === "closed" && this.#queued > 0);
    if (needed) this.#replenish();
    if (this.#workers.size === 0) { for (const wake of this.#exitWaiters.splice(0)) wake(); }
    this.#maybeShutdown();
    this.#scheduleFlush();
  }

  #busyCalls(): number {
    let busy = 0;
    for (const worker of this.#workers) busy += worker.inFlight.size;
    return busy;
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
    const elapsed = performance.now() - this.#startedAt;
    return {
      workers: this.#workers.size,
      busy: this.#busyCalls(),
      queued: this.#queued,
      completed: this.#completed,
      failed: this.#failed,
      runTime: this.#runTimes.percentiles(),
      waitTime: this.#waitTimes.percentiles(),
      utilization: elapsed > 0 ? Math.min(1, this.#busyMs / (elapsed * this.#options.workers)) : 0,
    };
  }
}
