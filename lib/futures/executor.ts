/**
 * `ProcessPoolExecutor` (Python: `concurrent.futures.ProcessPoolExecutor`).
 *
 * @module
 */
import { streamResults } from "../pool/_map.ts";
import { encodeArgs } from "../task/values.ts";
import { checkPositiveInteger, checkTimeout, invalid } from "../_validate.ts";
import type { Backend } from "../context.ts";
import { CancelledError, PoolTerminatedError, TimeoutError } from "../errors.ts";
import { Future } from "./future.ts";
import { Pool, schedulerOf } from "../pool/pool.ts";
import { toTaskSpec } from "../task/task.ts";
import type { NatsPoolOptions } from "../nats/pool_options.ts";

/** Options of {@linkcode ProcessPoolExecutor}; with `backend: "nats"`, see {@linkcode NatsPoolOptions}. */
export interface ExecutorOptions extends NatsPoolOptions {
  /** Number of workers; `cpuCount()` by default (for `"nats"`: the number chunk sizes assume). */
  readonly maxWorkers?: number;
  /** `"thread"` (default), `"process"`, or `"nats"`: the hosts of a NATS pool. */
  readonly backend?: Backend | "nats";
  /** Runs once in each worker before its first task. */
  readonly initializer?: (...args: never[]) => unknown;
  /** Arguments of `initializer`. */
  readonly initargs?: readonly unknown[];
  /** Replace a worker after this many tasks. */
  readonly maxTasksPerChild?: number;
  /** Heap limit per worker in MiB, where the runtime enforces it (see `PoolOptions.maxHeapMb`). */
  readonly maxHeapMb?: number;
}

/** Options of `executor.map`, given as its last argument. */
export interface ExecutorMapOptions {
  /** Time limit for the whole map (Python: `timeout`): later results throw `TimeoutError`. */
  readonly timeoutMs?: number;
  /** Items per task (default 1, as in Python). */
  readonly chunksize?: number;
}

function isMapOptions(value: unknown): value is ExecutorMapOptions {
  return typeof value === "object" && value !== null && !(Symbol.iterator in value) &&
    !(Symbol.asyncIterator in value);
}

function* zip(iterables: Iterable<unknown>[]): Generator<unknown[]> {
  const iterators = iterables.map((it) => it[Symbol.iterator]());
  try {
    while (true) {
      const row: unknown[] = [];
      for (const iterator of iterators) {
        const next = iterator.next();
        if (next.done) return;
        row.push(next.value);
      }
      yield row;
    }
  } finally {
    for (const iterator of iterators) iterator.return?.();
  }
}

/**
 * Runs calls on a pool of workers and hands back {@linkcode Future}s (Python:
 * `concurrent.futures.ProcessPoolExecutor`). Queued calls stay in the parent,
 * so `Future.cancel()` and `shutdown({ cancelFutures: true })` cancel what
 * has not started. An executor that is garbage-collected is shut down as by
 * `shutdown({ wait: false })`: its futures still settle (as in CPython).
 *
 * @example Submit, then collect as completed
 * ```ts
 * import { asCompleted } from "./as_completed.ts";
 * import { ProcessPoolExecutor } from "./executor.ts";
 * await using executor = new ProcessPoolExecutor({ maxWorkers: 2 });
 * const futures = [10, 20].map((n) => executor.submit((x: number) => x + 1, n));
 * for await (const f of asCompleted(futures)) console.log(await f); // `f` is a Future: see asCompleted
 * for await (const y of executor.map((a: number, b: number) => a * b, [1, 2], [3, 4])) console.log(y);
 * ```
 */
export class ProcessPoolExecutor {
  readonly #pool: Pool;
  readonly #pending = new Set<{ cancel(): boolean }>();
  #shutdown = false;

