/**
 * Python's `array`/`ctypes` typecodes for `Value` and `SharedArray`, mapped to
 * typed arrays. `q`/`Q` hold bigints; `l`/`L` are 32-bit numbers, the same on
 * every platform (CPython's `l` is 64-bit on most Unix builds, 32-bit on Windows).
 *
 * @module
 */
import { describe } from "../task/values.ts";
import { invalid } from "../_validate.ts";

/** The typecodes: b B h H i I l L q Q f d. */
export type Typecode = "b" | "B" | "h" | "H" | "i" | "I" | "l" | "L" | "q" | "Q" | "f" | "d";

/** The JS type a typecode holds: `bigint` for `q`/`Q`, else `number`. */
export type ValueOf<T extends Typecode> = T extends "q" | "Q" ? bigint : number;

/** The typed array a typecode is stored in. */
export type ViewOf<T extends Typecode> = T extends "b" ? Int8Array
  : T extends "B" ? Uint8Array
  : T extends "h" ? Int16Array
  : T extends "H" ? Uint16Array
  : T extends "i" | "l" ? Int32Array
  : T extends "I" | "L" ? Uint32Array
  : T extends "q" ? BigInt64Array
  : T extends "Q" ? BigUint64Array
  : T extends "f" ? Float32Array
  : Float64Array;

type ViewConstructor = {
  new (buffer: SharedArrayBuffer, byteOffset?: number, length?: number): ViewOf<Typecode>;
  readonly BYTES_PER_ELEMENT: number;
};

const views: Record<Typecode, ViewConstructor> = {
  b: Int8Array,
  B: Uint8Array,
  h: Int16Array,
  H: Uint16Array,
  i: Int32Array,
  I: Uint32Array,
  l: Int32Array,
  L: Uint32Array,
  q: BigInt64Array,
  Q: BigUint64Array,
  f: Float32Array,
  d: Float64Array,
} as unknown as Record<Typecode, ViewConstructor>;

/** Checks a typecode (`action` names the call in the error). */
export function checkTypecode(action: string, value: unknown): Typecode {
  if (typeof value !== "string" || !Object.hasOwn(views, value)) {
    invalid(action, "typecode", "must be one of b B h H i I l L q Q f d", value);
  }
  return value as Typecode;
}

/** Whether the typecode holds bigints. */
export function isBigTypecode(typecode: Typecode): boolean {
  return typecode === "q" || typecode === "Q";
}

/** Whether `Atomics` works on the typecode (integers, not floats). */
export function isAtomicTypecode(typecode: Typecode): boolean {
  return typecode !== "f" && typecode !== "d";
}

/**
 * A typed array of `length` elements of `typecode` over new shared memory, or over `buffer`.
 *
 * @example
 * ```ts
 * import { sharedView } from "./_typecodes.ts";
 * console.log(sharedView("d", 2)); // Float64Array(2) [ 0, 0 ]
 * ```
 */
export function sharedView<T extends Typecode>(
  typecode: T,
  length: number,
  buffer?: SharedArrayBuffer,
): ViewOf<T> {
  const View = views[typecode];
  const bytes = Math.max(8, Math.ceil((length * View.BYTES_PER_ELEMENT) / 8) * 8);
  return new View(buffer ?? new SharedArrayBuffer(bytes), 0, length) as ViewOf<T>;
}

/** Checks that `value` fits the typecode's JS type (number or bigint). */
export function checkElement<T extends Typecode>(
  action: string,
  typecode: T,
  value: unknown,
): ValueOf<T> {
  const big = isBigTypecode(typecode);
  if (big ? typeof value !== "bigint" : typeof value !== "number") {
    throw new TypeError(
      `Cannot ${action} as typecode '${typecode}' holds ${big ? "bigints" : "numbers"}: received ${
        describe(value)
      }`,
    );
  }
  return value as ValueOf<T>;
}
