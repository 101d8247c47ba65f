/**
 * The seed's `cpu_intensive_task(n)`: the sum of `sqrt(i)` for `i < n`. The partial sums are
 * added in a different order from the single loop, so results agree within rounding.
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
  for (let i = start; i < end; i++) sum += Math.sqrt(i);
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
