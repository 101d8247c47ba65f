/**
 * Chunks of numbers cross the boundary packed: a `Float64Array` moved with
 * transfer instead of an array that structured clone walks item by item, in
 * both directions (a map's items to the worker, its results back). A
 * `Float64Array` holds every JavaScript number exactly, `-0` and `NaN`
 * included, and the caller still gets a plain `number[]`.
 *
 * @module
 */

/** Below this many items a chunk is sent as it is: packing would not pay. */
const minPacked = 64;

/** Results this worker packed, so that only these are transferred (never a user's array). */
const packedHere = new WeakSet<Float64Array>();

/** The items `start` to `end` packed, or `undefined` when there are few or one is not a number. */
export function packNumbers(
  items: ArrayLike<unknown>,
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
 * array from the first that is not. `add` returns false when no result is
 * pending yet.
 */
export class ResultCollector {
  #packed: Float64Array | undefined;
  #list: unknown[] | undefined;

  constructor(length: number) {
    if (length >= minPacked) this.#packed = new Float64Array(length);
    else this.#list = new Array(length);
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

  /** The results as a list that may hold promises (to be awaited), or undefined if packed. */
  get list(): unknown[] | undefined {
    return this.#list;
  }

  /** The results, packed if they are all numbers. */
  result(): unknown[] | Float64Array {
    if (this.#packed === undefined) return this.#list!;
    packedHere.add(this.#packed);
    return this.#packed;
  }
}

/** Whether `value` is results this worker packed (and may transfer). */
export function isPackedResult(value: unknown): value is Float64Array {
  return value instanceof Float64Array && packedHere.has(value);
}

/** Copies a chunk's results (packed or not) into `out` from `offset`. */
export function copyResults(out: unknown[], offset: number, results: ArrayLike<unknown>): void {
  for (let i = 0; i < results.length; i++) out[offset + i] = results[i];
}
