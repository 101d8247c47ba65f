/**
 * When the workers running long batches are due their next call (see the scheduler's
 * `#planNext`), on one timer for the whole pool. Each worker has a window: from when its next
 * call may go to when it should ({@linkcode TaskEstimates.nextDueWindow}). The timer fires at the
 * earliest end of a window, and every worker whose window has opened by then is due in that one
 * wake-up: the workers of a map start together and end together, and a timer each woke the parent
 * once per worker, while every core computes, to send what one wake-up can (on a 2-vCPU VM each
 * such wake-up takes its core from a worker for a few hundred µs).
 *
 * @module
 */

/** One worker's window: its next call may go from `fromAt`, and should by `dueAt` (ms). */
interface Window {
  readonly fromAt: number;
  readonly dueAt: number;
}

/**
 * The windows of the workers running long batches, and which workers are due.
 *
 * @example
 * ```ts
 * import { NextDueTimer } from "./_next_due.ts";
 * const timer = new NextDueTimer<string>(() => console.log(timer.isDue("a"), timer.isDue("b")));
 * const now = performance.now();
 * timer.plan("a", now + 5, now + 10);
 * timer.plan("b", now + 8, now + 11); // open when a's window ends: both due at once
 * // logs "true true" after 10 ms
 * ```
 */
export class NextDueTimer<Worker> {
  readonly #windows = new Map<Worker, Window>();
  readonly #due = new Set<Worker>();
  readonly #onDue: () => void;
  readonly #now: () => number;
  #timer?: ReturnType<typeof setTimeout>;
  /** When the timer fires (ms; `Infinity`: not set). */
  #timerAt = Infinity;

  /**
   * @param onDue Called after the timer has made workers due.
   * @param now The clock, in ms.
   */
  constructor(onDue: () => void, now: () => number = () => performance.now()) {
    this.#onDue = onDue;
    this.#now = now;
  }

  /** Plans `worker`'s next call for the window `fromAt`–`dueAt` (ms, on the clock). */
  plan(worker: Worker, fromAt: number, dueAt: number): void {
    this.#due.delete(worker);
    const before = this.#windows.get(worker);
    this.#windows.set(worker, { fromAt, dueAt });
    // A window that set the timer and now ends later must set it again, or it fires for nobody.
    this.#arm(before !== undefined && before.dueAt <= this.#timerAt);
  }

  /** Whether `worker` is due its next call. */
  isDue(worker: Worker): boolean {
    return this.#due.has(worker);
  }

  /** Whether `worker` is due, or planned to be. */
  holds(worker: Worker): boolean {
    return this.#due.has(worker) || this.#windows.has(worker);
  }

  /** Forgets `worker`'s plan, and that it was due. */
  clear(worker: Worker): void {
    this.#due.delete(worker);
    const window = this.#windows.get(worker);
    if (!window) return;
    this.#windows.delete(worker);
    // A timer that would find nobody due must not wake the thread.
    if (window.dueAt <= this.#timerAt) this.#arm(true);
  }

  /**
   * Makes every worker whose window has opened due now: the parent is awake anyway (a result came,
   * a call was queued), and sending it now spares a wake-up for it later.
   */
  takeOpen(): void {
    if (this.#windows.size > 0 && this.#makeDue(this.#now())) this.#arm(true);
  }

  /** Makes due every worker whose window has opened by `at`; whether there was one. */
  #makeDue(at: number): boolean {
    let made = false;
    for (const [worker, { fromAt }] of this.#windows) {
      if (fromAt > at) continue;
      this.#windows.delete(worker);
      this.#due.add(worker);
      made = true;
    }
    return made;
  }

  /** Sets the timer for the earliest end of a window (again, when `reset`). */
  #arm(reset = false): void {
    let first = Infinity;
    for (const { dueAt } of this.#windows.values()) first = Math.min(first, dueAt);
    if (!reset && first >= this.#timerAt) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = first;
    if (first === Infinity) return;
    this.#timer = setTimeout(this.#fire, Math.max(0, first - this.#now()));
  }

  readonly #fire = (): void => {
    // The worker whose window ends now is due even if the timer fired a little early.
    const at = Math.max(this.#now(), this.#timerAt);
    this.#timer = undefined;
    this.#timerAt = Infinity;
    this.#makeDue(at);
    this.#arm();
    this.#onDue();
  };
}
