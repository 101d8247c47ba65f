/**
 * Sorts `n` generated 32-bit integers. Parallel: each piece generates and sorts its slice in a
 * worker, then one more task merges the sorted runs (a k-way merge, in a worker too, so the
 * server never computes). The result is an order-sensitive checksum of the sorted array.
 *
 * @module
 */
import { type Span, spans, type WorkloadResult } from "./_common.ts";

export { warm } from "./_common.ts";

/** Parameters of the workload. */
export interface Params {
  readonly n: number;
  readonly seed: number;
}

/** A piece: a span of the array. */
export interface Piece extends Span {
  readonly seed: number;
}

/** The `i`-th generated value: a stateless hash of `i` (murmur3's finalizer), so any split agrees. */
function valueAt(seed: number, i: number): number {
  let h = (Math.imul(i, 0x9e3779b1) ^ seed) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function generate(piece: Piece): Uint32Array {
  const out = new Uint32Array(piece.end - piece.start);
  for (let i = piece.start; i < piece.end; i++) out[i - piece.start] = valueAt(piece.seed, i);
  return out;
}

function summarize(sorted: Uint32Array): WorkloadResult {
  let hash = 0;
  let ordered = true;
  for (let i = 0; i < sorted.length; i++) {
    hash = (Math.imul(hash, 31) + sorted[i]) >>> 0;
    if (i > 0 && sorted[i - 1] > sorted[i]) ordered = false;
  }
  return {
    value: hash.toString(16).padStart(8, "0"),
    detail: {
      n: sorted.length,
      sorted: ordered,
      min: sorted[0] ?? 0,
      max: sorted[sorted.length - 1] ?? 0,
    },
  };
}

/** Generates the whole array and sorts it. */
export function sequential(params: Params): WorkloadResult {
  return summarize(generate({ start: 0, end: params.n, seed: params.seed }).sort());
}

/** Pieces: spans of the array. */
export function split(params: Params, parts: number): Piece[] {
  return spans(params.n, parts).map((span) => ({ ...span, seed: params.seed }));
}

/** One piece: its slice, sorted. */
export function chunk(piece: Piece): Uint32Array {
  return generate(piece).sort();
}

/** Merges sorted runs (pairwise, so O(n log k)) and summarizes; runs in a worker. */
export function combine(parts: Uint32Array[]): WorkloadResult {
  let runs = parts;
  while (runs.length > 1) {
    const next: Uint32Array[] = [];
    for (let r = 0; r < runs.length; r += 2) {
      const x = runs[r];
      const y = runs[r + 1];
      if (!y) {
        next.push(x);
        continue;
      }
      const out = new Uint32Array(x.length + y.length);
      let i = 0;
      let j = 0;
      let o = 0;
      while (i < x.length && j < y.length) out[o++] = x[i] <= y[j] ? x[i++] : y[j++];
      while (i < x.length) out[o++] = x[i++];
      while (j < y.length) out[o++] = y[j++];
      next.push(out);
    }
    runs = next;
  }
  return summarize(runs[0] ?? new Uint32Array(0));
}
