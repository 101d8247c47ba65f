/**
 * Helpers shared by the workload modules. These modules run inside pool workers as module
 * tasks (and in the server for `split`/`combine`), so they import nothing but each other.
 *
 * @module
 */

/** What every workload returns: a comparable `value` and a few details for display. */
export interface WorkloadResult {
  /** Equal (numbers: within 1e-9 relative) for the sequential and parallel implementations. */
  readonly value: number | string | unknown[];
  /** A few figures for display. */
  readonly detail?: Readonly<Record<string, number | string | boolean>>;
}

/** A half-open range `[start, end)` of indices. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** Splits `[0, n)` into at most `parts` contiguous, non-empty spans of near-equal length. */
export function spans(n: number, parts: number): Span[] {
  const count = Math.max(1, Math.min(Math.floor(parts), n));
  const out: Span[] = [];
  for (let i = 0; i < count; i++) {
    const start = Math.floor((i * n) / count);
    const end = Math.floor(((i + 1) * n) / count);
    if (end > start) out.push({ start, end });
  }
  return out;
}

/** A small, fast, seeded PRNG (mulberry32): the same seed gives the same stream everywhere. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Does nothing: a pool's `initializer`, so each worker has loaded the module before timing. */
export function warm(): void {}
