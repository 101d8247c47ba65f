/**
 * Waiting on many futures (Python: `concurrent.futures.as_completed` and `wait`).
 *
 * @module
 */
import { checkTimeout, invalid } from "../_validate.ts";
import { TimeoutError } from "../errors.ts";
import type { Future } from "./future.ts";

/** The value type of a future type: `number` for `Future<number>`. */
export type FutureValue<F> = F extends Future<infer T> ? T : never;

function toList<F>(action: string, futures: Iterable<F>): F[] {
  if (typeof futures !== "object" || futures === null || !(Symbol.iterator in futures)) {
    invalid(action, "futures", "must be an iterable of futures", futures);
  }
  return [...new Set(futures)];
}

/** Calls `onDone` for each future as it completes; returns a way to stop listening. */
function watch<F extends Future<unknown>>(futures: F[], onDone: (future: F) => void): () => void {
  let active = true;
  for (const future of futures) {
    future.addDoneCallback(() => {
      if (active) onDone(future);
    });
  }
  return () => active = false;
}

/**
 * Yields each future once, as it completes (Python: `as_completed(fs, timeout)`).
 * Throws `TimeoutError` if they are not all done within `timeoutMs`. Yields
 * the `Future` objects themselves (not their values).
 *
 * TypeScript types the variable of a `for await` loop as the awaited element,
 * so for a thenable `Future<T>` it says `T`; at run time it is the `Future`.
 * `await` it for its value, as below, or call `next()` to keep the type.
 *
 * @example
 * ```ts
 * import { asCompleted } from "./as_completed.ts";
 * import { ProcessPoolExecutor } from "./executor.ts";
 * await using executor = new ProcessPoolExecutor({ maxWorkers: 2 });
 * const futures = [1, 2, 3].map((n) => executor.submit((x: number) => x * 10, n));
 * for await (const future of asCompleted(futures)) console.log(await future); // 10, 20, 30 in any order
 * ```
 */
export function asCompleted<F extends Future<unknown>>(
  futures: Iterable<F>,
  options: { readonly timeoutMs?: number } = {},
): AsyncIterableIterator<F> {
  const action = "wait for futures";
  const list = toList(action, futures);
  const timeoutMs = checkTimeout(action, "timeoutMs", options.timeoutMs);
  const deadline = timeoutMs === undefined ? Infinity : performance.now() + timeoutMs;
  const completed: F[] = [];
  let wake: (() => void) | undefined;
  const stop = watch(list, (future) => {
    completed.push(future);
    wake?.();
  });
  let yielded = 0;
  const iterator: AsyncIterableIterator<F> = {
    async next(): Promise<IteratorResult<F>> {
      if (yielded === list.length) return { done: true, value: undefined };
      while (completed.length === 0) {
        const left = deadline - performance.now();
        if (left <= 0) {
          stop();
          throw new TimeoutError(
            `${list.length - yielded} (of ${list.length}) futures unfinished after ${timeoutMs} ms`,
          );
        }
        let timer: ReturnType<typeof setTimeout> | undefined;
        await new Promise<void>((resolve) => {
          wake = resolve;
          if (left !== Infinity) timer = setTimeout(resolve, left);
        });
        clearTimeout(timer);
      }
      yielded++;
      return { done: false, value: completed.shift()! };
    },
    return(): Promise<IteratorResult<F>> {
      stop();
      yielded = list.length;
      return Promise.resolve({ done: true, value: undefined });
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

/** When `wait()` returns (Python: `FIRST_COMPLETED`, `FIRST_EXCEPTION`, `ALL_COMPLETED`). */
export type ReturnWhen = "FIRST_COMPLETED" | "FIRST_EXCEPTION" | "ALL_COMPLETED";

/** What `wait()` resolves to. */
export interface WaitResult<T> {
  /** The futures that completed (finished or were cancelled). */
  readonly done: Set<Future<T>>;
  /** The futures still pending or running. */
  readonly notDone: Set<Future<T>>;
}

const returnWhens: readonly string[] = ["FIRST_COMPLETED", "FIRST_EXCEPTION", "ALL_COMPLETED"];

/**
 * Waits until the futures meet `returnWhen` (default `"ALL_COMPLETED"`) or
 * `timeoutMs` passes, and splits them into done and not done (Python:
 * `concurrent.futures.wait`).
 *
 * @example
 * ```ts
 * import { wait } from "./as_completed.ts";
 * import { ProcessPoolExecutor } from "./executor.ts";
 * await using executor = new ProcessPoolExecutor({ maxWorkers: 2 });
 * const futures = [1, 2].map((n) => executor.submit((x: number) => x, n));
 * const { done, notDone } = await wait(futures);
 * console.log(done.size, notDone.size); // 2 0
 * ```
 */
export async function wait<F extends Future<unknown>>(
  futures: Iterable<F>,
  options: { readonly timeoutMs?: number; readonly returnWhen?: ReturnWhen } = {},
): Promise<WaitResult<FutureValue<F>>> {
  const action = "wait for futures";
  // Each F is a Future<FutureValue<F>>, which TypeScript cannot see for a generic F.
  const list = toList(action, futures) as unknown as Future<FutureValue<F>>[];
  const timeoutMs = checkTimeout(action, "timeoutMs", options.timeoutMs);
  const returnWhen = options.returnWhen ?? "ALL_COMPLETED";
  if (!returnWhens.includes(returnWhen)) {
    invalid(action, "returnWhen", `must be one of ${returnWhens.join(", ")}`, returnWhen);
  }
  const failed = (f: Future<unknown>) =>
    !f.cancelled() && f.exception().then((e) => e !== undefined);
  const satisfied = async (): Promise<boolean> => {
    const done = list.filter((f) => f.done());
    if (returnWhen === "FIRST_COMPLETED") return done.length > 0;
    if (returnWhen === "FIRST_EXCEPTION") {
      for (const f of done) if (await failed(f)) return true;
    }
    return done.length === list.length;
  };
  if (!await satisfied()) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stop = () => {};
    await new Promise<void>((resolve) => {
      stop = watch(list, () => void satisfied().then((ok) => ok && resolve()));
      if (timeoutMs !== undefined) timer = setTimeout(resolve, timeoutMs);
    });
    stop();
    clearTimeout(timer);
  }
  const done = new Set(list.filter((f) => f.done()));
  return { done, notDone: new Set(list.filter((f) => !done.has(f))) };
}
