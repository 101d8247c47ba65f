/**
 * `Pool`: a fixed set of workers that run tasks (Python: `multiprocessing.Pool`).
 *
 * @module
 */
import { automaticChunksize, collect, mapInChunks, streamResults } from "./_map.ts";
import type { CallGroup } from "./_pool_call.ts";
import type { CallMode } from "../task/_protocol.ts";
import type { PoolStats } from "./pool_stats.ts";
import { type CallInit, Scheduler } from "./_scheduler.ts";
import { type PoolScheduler, refusalError } from "./_pool_scheduler.ts";
import { closeWhenCollected, forgetCollected } from "./_collected_pools.ts";
import { NatsScheduler } from "../nats/_nats_scheduler.ts";
import { natsPoolSettings } from "../nats/pool_options.ts";
import { packNumbers } from "../task/_packed.ts";
import { definePythonRepr } from "../_repr.ts";
import { IMapIterator } from "./imap_iterator.ts";
import { encodeArgs } from "../task/values.ts";
import { checkArray, checkPositiveInteger } from "../_validate.ts";
import { AsyncResult, checkCallbacks, type ResultCallbacks } from "./async_result.ts";
import { CancelledError, ProcessError } from "../errors.ts";
import {
  type CallOptions,
  checkCallOptions,
  checkInput,
  type ImapOptions,
  type MapOptions,
  type PoolOptions,
  schedulerOptions,
} from "./pool_options.ts";
import { type TaskSpec, toTaskSpec } from "../task/task.ts";

export type { CallOptions, ImapOptions, MapOptions, PoolOptions } from "./pool_options.ts";

type Input<T> = Iterable<T> | AsyncIterable<T>;

/** The scheduler behind a pool, for the executor built on it; not public. */
export const schedulerOf: unique symbol = Symbol("polycore.schedulerOf");

/**
 * A pool of workers (Python: `multiprocessing.Pool`). `await using` it, or call `terminate()`:
 * disposal terminates, rejecting pending tasks with `PoolTerminatedError`. Idle workers never keep
 * the program alive; a pool that is garbage-collected is closed: what it was given still runs.
 *
 * @example Square numbers on every core
 * ```ts
 * import { Pool } from "./pool.ts";
 * await using pool = new Pool(2);
 * console.log(await pool.map((n: number) => n * n, [1, 2, 3])); // [1, 4, 9]
 * ```
 */
export class Pool {
  readonly #scheduler: PoolScheduler;

  /**
   * Starts the workers (Python: `Pool(processes, initializer, initargs, maxtasksperchild)`).
   *
   * @param options A number of workers, or options.
   */
  constructor(options?: number | PoolOptions) {
    const scheduler = typeof options === "object" && options?.backend === "nats"
      ? new NatsScheduler(natsPoolSettings("create pool", options))
      : new Scheduler(schedulerOptions(options));
    this.#scheduler = closeWhenCollected(this, scheduler); // closed, not terminated: see there
  }

  /** Number of workers. */
  get processes(): number {
    return this.#scheduler.size;
  }

  /** Throws the refusal, for calls that return an object (AsyncResult, IMapIterator). */
  #check(action: string): void {
    const refused = refusalError(this.#scheduler, action);
    if (refused) throw refused;
  }

