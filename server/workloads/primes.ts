/**
 * Counts the primes below `n` by trial division. Larger numbers cost more, so equal ranges
 * are unequal work: a workload where many small chunks balance better than one per worker.
 *
 * @module
 */
import { type Span, spans, type WorkloadResult } from "./_common.ts";

export { warm } from "./_common.ts";

/** Parameters of the workload. */
export interface Params {
  readonly n: number;
}

function isPrime(k: number): boolean {
  if (k < 2) return false;
  if (k % 2 === 0) return k === 2;
  for (let d = 3; d * d <= k; d += 2) if (k % d === 0) return false;
  return true;
}

function countRange(start: number, end: number): number {
  let count = 0;
  for (let k = start; k < end; k++) if (isPrime(k)) count++;
  return count;
}

/** Every number below `n`, one loop. */
export function sequential(params: Params): WorkloadResult {
  return { value: countRange(0, params.n) };
}

/** Pieces: many more than workers, so the expensive top ranges spread out. */
export function split(params: Params, parts: number): Span[] {
  return spans(params.n, parts * 4);
}

/** One piece: the primes in its span. */
export function chunk(span: Span): number {
  return countRange(span.start, span.end);
}

/** Adds the counts. */
export function combine(parts: number[]): WorkloadResult {
  return { value: parts.reduce((a, b) => a + b, 0) };
}
