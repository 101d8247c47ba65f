/**
 * The futex layer under every lock, semaphore, event, condition and barrier:
 * a blocking wait (`Atomics.wait`) and a non-blocking one (`Atomics.waitAsync`)
 * with deadlines, one algorithm written once as a generator of waits and run by
 * either driver, and the id of the current thread for lock ownership.
 *
 * A pending `Atomics.waitAsync` does not keep a program alive on any runtime
 * (Node exits with code 13, Deno with "Top-level await promise never
 * resolved"), so the async driver holds a ref'd timer while it waits: like
 * Python, a program waiting on a lock waits for it.
 *
 * @module
 */
import { runtime } from "../../runtimes/mod.ts";
import { checkTimeout, invalid } from "../_validate.ts";

/** How a wait ended: woken by a notify, the value had already changed, or time ran out. */
export type WaitOutcome = "ok" | "not-equal" | "timed-out";

/** One wait an algorithm asks for: sleep while `cells[index] === value`, until `deadline`. */
export interface WaitRequest {
  readonly cells: Int32Array;
  readonly index: number;
  readonly value: number;
  /** A `performance.now()` time, or `Infinity`. */
  readonly deadline: number;
}

/**
 * An algorithm that may wait: it yields {@linkcode WaitRequest}s, receives each
 * outcome, and returns its result. Run it with {@linkcode runSync} or {@linkcode runAsync}.
 */
export type Steps<T> = Generator<WaitRequest, T, WaitOutcome>;

/**
 * The id of the current thread as a lock owner: the runtime's thread id + 1,
 * so that 0 means "nobody". Thread ids are unique within one program, which is
 * all shared memory can reach (the process backend has none).
 */
export const ownerId: number = runtime.threadId + 1;

/**
 * The deadline of a wait of `timeoutMs` starting now; `Infinity` without one.
 *
 * @example
 * ```ts
 * import { deadlineOf } from "./_atomics.ts";
 * console.log(deadlineOf(undefined)); // Infinity
 * ```
 */
export function deadlineOf(timeoutMs: number | undefined): number {
  return timeoutMs === undefined || timeoutMs === Infinity
    ? Infinity
    : performance.now() + timeoutMs;
}

function remaining(deadline: number): number {
  return deadline === Infinity ? Infinity : Math.max(0, deadline - performance.now());
}

/**
 * Blocks the thread while `cells[index] === value` (Python: a blocking `sem_wait`).
 *
 * @example
 * ```ts
 * import { waitSync } from "./_atomics.ts";
 * const cells = new Int32Array(new SharedArrayBuffer(4));
 * console.log(waitSync({ cells, index: 0, value: 1, deadline: Infinity })); // "not-equal"
 * ```
 */
export function waitSync(request: WaitRequest): WaitOutcome {
  return Atomics.wait(request.cells, request.index, request.value, remaining(request.deadline));
}

/**
 * Waits without blocking the event loop while `cells[index] === value`; the
 * outcome comes back at once when no wait was needed. Does not keep the program
 * alive by itself: {@linkcode runAsync} does that.
 *
 * @example
 * ```ts
 * import { waitAsync } from "./_atomics.ts";
 * const cells = new Int32Array(new SharedArrayBuffer(4));
 * console.log(waitAsync({ cells, index: 0, value: 0, deadline: 0 })); // "timed-out"
 * ```
 */
export function waitAsync(request: WaitRequest): WaitOutcome | Promise<WaitOutcome> {
  const result = Atomics.waitAsync(
    request.cells,
    request.index,
    request.value,
    remaining(request.deadline),
  );
  return result.async ? result.value : result.value as WaitOutcome;
}

let keepers = 0;
let keepAlive: ReturnType<typeof setInterval> | undefined;

/** A timer that can be switched between keeping the program alive and not (Node's, Bun's). */
type Switchable = { ref(): unknown; unref(): unknown };

function switchable(timer: unknown): timer is Switchable {
  return typeof (timer as Partial<Switchable> | null)?.unref === "function";
}

/** Keeps the program alive until the matching {@linkcode letGo}. */
export function holdOpen(): void {
  if (keepers++ > 0) return;
  // One timer, kept and switched where the runtime allows; else made for each busy spell.
  if (switchable(keepAlive)) keepAlive.ref();
  else keepAlive = setInterval(() => {}, 2 ** 30);
}

/** Ends one {@linkcode holdOpen}. */
export function letGo(): void {
  if (--keepers > 0) return;
  if (switchable(keepAlive)) keepAlive.unref();
  else {
    clearInterval(keepAlive);
    keepAlive = undefined;
  }
}

/**
 * Runs an algorithm, blocking the thread in each wait.
 *
 * @example
 * ```ts
 * import { runSync, type Steps } from "./_atomics.ts";
 * function* nothingToWaitFor(): Steps<number> {
 *   return 42;
 * }
 * console.log(runSync(nothingToWaitFor())); // 42
 * ```
 */
export function runSync<T>(steps: Steps<T>): T {
  let step = steps.next();
  while (!step.done) step = steps.next(waitSync(step.value));
  return step.value;
}

/**
 * Runs an algorithm, awaiting each wait; the program stays alive meanwhile.
 *
 * @example
 * ```ts
 * import { runAsync, type Steps } from "./_atomics.ts";
 * function* oneShortWait(): Steps<string> {
 *   const cells = new Int32Array(new SharedArrayBuffer(4));
 *   return yield { cells, index: 0, value: 0, deadline: performance.now() + 5 };
 * }
 * console.log(await runAsync(oneShortWait())); // "timed-out"
 * ```
 */
export async function runAsync<T>(steps: Steps<T>): Promise<T> {
  let step = steps.next();
  if (step.done) return step.value;
  holdOpen();
  try {
    while (!step.done) {
      const outcome = waitAsync(step.value);
      step = steps.next(typeof outcome === "string" ? outcome : await outcome);
    }
    return step.value;
  } finally {
    letGo();
  }
}

/** Options of a call that may wait. */
export interface WaitOptions {
  /** Give up after this many milliseconds; `0` tries once without waiting. No limit by default. */
  readonly timeoutMs?: number;
}

/** The checked `timeoutMs` of `options`; `action` names the call in error messages. */
export function timeoutOption(
  action: string,
  options: WaitOptions | undefined,
): number | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== "object" || options === null) {
    invalid(action, "options", "must be an object such as { timeoutMs: 100 }", options);
  }
  return checkTimeout(action, "timeoutMs", options.timeoutMs);
}
