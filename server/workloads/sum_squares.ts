/**
 * The seed's `calculate_heavy_sum(limit)`: the sum of `i * i` for `i < n`. Beyond 2^53 the sum
 * is a rounded float (Python's integers are exact); both implementations add in the same
 * blocks of `i`, so they agree within rounding.
 *
 * @module
 */
import { type Span, spans, type WorkloadResult } from "./_common.ts";

export { warm } from "./_common.ts";

/** Parameters of the workload. */
export interface Params {
  readonly n: number;
}

function sumRange(start: number, end: number): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum += i * i;
  return sum;
}

/** The whole sum, one loop. */
export function sequential(params: Params): WorkloadResult {
  return { value: sumRange(0, params.n) };
}

/** Pieces for `parts` workers' worth of tasks. */
export function split(params: Params, parts: number): Span[] {
  return spans(params.n, parts);
}

/** One piece: the sum over its span. */
export function chunk(span: Span): number {
  return sumRange(span.start, span.end);
}

/** Adds the partial sums. */
export function combine(parts: number[]): WorkloadResult {
  let sum = 0;
  for (const part of parts) sum += part;
  return { value: sum };
}
