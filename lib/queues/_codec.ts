/**
 * The item encoding of queues and pipes: a small tagged binary format with
 * structured-clone semantics, written once and read by every runtime (V8's and
 * JSC's own serializers cannot read each other's bytes, and `lib/` may not
 * import `node:v8`). It keeps `undefined`, `NaN`, `±Infinity`, `-0`, BigInt,
 * Date, RegExp, Map, Set, ArrayBuffer, typed arrays, DataView, boxed
 * primitives, array holes, and errors with their class, cause and own
 * properties (see `task/error_codec.ts`); class instances arrive as plain objects,
 * as with `structuredClone`. Unlike `structuredClone`, a cycle is refused with
 * a `TypeError`, and a value reached twice arrives as two copies. Functions,
 * symbols, SharedArrayBuffers and handles (locks, queues, …) are refused with
 * a `TypeError` naming where they were found. The decoder is `_codec_decode.ts`.
 *
 * @module
 */
import { encodeThrown } from "../task/error_codec.ts";
import { describe, toDescriptor } from "../task/values.ts";

/** The tag byte that starts each encoded value. */
export const Tag = {
  UNDEFINED: 0,
  NULL: 1,
  FALSE: 2,
  TRUE: 3,
  INT: 4,
  FLOAT: 5,
  ASCII: 6,
  UTF8: 7,
  BIGINT: 8,
  ARRAY: 9,
  HOLE: 10,
  OBJECT: 11,
  DATE: 12,
  REGEXP: 13,
  MAP: 14,
  SET: 15,
  BUFFER: 16,
  VIEW: 17,
  ERROR: 18,
  BOXED: 19,
} as const;
const { UNDEFINED, NULL, FALSE, TRUE, INT, FLOAT, ASCII, UTF8, BIGINT, ARRAY, HOLE, OBJECT } = Tag;
const { DATE, REGEXP, MAP, SET, BUFFER, VIEW, ERROR, BOXED } = Tag;

/** A typed array or DataView class. */
export type ViewClass = new (buffer: ArrayBuffer) => ArrayBufferView;
/** The view classes, by the kind byte that follows `Tag.VIEW`. */
export const viewClasses: ViewClass[] = [
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
  DataView,
  ...["Float16Array"].flatMap((name) => {
    const ctor = (globalThis as Record<string, unknown>)[name];
    return typeof ctor === "function" ? [ctor as ViewClass] : [];
  }),
];

const utf8Encoder = new TextEncoder();
/** Scratch buffers larger than this are dropped after use rather than kept. */
const keepBytes = 1 << 20;

let out = new Uint8Array(256);
let outView = new DataView(out.buffer);
let pos = 0;
/** The containers being encoded, outermost first: a repeat is a cycle. */
const ancestors: object[] = [];

/** Why a value cannot be encoded; turned into a `TypeError` with the path by {@linkcode encode}. */
class Refused {
  readonly culprit: unknown;
  readonly reason: string;
  constructor(culprit: unknown, reason: string) {
    this.culprit = culprit;
    this.reason = reason;
  }
}

function reserve(n: number): void {
  if (pos + n <= out.length) return;
  const next = new Uint8Array(Math.max(out.length * 2, pos + n));
  next.set(out.subarray(0, pos));
  out = next;
  outView = new DataView(out.buffer);
}

function writeU32(n: number): void {
  reserve(4);
  outView.setUint32(pos, n, true);
  pos += 4;
}

function writeBytes(bytes: Uint8Array): void {
  writeU32(bytes.length);
  reserve(bytes.length);
  out.set(bytes, pos);
  pos += bytes.length;
}

/** A string as tag + u32 length + bytes: ASCII written by hand, the rest as UTF-8. */
function writeString(s: string): void {
  const n = s.length;
  reserve(5 + n);
  const start = pos;
  out[pos] = ASCII;
  pos += 5;
  if (n < 64) {
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c > 127) {
        pos = start;
        return writeUtf8(s);
      }
      out[pos++] = c;
    }
  } else {
    pos = start;
    return writeUtf8(s);
  }
  outView.setUint32(start + 1, n, true);
}

function writeUtf8(s: string): void {
  reserve(5 + s.length * 3);
  out[pos] = UTF8;
  const { written } = utf8Encoder.encodeInto(s, out.subarray(pos + 5));
  outView.setUint32(pos + 1, written, true);
  pos += 5 + written;
}

function writeNumber(n: number): void {
  reserve(9);
  if ((n | 0) === n && !Object.is(n, -0)) {
    out[pos] = INT;
    outView.setInt32(pos + 1, n, true);
    pos += 5;
  } else {
    out[pos] = FLOAT;
    outView.setFloat64(pos + 1, n, true);
    pos += 9;
  }
}

function writeTag(tag: number): void {
  reserve(1);
  out[pos++] = tag;
}

function writeValue(value: unknown): void {
  switch (typeof value) {
    case "number":
      return writeNumber(value);
    case "string":
      return writeString(value);
    case "boolean":
      return writeTag(value ? TRUE : FALSE);
    case "undefined":
      return writeTag(UNDEFINED);
    case "bigint":
      writeTag(BIGINT);
      return writeString(value.toString(16));
    case "object":
      if (value === null) return writeTag(NULL);
      if (ancestors.includes(value)) throw new Refused(value, "cycle");
      ancestors.push(value);
      writeObject(value);
      ancestors.pop();
      return;
    default:
      throw new Refused(value, `is ${describe(value)}, which cannot be serialized`);
  }
}

