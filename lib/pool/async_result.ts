/**
 * `AsyncResult`: the handle of work started by `applyAsync`, `mapAsync` and
 * `starmapAsync` (Python: `multiprocessing.pool.AsyncResult`).
 *
 * @module
 */
import { checkTimeout, invalid } from "../_validate.ts";
import { ProcessError, TimeoutError } from "../errors.ts";

type State<T> =
  | { readonly kind: "pending" }
  | { readonly kind: "fulfilled"; readonly value: T }
  | { readonly kind: "rejected"; readonly error: unknown };

/** Callbacks run when the work settles (Python: `callback` / `error_callback`). */
export interface ResultCallbacks<T> {
  /** Called with the result on success (Python: `callback`). */
  readonly callback?: (value: T) => void;
  /** Called with the error on failure (Python: `error_callback`). */
  readonly errorCallback?: (error: unknown) => void;
}

/**
 * Checks `callback` and `errorCallback` of a call's options, before the call starts.
 *
 * @param action What is being done, for the message: `"apply task"`.
 */
export function checkCallbacks(action: string, options: unknown): void {
  if (typeof options !== "object" || options === null) return;
  for (const name of ["callback", "errorCallback"] as const) {
    const value = (options as Record<string, unknown>)[name];
    if (value !== undefined && typeof value !== "function") {
      invalid(action, name, "must be a function", value);
    }
  }
}

/**
 * Runs a result callback. An exception it throws does not change the result:
 * it is reported as an uncaught error, as an event listener's would be.
 */
function runCallback<V>(callback: ((value: V) => void) | undefined, value: V): void {
  if (callback === undefined) return;
  try {
    callback(value);
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
}

/**
 * The eventual result of pool work (Python: `multiprocessing.pool.AsyncResult`).
 * It is thenable, so `await result` works too; a failure that nobody asks for
 * is not reported as unhandled.
 *
 * @example Get a result with a timeout
 * ```ts
 * import { Pool } from "polycore";
 * await using pool = new Pool(2);
 * const result = pool.applyAsync((x: number) => x * x, [7]);
 * console.log(await result.get(10_000)); // 49, or a TimeoutError after 10 s
 * console.log(result.ready(), result.successful()); // true true
 * ```
 */
export class AsyncResult<T> implements PromiseLike<T> {
  readonly #settled: Promise<void>;
  #state: State<T> = { kind: "pending" };

  /**
   * Made by `Pool.applyAsync()`, `mapAsync()` and `starmapAsync()`.
   *
   * @param work The work's promise.
   * @param callbacks Run once it settles.
   */
  constructor(work: Promise<T>, callbacks: ResultCallbacks<T> = {}) {
    this.#settled = work.then(
      (value) => {
        this.#state = { kind: "fulfilled", value };
        runCallback(callbacks.callback, value);
      },
      (error) => {
        this.#state = { kind: "rejected", error };
        runCallback(callbacks.errorCallback, error);
      },
    );
  }

  /**
   * The result, or the work's error; rejects with `TimeoutError` if it is not
   * ready within `timeoutMs` (the work goes on). Python: `AsyncResult.get(timeout)`.
   */
  async get(timeoutMs?: number): Promise<T> {
    if (!await this.#waitFor(checkTimeout("get result", "timeoutMs", timeoutMs))) {
      throw new TimeoutError(`The result was not ready within ${timeoutMs} ms`);
    }
    const state = this.#state as Exclude<State<T>, { kind: "pending" }>;
    if (state.kind === "rejected") throw state.error;
    return state.value;
  }

  /** Waits until the work settles (either way) or `timeoutMs` passes. Python: `AsyncResult.wait(timeout)`. */
  async wait(timeoutMs?: number): Promise<void> {
    await this.#waitFor(checkTimeout("wait for result", "timeoutMs", timeoutMs));
  }

  /** Whether the work has settled. Python: `AsyncResult.ready()`. */
  ready(): boolean {
    return this.#state.kind !== "pending";
  }

  /**
   * Whether the work succeeded; throws `ProcessError` if it has not settled
   * (Python raises `ValueError`). Python: `AsyncResult.successful()`.
   */
  successful(): boolean {
    if (this.#state.kind === "pending") {
      throw new ProcessError("Cannot tell whether the work succeeded as it is not ready yet");
    }
    return this.#state.kind === "fulfilled";
  }

  /** Makes the result awaitable. */
  then<A = T, B = never>(
    onFulfilled?: ((value: T) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.get().then(onFulfilled, onRejected);
  }

  async #waitFor(timeoutMs: number | undefined): Promise<boolean> {
    if (this.ready()) return true;
    if (timeoutMs === undefined) {
      await this.#settled;
      return true;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<false>((resolve) => timer = setTimeout(resolve, timeoutMs, false));
    const settled = await Promise.race([this.#settled.then(() => true), timedOut]);
    clearTimeout(timer);
    return settled;
  }
}
