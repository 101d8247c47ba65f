/**
 * Multiplies two generated `n × n` integer matrices (C = A × B, i-k-j loop order over
 * Float64Arrays). Entries are small integers, so every sum is exact and both implementations
 * agree exactly. Split by rows of C; each piece builds its rows of A and all of B.
 *
 * @module
 */
import { type Span, spans, type WorkloadResult } from "./_common.ts";

export { warm } from "./_common.ts";

/** Parameters of the workload. */
export interface Params {
  readonly n: number;
}

/** A piece: a span of rows of C. */
export interface Piece extends Span {
  readonly n: number;
}

/** The sum of the piece's entries of C and of its diagonal entries. */
export interface Part {
  readonly sum: number;
  readonly trace: number;
}

const a = (i: number, k: number): number => (i * 7 + k * 3) % 11;
const b = (k: number, j: number): number => (k * 5 + j * 13) % 7;

function multiplyRows(piece: Piece): Part {
  const { n, start, end } = piece;
  const B = new Float64Array(n * n);
  for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) B[k * n + j] = b(k, j);
  const row = new Float64Array(n);
  let sum = 0;
  let trace = 0;
  for (let i = start; i < end; i++) {
    row.fill(0);
    for (let k = 0; k < n; k++) {
      const aik = a(i, k);
      const offset = k * n;
      for (let j = 0; j < n; j++) row[j] += aik * B[offset + j];
    }
    for (let j = 0; j < n; j++) sum += row[j];
    trace += row[i];
  }
  return { sum, trace };
}

function result(part: Part, params: Params): WorkloadResult {
  return { value: part.sum, detail: { trace: part.trace, multiplications: params.n ** 3 } };
}

/** All rows, one loop. */
export function sequential(params: Params): WorkloadResult {
  return result(multiplyRows({ start: 0, end: params.n, n: params.n }), params);
}

/** Pieces: spans of rows. */
export function split(params: Params, parts: number): Piece[] {
  return spans(params.n, parts).map((span) => ({ ...span, n: params.n }));
}

/** One piece: its rows of C, summed. */
export function chunk(piece: Piece): Part {
  return multiplyRows(piece);
}

/** Adds the pieces' sums. */
export function combine(parts: Part[], params: Params): WorkloadResult {
  let sum = 0;
  let trace = 0;
  for (const part of parts) {
    sum += part.sum;
    trace += part.trace;
  }
  return result({ sum, trace }, params);
}