  /**
   * Starts the pool of workers (Python: `ProcessPoolExecutor(max_workers, …)`).
   *
   * @param options Workers, backend, initializer, recycling.
   */
  constructor(options: ExecutorOptions = {}) {
    if (typeof options !== "object" || options === null) {
      invalid("create executor", "options", "must be an object", options);
    }
    const maxWorkers = checkPositiveInteger("create executor", "maxWorkers", options.maxWorkers);
    // Everything but the worker count is a pool option of the same name.
    const { maxWorkers: _, ...poolOptions } = options;
    this.#pool = new Pool({
      ...poolOptions,
      ...(maxWorkers !== undefined ? { processes: maxWorkers } : {}),
    });
  }

  #checkOpen(action: string): void {
    if (this.#shutdown) {
      throw new PoolTerminatedError(`Cannot ${action} as the executor has been shut down`);
    }
  }

  /**
   * Schedules `fn(...args)` and returns its {@linkcode Future} (Python: `submit`).
   *
   * @example
   * ```ts
   * import { ProcessPoolExecutor } from "./executor.ts";
   * await using executor = new ProcessPoolExecutor({ maxWorkers: 1 });
   * console.log(await executor.submit((s: string) => s.toUpperCase(), "hi")); // "HI"
   * ```
   */
  submit<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): Future<Awaited<R>> {
    const action = "submit task";
    const spec = toTaskSpec(fn, action, "fn");
    this.#checkOpen(action);
    const scheduler = this.#pool[schedulerOf];
    const future = new Future<Awaited<R>>();
    const call = scheduler.submit({
      spec,
      mode: "apply",
      args: encodeArgs(args, spec.homes),
      items: 1,
      offset: 0,
      resolve: (value) => future.settle({ kind: "fulfilled", value: value as Awaited<R> }),
      reject: (error) => future.settle({ kind: "rejected", error }),
    });
    future.bind({
      running: () => call.dispatchedAt !== 0,
      cancel: () => scheduler.cancel(call, new CancelledError("The future was cancelled")),
    });
    this.#pending.add(future);
    future.addDoneCallback(() => this.#pending.delete(future));
    return future;
  }

  /**
   * `fn` over the iterables zipped together, results in order, as an async
   * iterable (Python: `Executor.map(fn, *iterables, timeout, chunksize)`).
   * Options may be passed as the last argument.
   */
  map<R>(
    fn: (...args: never[]) => R,
    ...iterables: (Iterable<unknown> | ExecutorMapOptions)[]
  ): AsyncIterableIterator<Awaited<R>> {
    const action = "map task";
    const options = isMapOptions(iterables.at(-1)) ? iterables.pop() as ExecutorMapOptions : {};
    const spec = toTaskSpec(fn, action, "fn");
    for (const [i, it] of iterables.entries()) {
      if (typeof it !== "object" || it === null || !(Symbol.iterator in it)) {
        invalid(action, `iterables[${i}]`, "must be an iterable", it);
      }
    }
    const timeoutMs = checkTimeout(action, "timeoutMs", options.timeoutMs);
    const chunksize = checkPositiveInteger(action, "chunksize", options.chunksize) ?? 1;
    this.#checkOpen(action);
    const scheduler = this.#pool[schedulerOf];
    /** Chunks submitted and not settled: a timeout cancels those that have not started. */
    const live = new Set<{ cancel(): void }>();
    const runner = {
      submit: (items: unknown[], offset: number) => {
        let call: ReturnType<typeof scheduler.submit> | undefined;
        const promise = new Promise<unknown[]>((resolve, reject) => {
          call = scheduler.submit({
            spec,
            mode: "starmap",
            args: encodeArgs(items, spec.homes),
            items: items.length,
            offset,
            resolve: resolve as (value: unknown) => void,
            reject,
          });
        });
        const chunk = { cancel: () => void scheduler.cancel(call!, new CancelledError()) };
        live.add(chunk);
        const settled = () => void live.delete(chunk);
        promise.then(settled, settled);
        return { promise, ...chunk };
      },
      estimateMs: () => scheduler.estimateMs(spec),
    };
    const stream = streamResults(runner, zip(iterables as Iterable<unknown>[]), {
      chunksize,
      buffersize: 4 * this.#pool.processes,
      ordered: true,
    });
    const cancelQueued = () => {
      for (const chunk of live) chunk.cancel();
    };
    return withDeadline(stream, timeoutMs, cancelQueued) as AsyncIterableIterator<Awaited<R>>;
  }

  /**
   * Stops accepting calls; `cancelFutures` cancels what has not started;
   * `wait` (default true) waits for running work and the workers to finish
   * (Python: `shutdown(wait, cancel_futures)`).
   */
  async shutdown(
    options: { readonly wait?: boolean; readonly cancelFutures?: boolean } = {},
  ): Promise<void> {
    this.#shutdown = true;
    if (options.cancelFutures) { for (const future of this.#pending) future.cancel(); }
    this.#pool.close();
    if (options.wait ?? true) await this.#pool.join();
  }

  /** `await using executor = …`: `shutdown({ wait: true })`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }
}

/**
 * `source` with a deadline `timeoutMs` after the first `next()`. At the deadline it throws
 * `TimeoutError` at once and cancels what has not started (Python cancels the pending futures);
 * a result still being computed is left to finish, unread: the source, which is waiting for it
 * and cannot be interrupted, is closed once it arrives.
 */
async function* withDeadline<T>(
  source: AsyncGenerator<T, void, undefined>,
  timeoutMs: number | undefined,
  cancelQueued: () => void,
): AsyncGenerator<T, void, undefined> {
  if (timeoutMs === undefined) return yield* source;
  const deadline = performance.now() + timeoutMs;
  let pending: Promise<IteratorResult<T, void>> | undefined;
  try {
    while (true) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const left = Math.max(0, deadline - performance.now());
      pending = source.next();
      const next = await Promise.race([
        pending,
        new Promise<"timeout">((resolve) => timer = setTimeout(resolve, left, "timeout")),
      ]);
      clearTimeout(timer);
      if (next === "timeout") {
        cancelQueued();
        throw new TimeoutError(`executor.map() did not finish within ${timeoutMs} ms`);
      }
      pending = undefined;
      if (next.done) return;
      yield next.value;
    }
  } finally {
    if (pending) {
      // return() would wait behind the pending next(): close the source whenever that settles.
      pending.catch(() => {});
      source.return().catch(() => {});
    } else {
      await source.return();
    }
  }
}
