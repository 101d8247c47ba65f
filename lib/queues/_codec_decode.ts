/**
 * The decoder of `_codec.ts`'s format: items out of queues and pipes.
 *
 * @module
 */
import { decodeThrown, type Thrown } from "../task/error_codec.ts";
import { Tag, type ViewClass, viewClasses } from "./_codec.ts";

const { UNDEFINED, NULL, FALSE, TRUE, INT, FLOAT, ASCII, UTF8, BIGINT, ARRAY, HOLE, OBJECT } = Tag;
const { DATE, REGEXP, MAP, SET, BUFFER, VIEW, ERROR, BOXED } = Tag;
const utf8Decoder = new TextDecoder();

let input: Uint8Array = new Uint8Array(0);
/** A view of the whole buffer under `input` (kept while the buffer is the same), from `base`. */
let inputView: DataView = new DataView(input.buffer);
let base = 0;
let at = 0;

function readU32(): number {
  const n = inputView.getUint32(base + at, true);
  at += 4;
  return n;
}

function readBytes(): Uint8Array {
  const n = readU32();
  at += n;
  return input.slice(at - n, at);
}

function readString(): string {
  const tag = input[at++];
  const n = readU32();
  const start = at;
  at += n;
  if (tag === UTF8) return utf8Decoder.decode(input.subarray(start, at));
  if (n > 64) {
    return String.fromCharCode.apply(null, input.subarray(start, at) as unknown as number[]);
  }
  let s = "";
  for (let i = start; i < at; i++) s += String.fromCharCode(input[i]);
  return s;
}

function readValue(): unknown {
  const tag = input[at];
  switch (tag) {
    case INT:
      at += 5;
      return inputView.getInt32(base + at - 4, true);
    case FLOAT:
      at += 9;
      return inputView.getFloat64(base + at - 8, true);
    case ASCII:
    case UTF8:
      return readString();
  }
  at++;
  switch (tag) {
    case UNDEFINED:
      return undefined;
    case NULL:
      return null;
    case FALSE:
      return false;
    case TRUE:
      return true;
    case BIGINT: {
      const hex = readString();
      return hex[0] === "-" ? -BigInt(`0x${hex.slice(1)}`) : BigInt(`0x${hex}`);
    }
    case ARRAY: {
      const n = readU32();
      const array = new Array(n);
      for (let i = 0; i < n; i++) {
        if (input[at] === HOLE) at++;
        else array[i] = readValue();
      }
      return array;
    }
    case OBJECT: {
      const n = readU32();
      const object: Record<string, unknown> = {};
      for (let i = 0; i < n; i++) {
        const key = readString();
        const value = readValue();
        if (key === "__proto__") {
          Object.defineProperty(object, key, {
            value,
            writable: true,
            enumerable: true,
            configurable: true,
          });
        } else object[key] = value;
      }
      return object;
    }
    case DATE:
      return new Date(readValue() as number);
    case REGEXP:
      return new RegExp(readString(), readString());
    case MAP: {
      const n = readU32();
      const map = new Map();
      for (let i = 0; i < n; i++) map.set(readValue(), readValue());
      return map;
    }
    case SET: {
      const n = readU32();
      const set = new Set();
      for (let i = 0; i < n; i++) set.add(readValue());
      return set;
    }
    case BUFFER:
      return readBytes().buffer;
    case VIEW: {
      const ViewClass = viewClasses[input[at++]];
      return new ViewClass(readBytes().buffer as ArrayBuffer);
    }
    case ERROR:
      return decodeThrown(readValue() as Thrown);
    case BOXED:
      return Object(readValue());
  }
  throw new TypeError(
    `Cannot decode item as its bytes are corrupt: unknown tag ${tag} at ${at - 1}`,
  );
}

/**
 * The bytes of a message that encodes a `Uint8Array` (what `sendBytes()`
 * sends); for any other message, its encoded bytes (as Python's `recv_bytes()`
 * returns the pickle). Always a copy.
 *
 * @example
 * ```ts
 * import { encode } from "./_codec.ts";
 * import { bytesOf } from "./_codec_decode.ts";
 * console.log(bytesOf(encode(new Uint8Array([7, 8]), "send bytes"))); // Uint8Array(2) [ 7, 8 ]
 * ```
 */
export function bytesOf(message: Uint8Array): Uint8Array {
  const uint8 = viewClasses.indexOf(Uint8Array as unknown as ViewClass);
  if (message[0] === VIEW && message[1] === uint8 && message.length >= 6) {
    const length = new DataView(message.buffer, message.byteOffset + 2, 4).getUint32(0, true);
    if (length === message.length - 6) return message.slice(6);
  }
  return message.slice();
}

/**
 * Decodes what {@linkcode encode} wrote.
 *
 * @example
 * ```ts
 * import { encode } from "./_codec.ts";
 * import { decode } from "./_codec_decode.ts";
 * console.log(decode(encode([1n, NaN, undefined], "send item"))); // [ 1n, NaN, undefined ]
 * ```
 */
export function decode(bytes: Uint8Array): unknown {
  // A Node Buffer's slice() is a view, not a copy: read through a plain Uint8Array.
  if (Object.getPrototypeOf(bytes) !== Uint8Array.prototype) {
    bytes = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  if (bytes.buffer !== inputView.buffer) inputView = new DataView(bytes.buffer);
  input = bytes;
  base = bytes.byteOffset;
  at = 0;
  return readValue();
}
