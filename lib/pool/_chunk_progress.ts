/**
 * How far a failed map chunk got, kept beside its error: the results of the items before the
 * failing one, and how the items right after it ended when they had run too (an async task's
 * items all start before one fails). `imap` yields those results, rejects for the failing item
 * alone, reports the items that ran after it one by one and runs the rest anew, as Python's
 * `imap` does item by item.
 *
 * @module
 */

/** How one item after the failing one ended: its result, or its own error. */
export type ItemEnd =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: unknown };

/** How far a failed chunk got. */
export interface ChunkProgress {
  /** The failing item, within its chunk. */
  readonly index: number;
  /** The results of the items before it. */
  readonly before: readonly unknown[];
  /** How the items right after it ended, when they ran (they are not run again). */
  readonly after: readonly ItemEnd[];
}

const progressOf = new WeakMap<object, ChunkProgress>();

/**
 * Records how far the chunk that failed with `error` got (an error that is not an object, such
 * as a thrown string, cannot carry it: its chunk fails whole).
 *
 * @example
 * ```ts
 * import { chunkProgress, recordChunkProgress } from "./_chunk_progress.ts";
 * const error = new Error("item 2 failed");
 * recordChunkProgress(error, { index: 2, before: [10, 20], after: [] });
 * console.log(chunkProgress(error)?.before); // [10, 20]
 * ```
 */
export function recordChunkProgress(error: unknown, progress: ChunkProgress): void {
  if (typeof error === "object" && error !== null) progressOf.set(error, progress);
}

/** How far the chunk that failed with `error` got, if known. */
export function chunkProgress(error: unknown): ChunkProgress | undefined {
  return typeof error === "object" && error !== null ? progressOf.get(error) : undefined;
}