  #submit(
    spec: TaskSpec,
    mode: CallMode,
    args: readonly unknown[] | Float64Array,
    offset: number,
    options: CallOptions,
    group?: CallGroup,
  ): { promise: Promise<unknown>; cancel(): void } {
    let call: ReturnType<PoolScheduler["submit"]> | undefined;
    const packed = args instanceof Float64Array ? args : undefined;
    const promise = new Promise<unknown>((resolve, reject) => {
      const init: CallInit = {
        spec,
        mode,
        args: packed
          ? { args: packed, transfer: [packed.buffer as ArrayBuffer] }
          : encodeArgs(args as unknown[], spec.homes),
        items: mode === "apply" ? 1 : args.length,
        offset,
        resolve,
        reject,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
        ...(group ? { group } : {}),
      };
      call = this.#scheduler.submit(init);
    });
    return {
      promise,
      cancel: () =>
        this.#scheduler.cancel(
          call!,
          new CancelledError("The task was withdrawn before it started"),
        ),
    };
  }

  /**
   * Runs `fn(...args)` in a worker and resolves to its result (Python: `Pool.apply`).
   *
   * @example
   * ```ts
   * import { Pool } from "./pool.ts";
   * await using pool = new Pool(1);
   * console.log(await pool.apply((a: number, b: number) => a + b, [2, 3])); // 5
   * ```
   */
  apply<A extends unknown[], R>(
    fn: (...args: A) => R,
    args?: A,
    options?: CallOptions,
  ): Promise<Awaited<R>> {
    const action = "apply task";
    const spec = toTaskSpec(fn, action, "fn");
    const list = checkArray(action, "args", args) ?? [];
    const opts = checkCallOptions(action, options);
    const refused = refusalError(this.#scheduler, action); // a promise rejects rather than throws
    if (refused) return Promise.reject(refused);
    return this.#submit(spec, "apply", list, 0, opts).promise as Promise<Awaited<R>>;
  }

  /**
   * Like `apply`, returning an {@linkcode AsyncResult} (Python: `Pool.apply_async`).
   *
   * @example
   * ```ts
   * import { Pool } from "./pool.ts";
   * await using pool = new Pool(1);
   * const result = pool.applyAsync((x: number) => x * 2, [21], { callback: (v) => console.log(v) });
   * console.log(await result.get()); // 42
   * ```
   */
  applyAsync<A extends unknown[], R>(
    fn: (...args: A) => R,
    args?: A,
    options?: CallOptions & ResultCallbacks<Awaited<R>>,
  ): AsyncResult<Awaited<R>> {
    checkCallbacks("apply task", options);
    this.#check("apply task");
    return new AsyncResult(this.apply(fn, args, options), options);
  }

  /** Validates a map call synchronously, then collects its input and runs it in chunks. */
  #startMap(
    action: string,
    fn: unknown,
    mode: CallMode,
    input: unknown,
    options: MapOptions | undefined,
  ): Promise<unknown[]> {
    const spec = toTaskSpec(fn, action, "fn");
    checkInput(action, input);
    const opts: MapOptions = checkCallOptions(action, options);
    const chunksize = checkPositiveInteger(action, "chunksize", opts.chunksize);
    const refused = refusalError(this.#scheduler, action); // a promise rejects rather than throws
    if (refused) return Promise.reject(refused);
    return this.#map(spec, mode, input as Input<unknown>, chunksize, opts);
  }

  async #map(
    spec: TaskSpec,
    mode: CallMode,
    input: Input<unknown>,
    chunksize: number | undefined,
    options: MapOptions,
  ): Promise<unknown[]> {
    const items = await collect(input);
    const size = chunksize ?? automaticChunksize(items.length, this.processes);
    const group: CallGroup = { failed: false };
    return await mapInChunks(
      items,
      size,
      mode === "map",
      this.processes,
      (chunk, offset) => this.#submit(spec, mode, chunk, offset, options, group),
    );
  }

  /**
   * Applies `fn` to every item, in chunks, resolving to the results in input
   * order (Python: `Pool.map`). Sync and async iterables are accepted.
   *
   * @example
   * ```ts
   * import { Pool } from "./pool.ts";
   * await using pool = new Pool(2);
   * console.log(await pool.map((n: number) => n + 1, [1, 2, 3], { chunksize: 2 })); // [2, 3, 4]
   * ```
   */
  map<T, R>(
    fn: (arg: T) => R,
    iterable: Iterable<T> | AsyncIterable<T>,
    options?: MapOptions,
  ): Promise<Awaited<R>[]> {
    return this.#startMap("map task", fn, "map", iterable, options) as Promise<Awaited<R>[]>;
  }

  /**
   * Like `map`, with each item spread as the arguments (Python: `Pool.starmap`).
   *
   * @example
   * ```ts
   * import { Pool } from "./pool.ts";
   * await using pool = new Pool(2);
   * console.log(await pool.starmap((a: number, b: number) => a * b, [[2, 3], [4, 5]])); // [6, 20]
   * ```
   */
  starmap<A extends unknown[], R>(
    fn: (...args: A) => R,
    iterable: Iterable<A> | AsyncIterable<A>,
    options?: MapOptions,
  ): Promise<Awaited<R>[]> {
    return this.#startMap("starmap task", fn, "starmap", iterable, options) as Promise<
      Awaited<R>[]
    >;
  }

  /**
   * Like `map`, returning an {@linkcode AsyncResult} (Python: `Pool.map_async`).
   *
   * @example
   * ```ts
   * import { Pool } from "./pool.ts";
   * await using pool = new Pool(2);
   * const result = pool.mapAsync((n: number) => n * n, [1, 2, 3]);
   * await result.wait();
   * console.log(await result.get()); // [1, 4, 9]
   * ```
   */
  mapAsync<T, R>(
    fn: (arg: T) => R,
    iterable: Iterable<T> | AsyncIterable<T>,
    options?: MapOptions & ResultCallbacks<Awaited<R>[]>,
  ): AsyncResult<Awaited<R>[]> {
    checkCallbacks("map task", options);
    this.#check("map task");
    return new AsyncResult(this.map(fn, iterable, options), options);
  }

  /**
   * Like `starmap`, returning an {@linkcode AsyncResult} (Python: `Pool.starmap_async`).
   *
   * @example
   * ```ts
   * import { Pool } from "./pool.ts";
   * await using pool = new Pool(2);
   * console.log(await pool.starmapAsync((a: number, b: number) => a - b, [[5, 1]]).get()); // [4]
   * ```
   */
  starmapAsync<A extends unknown[], R>(
    fn: (...args: A) => R,
    iterable: Iterable<A> | AsyncIterable<A>,
    options?: MapOptions & ResultCallbacks<Awaited<R>[]>,
  ): AsyncResult<Awaited<R>[]> {
    checkCallbacks("starmap task", options);
    this.#check("starmap task");
    return new AsyncResult(this.starmap(fn, iterable, options), options);
  }

  #stream(
    action: string,
    fn: unknown,
    iterable: unknown,
    options: ImapOptions | undefined,
    ordered: boolean,
  ): IMapIterator<unknown> {
    const spec = toTaskSpec(fn, action, "fn");
    checkInput(action, iterable);
    const opts = checkCallOptions(action, options) as ImapOptions;
    const chunksize = checkPositiveInteger(action, "chunksize", opts.chunksize);
    const buffersize = checkPositiveInteger(action, "buffersize", opts.buffersize) ??
      4 * this.processes;
    this.#check(action);
    const runner = {
      submit: (items: unknown[], offset: number) => {
        const chunk = packNumbers(items, 0, items.length) ?? items;
        const { promise, cancel } = this.#submit(spec, "map", chunk, offset, opts);
        return { promise: promise as Promise<ArrayLike<unknown>>, cancel };
      },
      estimateMs: () => this.#scheduler.estimateMs(spec),
    };
    return new IMapIterator(streamResults(runner, iterable as Input<unknown>, {
      buffersize,
      ordered,
      continueOnError: true,
      ...(chunksize ? { chunksize } : {}),
    }));
  }

  /**
   * Applies `fn` to each item lazily, yielding results in input order
   * (Python: `Pool.imap`). At most `buffersize` chunks are in flight, so
   * memory stays constant over endless inputs; `break` stops submission.
   *
   * @example
   * ```ts
   * import { Pool } from "./pool.ts";
   * await using pool = new Pool(2);
   * for await (const square of pool.imap((n: number) => n * n, [1, 2, 3])) console.log(square);
   * ```
   */
  imap<T, R>(
    fn: (arg: T) => R,
    iterable: Iterable<T> | AsyncIterable<T>,
    options?: ImapOptions,
  ): IMapIterator<Awaited<R>> {
    return this.#stream("imap task", fn, iterable, options, true) as IMapIterator<Awaited<R>>;
  }

  /**
   * Like `imap`, yielding results as they complete (Python: `Pool.imap_unordered`).
   *
   * @example
   * ```ts
   * import { Pool } from "./pool.ts";
   * await using pool = new Pool(2);
   * const seen: number[] = [];
   * for await (const n of pool.imapUnordered((n: number) => n, [3, 1, 2])) seen.push(n);
   * console.log(seen.sort()); // [1, 2, 3]
   * ```
   */
  imapUnordered<T, R>(
    fn: (arg: T) => R,
    iterable: Iterable<T> | AsyncIterable<T>,
    options?: ImapOptions,
  ): IMapIterator<Awaited<R>> {
    return this.#stream("imap task", fn, iterable, options, false) as IMapIterator<Awaited<R>>;
  }

  /** Stops accepting work; workers exit when the queued work is done (Python: `Pool.close`). */
  close(): void {
    forgetCollected(this);
    this.#scheduler.close();
  }

  /** Rejects pending work with `PoolTerminatedError` and stops the workers (Python: `Pool.terminate`). */
  terminate(): Promise<void> {
    forgetCollected(this);
    return this.#scheduler.terminate();
  }

  /** Waits for the workers to exit; call `close()` or `terminate()` first (Python: `Pool.join`). */
  join(): Promise<void> {
    if (!this.#scheduler.joinable) {
      return Promise.reject(
        new ProcessError("Cannot join a running pool: call close() or terminate() first"),
      );
    }
    return this.#scheduler.join();
  }

  /** Workers, busy and queued calls, counts, run/wait-time percentiles and utilization. */
  stats(): PoolStats {
    return this.#scheduler.stats();
  }

  /**
   * The pool's scheduler (internal).
   *
   * @ignore
   */
  get [schedulerOf](): PoolScheduler {
    return this.#scheduler;
  }

  /** `await using pool = new Pool()`: terminates the pool. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.terminate();
  }
}

definePythonRepr(
  Pool,
  (pool) => `<Pool state=${pool[schedulerOf].stateName} pool_size=${pool.processes}>`,
);
