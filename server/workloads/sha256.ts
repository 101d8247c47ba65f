/**
 * SHA-256 over generated data: `megabytes` MiB in 64 KiB blocks, each filled from its own
 * seeded generator and hashed (`node:crypto`, which Node, Deno and Bun all provide, in workers
 * too). The result is the SHA-256 of the blocks' digests in order, a hash list: the same
 * however the blocks are shared out.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { type Span, spans, type WorkloadResult } from "./_common.ts";

export { warm } from "./_common.ts";

/** Bytes per block. */
const blockBytes = 64 * 1024;
const blocksPerMegabyte = (1024 * 1024) / blockBytes;

/** Parameters of the workload. */
export interface Params {
  readonly megabytes: number;
  readonly seed: number;
}

/** A piece: a span of blocks. */
export interface Piece extends Span {
  readonly seed: number;
}

/** The digests of the piece's blocks, concatenated (32 bytes each). */
function hashBlocks(piece: Piece): Uint8Array {
  const words = new Uint32Array(blockBytes / 4);
  const bytes = new Uint8Array(words.buffer);
  const out = new Uint8Array((piece.end - piece.start) * 32);
  for (let b = piece.start; b < piece.end; b++) {
    // xorshift32, seeded per block.
    let x = (piece.seed ^ Math.imul(b + 1, 0x9e3779b1)) >>> 0 || 1;
    for (let i = 0; i < words.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      words[i] = x >>> 0;
    }
    out.set(createHash("sha256").update(bytes).digest(), (b - piece.start) * 32);
  }
  return out;
}

function finish(digests: Uint8Array[], params: Params): WorkloadResult {
  const hash = createHash("sha256");
  for (const d of digests) hash.update(d);
  return {
    value: hash.digest("hex"),
    detail: { bytes: params.megabytes * 1024 * 1024, blocks: params.megabytes * blocksPerMegabyte },
  };
}

/** Every block, one loop. */
export function sequential(params: Params): WorkloadResult {
  const all = hashBlocks({ start: 0, end: params.megabytes * blocksPerMegabyte, ...params });
  return finish([all], params);
}

/** Pieces: spans of blocks. */
export function split(params: Params, parts: number): Piece[] {
  return spans(params.megabytes * blocksPerMegabyte, parts).map((span) => ({
    ...span,
    seed: params.seed,
  }));
}

/** One piece: its blocks' digests. */
export function chunk(piece: Piece): Uint8Array {
  return hashBlocks(piece);
}

/** The hash of all digests, in block order. */
export function combine(parts: Uint8Array[], params: Params): WorkloadResult {
  return finish(parts, params);
}
