/**
 * Renders the Mandelbrot set over [-2, 1] × [-1.2, 1.2] and counts iterations. Rows near the
 * set cost far more than rows away from it: uneven work, split by rows.
 *
 * @module
 */
import { type Span, spans, type WorkloadResult } from "./_common.ts";

export { warm } from "./_common.ts";

/** Parameters of the workload. */
export interface Params {
  readonly width: number;
  readonly height: number;
  readonly maxIterations: number;
}

/** A piece: a span of rows. */
export interface Piece extends Span, Params {}

/** Iterations summed over the rows, and the points that never escaped. */
export interface Part {
  readonly iterations: number;
  readonly inside: number;
}

function renderRows(piece: Piece): Part {
  const { width, height, maxIterations } = piece;
  let iterations = 0;
  let inside = 0;
  for (let row = piece.start; row < piece.end; row++) {
    const ci = -1.2 + (2.4 * row) / height;
    for (let col = 0; col < width; col++) {
      const cr = -2 + (3 * col) / width;
      let zr = 0;
      let zi = 0;
      let k = 0;
      while (k < maxIterations && zr * zr + zi * zi <= 4) {
        const t = zr * zr - zi * zi + cr;
        zi = 2 * zr * zi + ci;
        zr = t;
        k++;
      }
      iterations += k;
      if (k === maxIterations) inside++;
    }
  }
  return { iterations, inside };
}

function result(part: Part, params: Params): WorkloadResult {
  return {
    value: part.iterations,
    detail: { inside: part.inside, pixels: params.width * params.height },
  };
}

/** Every row, one loop. */
export function sequential(params: Params): WorkloadResult {
  return result(renderRows({ start: 0, end: params.height, ...params }), params);
}

/** Pieces: spans of rows, several per worker (rows through the set are slow). */
export function split(params: Params, parts: number): Piece[] {
  return spans(params.height, parts * 4).map((span) => ({ ...span, ...params }));
}

/** One piece: its rows. */
export function chunk(piece: Piece): Part {
  return renderRows(piece);
}

/** Adds the counts. */
export function combine(parts: Part[], params: Params): WorkloadResult {
  let iterations = 0;
  let inside = 0;
  for (const part of parts) {
    iterations += part.iterations;
    inside += part.inside;
  }
  return result({ iterations, inside }, params);
}
