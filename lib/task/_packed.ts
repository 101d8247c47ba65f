/**
 * Chunks of numbers cross the boundary packed: a `Float64Array` moved with
 * transfer instead of an array that structured clone walks item by item, in
 * both directions (a map's items to the worker, its results back). A
 * `Float64Array` holds every JavaScript number exactly, `-0` and `NaN`
 * included, and the caller still gets a plain `number[]`.
 *
 * @module
 */
import type { Outcome } from "./_protocol.ts";

/** Below this many items a chunk is sent as it is: packing would not pay. */
const minPacked = 64;

/** Results this worker packed, so that only these are transferred (never a user's array). */
const packedHere = new WeakSet<Float64Array>();

/** The items `start` to `end` packed, or `undefined` when there are few or one is not a number. */
export function packNumbers(
  items: readonly unknown[],
  start: number,
  end: number,
): Float64Array | undefined {
  if (end - start < minPacked) return undefined;
  const packed = new Float64Array(end - start);
  for (let i = start; i < end; i++) {
    const item = items[i];
    if (typeof item !== "number") return undefined;
    packed[i - start] = item;
  }
  return packed;
}

/**
 * Collects a chunk's results: packed while every one is a number, as an
 * array from the first that is not.
 */
export class ResultCollector {
  #packed: Float64Array | undefined;
  #list: unknown[] | undefined;

  constructor(length: number) {
    if (length >= minPacked) this.#packed = new Float64Array(length);
    else this.#list = new Array(length);
  }

  /** A collector that goes on from packed results: the first `count` of `packed` are set. */
  static after(packed: Float64Array, count: number): ResultCollector {
    const collector = new ResultCollector(0);
    collector.#list = Array.from(packed.subarray(0, count));
    collector.#list.length = packed.length;
    return collector;
  }

  /** Records result `i`. */
  set(i: number, value: unknown): void {
    if (this.#packed !== undefined) {
      if (typeof value === "number") {
        this.#packed[i] = value;
        return;
      }
      this.#list = Array.from(this.#packed.subarray(0, i));
      this.#list.length = this.#packed.length;
      this.#packed = undefined;
    }
    this.#list![i] = value;
  }

  /** The first `count` results, as a plain array. */
  prefix(count: number): unknown[] {
    return this.#packed !== undefined
      ? Array.from(this.#packed.subarray(0, count))
      : this.#list!.slice(0, count);
  }

  /** The results as a list that may hold promises (to be awaited), or undefined if packed. */
  get list(): unknown[] | undefined {
    return this.#list;
  }

  /** The results, packed if they are all numbers. */
  result(): unknown[] | Float64Array {
    return this.#packed === undefined ? this.#list! : markPacked(this.#packed);
  }
}

/** Marks results this worker packed, so that they may be transferred. */
export function markPacked(results: Float64Array): Float64Array {
  packedHere.add(results);
  return results;
}

/** Whether `value` is results this worker packed (and may transfer). */
function isPackedResult(value: unknown): value is Float64Array {
  return value instanceof Float64Array && packedHere.has(value);
}

/** Copies a chunk's results (packed or not) into `out` from `offset`. */
export function copyResults(out: unknown[], offset: number, results: ArrayLike<unknown>): void {
  if (results instanceof Float64Array) copyPacked(out, offset, results);
  else for (let i = 0; i < results.length; i++) out[offset + i] = results[i];
}

// Each loop below reads one kind of array only, so the engine compiles it to a tight loop
// (a loop shared by arrays and typed arrays costs several times as much per item).

function copyPacked(out: unknown[], offset: number, results: Float64Array): void {
  for (let i = 0; i < results.length; i++) out[offset + i] = results[i];
}

/**
 * Applies `fn` to every packed item into `out`, which stays packed while the results are
 * numbers. Returns -1 when every result was a number; else the index of the first that was not
 * (`at.value` holds it; the results before it are in `out`). `at.index` names the item that
 * threw, if one did.
 */
export function applyPacked(
  fn: (item: number) => unknown,
  items: Float64Array,
  out: Float64Array,
  at: { index: number; value?: unknown },
): number {
  let i = 0;
  try {
    for (; i < items.length; i++) {
      const value = fn(items[i]);
      if (typeof value !== "number") {
        at.value = value;
        return i;
      }
      out[i] = value;
    }
  } catch (error) {
    at.index = i;
    throw error;
  }
  return -1;
}

/**
 * An outcome as it goes on the wire: packed results as their buffer alone (see `Outcome`), the
 * buffer to move with it.
 */
export function packedOutcome(outcome: Outcome): { outcome: Outcome; buffer?: ArrayBuffer } {
  if (!outcome.ok || !isPackedResult(outcome.value)) return { outcome };
  const buffer = outcome.value.buffer as ArrayBuffer;
  return { outcome: { id: outcome.id, ok: true, value: undefined, packed: buffer }, buffer };
}

/** An outcome as it came off the wire: packed results as a `Float64Array` again. */
export function unpackedOutcome(outcome: Outcome): Outcome {
  if (!outcome.ok || outcome.packed === undefined) return outcome;
  return { id: outcome.id, ok: true, value: new Float64Array(outcome.packed) };
}