function writeObject(value: object): void {
  if (Array.isArray(value)) {
    writeTag(ARRAY);
    writeU32(value.length);
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      if (item === undefined && !(i in value)) writeTag(HOLE);
      else writeValue(item);
    }
    return;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null && writeSpecial(value)) return;
  const keys = Object.keys(value);
  writeTag(OBJECT);
  writeU32(keys.length);
  for (const key of keys) {
    writeString(key);
    writeValue((value as Record<string, unknown>)[key]);
  }
}

/** Objects with a class of their own; false for class instances sent as plain objects. */
function writeSpecial(value: object): boolean {
  if (value instanceof Date) {
    writeTag(DATE);
    writeNumber(value.getTime());
  } else if (value instanceof RegExp) {
    writeTag(REGEXP);
    writeString(value.source);
    writeString(value.flags);
  } else if (value instanceof Map) {
    writeTag(MAP);
    writeU32(value.size);
    for (const [k, v] of value) {
      writeValue(k);
      writeValue(v);
    }
  } else if (value instanceof Set) {
    writeTag(SET);
    writeU32(value.size);
    for (const v of value) writeValue(v);
  } else if (value instanceof ArrayBuffer) {
    writeTag(BUFFER);
    writeBytes(new Uint8Array(value));
  } else if (ArrayBuffer.isView(value)) {
    const kind = viewClasses.indexOf(value.constructor as ViewClass);
    if (kind < 0) throw new Refused(value, `is ${describe(value)}, which cannot be serialized`);
    writeTag(VIEW);
    writeTag(kind);
    writeBytes(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
  } else if (value instanceof Error) {
    writeTag(ERROR);
    writeValue(encodeThrown(value));
  } else if (
    value instanceof Number || value instanceof String || value instanceof Boolean ||
    value instanceof BigInt
  ) {
    writeTag(BOXED);
    writeValue(value.valueOf());
  } else if (toDescriptor in value) {
    throw new Refused(
      value,
      `is ${
        describe(value)
      }: share it by passing it to the worker as a Process or Pool argument, not through a queue or pipe`,
    );
  } else if (typeof SharedArrayBuffer === "function" && value instanceof SharedArrayBuffer) {
    throw new Refused(
      value,
      "is a SharedArrayBuffer: share it by passing it to the worker as a Process or Pool argument, not through a queue or pipe",
    );
  } else if (value instanceof WeakMap || value instanceof WeakSet || value instanceof Promise) {
    throw new Refused(value, `is ${describe(value)}, which cannot be serialized`);
  } else return false;
  return true;
}

/**
 * Where `culprit` sits below `root`, as `item.a[0].b` (for a cycle: where it is
 * reached again), and the path of its first occurrence.
 */
function pathTo(root: unknown, culprit: unknown, cycle: boolean): { at: string; first: string } {
  const onPath = new Map<unknown, string>();
  const cleared = new Set<unknown>();
  const walk = (value: unknown, path: string): string | undefined => {
    if (value === culprit && (!cycle || onPath.has(value))) return path;
    if (typeof value !== "object" || value === null) return undefined;
    if (onPath.has(value) || cleared.has(value)) return undefined;
    onPath.set(value, path);
    const children: [string, unknown][] = value instanceof Map
      ? [...value].flatMap((
        [k, v],
        i,
      ): [string, unknown][] => [[`.<key ${i}>`, k], [`.get(${describe(k)})`, v]])
      : value instanceof Set
      ? [...value].map((v, i): [string, unknown] => [`.<item ${i}>`, v])
      : Object.keys(value).map((k): [string, unknown] => [
        Array.isArray(value) ? `[${k}]` : `.${k}`,
        (value as Record<string, unknown>)[k],
      ]);
    for (const [key, child] of children) {
      const found = walk(child, path + key);
      if (found) return found;
    }
    onPath.delete(value);
    if (!cycle) cleared.add(value);
    return undefined;
  };
  const at = walk(root, "item") ?? "item";
  return { at, first: onPath.get(culprit) ?? "item" };
}

/**
 * Encodes `value`. The bytes are a view of a buffer reused by the next call:
 * copy them before encoding again. `action` names the operation in errors, as
 * in `Cannot put item on queue as …`.
 *
 * @example
 * ```ts
 * import { encode } from "./_codec.ts";
 * import { decode } from "./_codec_decode.ts";
 * const bytes = encode({ when: new Date(0), tags: new Set(["a"]), n: -0 }, "send item");
 * console.log(decode(bytes)); // { when: 1970-01-01T00:00:00.000Z, tags: Set(1) { "a" }, n: -0 }
 * ```
 */
export function encode(value: unknown, action: string): Uint8Array {
  pos = 0;
  try {
    writeValue(value);
  } catch (error) {
    ancestors.length = 0;
    if (!(error instanceof Refused)) throw error;
    const cycle = error.reason === "cycle";
    const { at, first } = pathTo(value, error.culprit, cycle);
    throw new TypeError(
      cycle
        ? `Cannot ${action} as ${at} refers back to ${first}: an item with a cycle cannot be serialized`
        : `Cannot ${action} as ${at === "item" ? "it" : at} ${error.reason}`,
    );
  }
  const bytes = out.subarray(0, pos);
  if (out.length > keepBytes) {
    out = new Uint8Array(256);
    outView = new DataView(out.buffer);
  }
  return bytes;
}
