/**
 * `Future`: the eventual result of an executor call (Python:
 * `concurrent.futures.Future`).
 *
 * @module
 */
import { checkTimeout } from "../_validate.ts";
import { CancelledError, TimeoutError } from "../errors.ts";

type Outcome<T> =
  | { readonly kind: "fulfilled"; readonly value: T }
  | { readonly kind: "rejected"; readonly error: unknown };

/** What a future needs from the scheduler that runs it. */
export interface FutureSource {
  /** Whether the call has started running on a worker. */
  running(): boolean;
  /** Withdraws the call if it has not started; `false` otherwise. */
  cancel(): boolean;
}

/**
 * The eventual result of `executor.submit()` (Python:
 * `concurrent.futures.Future`). Thenable: `await future` gives the result. A
 * failure nobody asks for is not reported as unhandled.
 *
 * @example
 * ```ts
 * import { ProcessPoolExecutor } from "./executor.ts";
 * await using executor = new ProcessPoolExecutor({ maxWorkers: 1 });
 * const future = executor.submit((a: number, b: number) => a ** b, 2, 10);
 * console.log(await future.result()); // 1024
 * console.log(future.done(), future.cancelled()); // true false
 * ```
 */
export class Future<T> implements PromiseLike<T> {
  #source?: FutureSource;
  #outcome?: Outcome<T>;
  #cancelled = false;
  // Callbacks wrapped as closures, so that T appears here in no parameter: Future<T> stays
  // covariant (a Future<number> is a Future<unknown>, and wait([a, b]) takes mixed futures).
  readonly #callbacks: (() => void)[] = [];
  readonly #settled: Promise<void>;
  #wake!: () => void;

  /** Made by executors; `bind` connects it to its call. */
  constructor() {
    this.#settled = new Promise((resolve) => this.#wake = resolve);
  }

  /**
   * Connects the future to the call that fulfils it (internal).
   *
   * @ignore
   */
  bind(source: FutureSource): void {
    this.#source = source;
  }

  /**
   * Settles the future (internal: Python's `set_result`/`set_exception`, for executors).
   *
   * @ignore
   */
  settle(outcome: Outcome<T>): void {
    if (this.#outcome) return;
    this.#outcome = outcome;
    if (outcome.kind === "rejected" && outcome.error instanceof CancelledError) {
      this.#cancelled = true;
    }
    this.#wake();
    for (const callback of this.#callbacks.splice(0)) callback();
  }

  #run(callback: (future: Future<T>) => void): void {
    try {
      callback(this);
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
  }

  /**
   * Cancels the call if it has not started; returns whether the future is now
   * cancelled (Python: `Future.cancel()`).
   */
  cancel(): boolean {
    if (this.#cancelled) return true;
    if (this.#outcome || !this.#source) return false;
    return this.#source.cancel();
  }

  /** Whether it was cancelled (Python: `Future.cancelled()`). */
  cancelled(): boolean {
    return this.#cancelled;
  }

  /** Whether a worker is running it now (Python: `Future.running()`). */
  running(): boolean {
    return !this.#outcome && (this.#source?.running() ?? false);
  }

  /** Whether it finished or was cancelled (Python: `Future.done()`). */
  done(): boolean {
    return this.#outcome !== undefined;
  }

  async #waitFor(action: string, timeoutMs: number | undefined): Promise<Outcome<T>> {
    const timeout = checkTimeout(action, "timeoutMs", timeoutMs);
    if (!this.#outcome && timeout !== undefined) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        this.#settled,
        new Promise<void>((resolve) => timer = setTimeout(resolve, timeout)),
      ]);
      clearTimeout(timer);
      if (!this.#outcome) throw new TimeoutError(`The future was not done within ${timeout} ms`);
    }
    await this.#settled;
    return this.#outcome!;
  }

  /**
   * The call's result; throws its error, `CancelledError` if cancelled, or
   * `TimeoutError` after `timeoutMs` (Python: `Future.result(timeout)`).
   */
  async result(timeoutMs?: number): Promise<T> {
    const outcome = await this.#waitFor("get future result", timeoutMs);
    if (outcome.kind === "rejected") throw outcome.error;
    return outcome.value;
  }

  /**
   * The call's error, or `undefined` if it succeeded; throws `CancelledError`
   * if cancelled (Python: `Future.exception(timeout)`).
   */
  async exception(timeoutMs?: number): Promise<unknown> {
    const outcome = await this.#waitFor("get future exception", timeoutMs);
    if (outcome.kind === "fulfilled") return undefined;
    if (this.#cancelled) throw outcome.error;
    return outcome.error;
  }

  /** Calls `callback(future)` once done, at once if it already is (Python: `Future.add_done_callback`). */
  addDoneCallback(callback: (future: Future<T>) => void): void {
    if (typeof callback !== "function") {
      throw new TypeError(
        `Cannot add done callback as 'callback' must be a function: received ${typeof callback}`,
      );
    }
    if (this.#outcome) this.#run(callback);
    else this.#callbacks.push(() => this.#run(callback));
  }

  /** Makes the future awaitable. */
  then<A = T, B = never>(
    onFulfilled?: ((value: T) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.result().then(onFulfilled, onRejected);
  }
}
