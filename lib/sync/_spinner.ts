/**
 * The spin a ring's waiter does before it sleeps (`_ring.ts`), and when to skip it.
 *
 * Waking a sleeper costs a few µs on a busy machine, but 10–60 µs when its core has gone idle (a
 * VM's idle vCPU): most waits between busy workers end within a spin of {@linkcode spinMs}. But a
 * spin that does not end in time makes things worse when the two threads share a core (the other
 * core is busy, or the scheduler woke the sleeper on the spinner's core): the thread it waits for
 * runs only once the spinner gives up. Two threads in ping-pong (a `Pipe`) then stay in a mode
 * where each spins in vain while the other cannot run, and every round trip costs two spins and
 * two wake-ups (~60 µs instead of ~3 µs on Node, Deno and Bun on 2 cores; always so with both
 * threads pinned to one core). The spinning keeps both threads runnable, so the scheduler soon
 * moves one to the other core if it can; if it has not after {@linkcode patience} failed spins in
 * a row, a waiter only glances ({@linkcode glanceMs}) before it sleeps, for
 * {@linkcode backoffWaits} wait, then tries a longer spin ({@linkcode probeMs}, which outlasts a
 * wake-up from an idle core): while that keeps failing, the glancing spells double, up to
 * {@linkcode maxBackoff} waits, so the tries cost little next to the round trips between them (two
 * plain wake-ups on one core, ~25 µs). A spin or glance that pays off brings back the plain spin:
 * once the threads run side by side again, they stay so.
 *
 * @module
 */

const pause: () => void = typeof (Atomics as { pause?: () => void }).pause === "function"
  ? (Atomics as unknown as { pause: () => void }).pause
  : () => {};

/** How long a wait checks its condition before it sleeps, in ms. */
export const spinMs = 0.02;
/** How long a wait checks before it sleeps while spinning does not pay off, in ms. */
export const glanceMs = 0.005;
/** How long the spin that tries again after glancing lasts, in ms. */
export const probeMs = 0.1;
/** How many waits only glance after backing off (then 2, 4, … after each failed try). */
export const backoffWaits = 1;
/** The most waits that only glance between two tries. */
export const maxBackoff = 1024;
/** How many spins in a row may fail before a waiter backs off to glances. */
export const patience = 16;

/**
 * Whether `cells[index]` stopped being `value` within `ms` of spinning.
 *
 * @example
 * ```ts
 * import { spinUntilChanged } from "./_spinner.ts";
 * const cells = new Int32Array(new SharedArrayBuffer(4));
 * console.log(spinUntilChanged(cells, 0, 0, 0.01)); // false
 * ```
 */
export function spinUntilChanged(
  cells: Int32Array,
  index: number,
  value: number,
  ms: number,
): boolean {
  if (Atomics.load(cells, index) !== value) return true;
  const until = performance.now() + ms;
  for (let spin = 1;; spin++) {
    pause();
    if (Atomics.load(cells, index) !== value) return true;
    if ((spin & 15) === 0 && performance.now() > until) return false;
  }
}

/**
 * One thread's spinning before its waits on one ring word: spins while spinning pays off, and
 * backs off to glances when it does not (see the module's documentation).
 *
 * @example
 * ```ts
 * import { Spinner } from "./_spinner.ts";
 * const cells = new Int32Array(new SharedArrayBuffer(4));
 * const spinner = new Spinner();
 * console.log(spinner.changedSoon(cells, 0, 0)); // false, after a spin
 * cells[0] = 1;
 * console.log(spinner.changedSoon(cells, 0, 0)); // true
 * ```
 */
export class Spinner {
  /** Waits left that only glance. */
  #skips = 0;
  /** How many waits the next failed spin skips; 0 while spinning pays off. */
  #backoff = 0;
  /** Spins in a row that did not pay off, before backing off. */
  #failures = 0;

  /** Whether `cells[index]` stopped being `value` within a spin or a glance; false: sleep. */
  changedSoon(cells: Int32Array, index: number, value: number): boolean {
    if (Atomics.load(cells, index) !== value) return true;
    if (this.#skips > 0) {
      this.#skips--;
      if (!spinUntilChanged(cells, index, value, glanceMs)) return false;
    } else if (!spinUntilChanged(cells, index, value, this.#backoff > 0 ? probeMs : spinMs)) {
      if (this.#backoff > 0) this.#backoff = Math.min(maxBackoff, this.#backoff * 2);
      else if (++this.#failures >= patience) this.#backoff = backoffWaits;
      this.#skips = this.#backoff;
      return false;
    }
    this.#skips = 0;
    this.#backoff = 0;
    this.#failures = 0;
    return true;
  }
}
