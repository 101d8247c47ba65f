/**
 * The iterator `imap` and `imapUnordered` return (Python: `IMapIterator`): results one at a
 * time, lazily; a failed item rejects its own `next()` and the following calls go on with the
 * next results (the items after it in its chunk run anew), and `next(timeoutMs)` gives up waiting without losing its place.
 *
 * @module
 */
import { ChunkFailure } from "./_map.ts";
import { checkTimeout } from "../_validate.ts";
import { TimeoutError } from "../errors.ts";

/**
 * Results of `pool.imap(…)` / `pool.imapUnordered(…)`. Iterate with `for await` (which stops at
 * the first error, as Python's `for` does), or call `next()` yourself to go on past errors
 * (Python: `it.next()` after an exception) or to wait at most `timeoutMs` (Python:
 * `it.next(timeout)`).
 *
 * @example Go on after a failing item
 * ```ts
 * import { Pool } from "./pool.ts";
 * await using pool = new Pool(1);
 * const it = pool.imap((n: number) => {
 *   if (n === 2) throw new RangeError("two");
 *   return n * 10;
 * }, [1, 2, 3], { chunksize: 1 });
 * console.log(await it.next()); // { value: 10, done: false }
 * console.log(await it.next().catch((e) => e.message)); // "two"
 * console.log(await it.next()); // { value: 30, done: false }
 * ```
 */
export class IMapIterator<T> implements AsyncGenerator<T, void, undefined> {
  readonly #source: AsyncGenerator<unknown, void, undefined>;
  /** A pull from the source that a timed-out `next()` left waiting: the next call takes it. */
  #pending?: Promise<IteratorResult<unknown, void>>;

  /** Made by `Pool.imap` and `Pool.imapUnordered`. @param source The stream of results. */
  constructor(source: AsyncGenerator<unknown, void, undefined>) {
    this.#source = source;
  }

  /**
   * The next result. Rejects with the error of a failed item and goes on with the next
   * results on the following call, whatever the chunksize; with `timeoutMs`, rejects with
   * `TimeoutError` if none arrives in time, keeping its place.
   */
  async next(timeoutMs?: number): Promise<IteratorResult<T, void>> {
    const limit = checkTimeout("get next result", "timeoutMs", timeoutMs);
    const pull = this.#pending ?? this.#source.next();
    this.#pending = pull;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const result = await (limit === undefined ? pull : Promise.race([
      pull,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new TimeoutError(`No result arrived within ${limit} ms`)),
          limit,
        );
      }),
    ]).finally(() => clearTimeout(timer)));
    this.#pending = undefined;
    if (!result.done && result.value instanceof ChunkFailure) throw result.value.error;
    return result as IteratorResult<T, void>;
  }

  /** Stops: withdraws the chunks not started and closes the input (`break` calls it). */
  return(): Promise<IteratorResult<T, void>> {
    this.#pending = undefined;
    return this.#source.return() as Promise<IteratorResult<T, void>>;
  }

  /** Stops, like `return()`, and rejects with `error`. */
  throw(error: unknown): Promise<IteratorResult<T, void>> {
    this.#pending = undefined;
    return this.#source.throw(error) as Promise<IteratorResult<T, void>>;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** `await using it = pool.imap(…)`: stops it. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.return();
  }
}
