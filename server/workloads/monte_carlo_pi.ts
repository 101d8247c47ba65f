/**
 * Estimates π from random points in the unit square. Samples come in fixed blocks, each with
 * its own seeded generator, so the estimate is the same however the blocks are shared out.
 *
 * @module
 */
import { mulberry32, type Span, spans, type WorkloadResult } from "./_common.ts";

export { warm } from "./_common.ts";

/** Samples per block (one generator each). */
const blockSize = 100_000;

/** Parameters of the workload. */
export interface Params {
  readonly samples: number;
  readonly seed: number;
}

/** A piece: a span of blocks. */
export interface Piece extends Span {
  readonly samples: number;
  readonly seed: number;
}

function insideBlocks(piece: Piece): number {
  let inside = 0;
  for (let b = piece.start; b < piece.end; b++) {
    const random = mulberry32(piece.seed + b * 0x9e3779b1);
    const count = Math.min(blockSize, piece.samples - b * blockSize);
    for (let i = 0; i < count; i++) {
      const x = random();
      const y = random();
      if (x * x + y * y <= 1) inside++;
    }
  }
  return inside;
}

function blocks(params: Params): number {
  return Math.ceil(params.samples / blockSize);
}

function estimate(inside: number, samples: number): WorkloadResult {
  return { value: (4 * inside) / samples, detail: { inside, samples } };
}

/** Every block, one loop. */
export function sequential(params: Params): WorkloadResult {
  const inside = insideBlocks({ start: 0, end: blocks(params), ...params });
  return estimate(inside, params.samples);
}

/** Pieces: spans of blocks. */
export function split(params: Params, parts: number): Piece[] {
  return spans(blocks(params), parts).map((span) => ({ ...span, ...params }));
}

/** One piece: the points inside the quarter circle. */
export function chunk(piece: Piece): number {
  return insideBlocks(piece);
}

/** π ≈ 4 × inside / samples. */
export function combine(parts: number[], params: Params): WorkloadResult {
  return estimate(parts.reduce((a, b) => a + b, 0), params.samples);
}
