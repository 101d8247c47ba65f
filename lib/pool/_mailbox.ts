/**
 * A one-message box in shared memory between a pool's parent and one of its threads, for the
 * most common message: one call of a task the thread already knows, with a few plain arguments,
 * and its plain result. Such a message crosses in about a µs. A port message costs a structured
 * clone, a wake-up of the other side's event loop and an event dispatch (about 10 µs on a 2-vCPU
 * VM, with a tail of hundreds), which is most of a round trip to an idle thread.
 *
 * Only one side reads a box, and only while it looks: the reader opens the box when it starts
 * looking (an idle thread for its next call, the parent's loop for results while it stays awake)
 * and closes it when it stops. A writer may use the box only while it is open and empty, and
 * takes it first (`claim`), so a message is never left where nobody looks: when the box is
 * closed, taken or full, the writer sends by port as before. A reader that finds the box taken
 * when it closes must wait for the message and read it.
 *
 * A message is a short list of values in 64-bit cells: each value a tag cell and a payload cell,
 * strings' UTF-16 code units after the cells. Only `undefined`, `null`, booleans, numbers and
 * strings go in a box ({@linkcode fitsBox}): everything else, a transfer or a handle goes by
 * port, and arrives the same either way.
 *
 * @module
 */

/** The box's states, in its first cell. */
const CLOSED = 0;
const OPEN = 1;
const WRITING = 2;
const FULL = 3;

const UNDEFINED = 0;
const NULL = 1;
const FALSE = 2;
const TRUE = 3;
const NUMBER = 4;
const STRING = 5;

const headerBytes = 8;
/** Bytes for a message's values (cells and strings). */
export const boxBytes = 2048;
const cellCount = boxBytes / 8;

/** Whether every one of `values` goes in a box, with `cells` cells before them. */
export function fitsBox(values: readonly unknown[], cells: number): boolean {
  let units = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (typeof value === "string") units += value.length;
    else if (
      value !== undefined && value !== null && typeof value !== "number" &&
      typeof value !== "boolean"
    ) return false;
  }
  return (cells + 2 * values.length) * 8 + units * 2 <= boxBytes;
}

/**
 * One direction's box: the reader opens, closes and reads it; the writer claims, fills and seals it.
 *
 * @example
 * ```ts
 * import { Mailbox } from "./_mailbox.ts";
 * const reader = new Mailbox();
 * const writer = new Mailbox(reader.buffer); // in another thread, from the same buffer
 * reader.open();
 * if (writer.claim()) {
 *   writer.write([], [7, "seven"]);
 *   writer.seal();
 * }
 * console.log(reader.full, reader.read(0, 2)); // true [ 7, "seven" ]
 * ```
 */
export class Mailbox {
  /** For the other side's {@linkcode Mailbox}. */
  readonly buffer: SharedArrayBuffer;
  readonly #state: Int32Array;
  readonly #cells: Float64Array;
  readonly #units: Uint16Array;
  /** Where the next string's code units go, or come from, while writing or reading. */
  #unit = 0;

  constructor(buffer: SharedArrayBuffer = new SharedArrayBuffer(headerBytes + boxBytes)) {
    this.buffer = buffer;
    this.#state = new Int32Array(buffer, 0, 1);
    this.#cells = new Float64Array(buffer, headerBytes, cellCount);
    this.#units = new Uint16Array(buffer, headerBytes, boxBytes / 2);
  }

  /** Reader: starts looking here (a box already open or full stays so). */
  open(): void {
    Atomics.compareExchange(this.#state, 0, CLOSED, OPEN);
  }

  /**
   * Reader: stops looking; false when a message was claimed meanwhile: it must be waited for
   * ({@linkcode Mailbox.full}) and read, and the box closes after that read.
   */
  close(): boolean {
    const state = Atomics.compareExchange(this.#state, 0, OPEN, CLOSED);
    return state === OPEN || state === CLOSED;
  }

  /** Reader: whether a message waits. */
  get full(): boolean {
    return Atomics.load(this.#state, 0) === FULL;
  }

  /** Writer: takes the box if it is open and empty; only then may it write and seal. */
  claim(): boolean {
    return Atomics.compareExchange(this.#state, 0, OPEN, WRITING) === OPEN;
  }

  /** Writer: puts the cell values `head`, then `values` (checked with {@linkcode fitsBox}). */
  write(head: readonly number[], values: readonly unknown[]): void {
    const cells = this.#cells;
    for (let i = 0; i < head.length; i++) cells[i] = head[i];
    let cell = head.length;
    this.#unit = (head.length + 2 * values.length) * 4;
    for (let i = 0; i < values.length; i++, cell += 2) this.#put(cell, values[i]);
  }

  /** Writer: makes the message visible to the reader. */
  seal(): void {
    Atomics.store(this.#state, 0, FULL);
  }

  /** Reader: cell `index` of the waiting message. */
  cell(index: number): number {
    return this.#cells[index];
  }

  /** Reader: the `count` values after `head` cells; the box closes (the message is taken). */
  read(head: number, count: number): unknown[] {
    const values = new Array<unknown>(count);
    this.#unit = (head + 2 * count) * 4;
    for (let i = 0, cell = head; i < count; i++, cell += 2) values[i] = this.#take(cell);
    Atomics.store(this.#state, 0, CLOSED);
    return values;
  }

  #put(cell: number, value: unknown): void {
    const cells = this.#cells;
    switch (typeof value) {
      case "number":
        cells[cell] = NUMBER;
        cells[cell + 1] = value;
        return;
      case "string": {
        cells[cell] = STRING;
        cells[cell + 1] = value.length;
        const units = this.#units;
        for (let i = 0, at = this.#unit; i < value.length; i++) units[at + i] = value.charCodeAt(i);
        this.#unit += value.length;
        return;
      }
      case "boolean":
        cells[cell] = value ? TRUE : FALSE;
        return;
      default:
        cells[cell] = value === null ? NULL : UNDEFINED;
    }
  }

  #take(cell: number): unknown {
    const cells = this.#cells;
    switch (cells[cell]) {
      case NUMBER:
        return cells[cell + 1];
      case STRING: {
        const length = cells[cell + 1];
        const at = this.#unit;
        this.#unit += length;
        return stringOf(this.#units, at, length);
      }
      case TRUE:
        return true;
      case FALSE:
        return false;
      case NULL:
        return null;
      default:
        return undefined;
    }
  }
}

/** The string of `length` UTF-16 code units at `at` (lone surrogates kept). */
function stringOf(units: Uint16Array, at: number, length: number): string {
  let text = "";
  for (let start = at, end = at + length; start < end; start += 1024) {
    const stop = Math.min(end, start + 1024);
    text += String.fromCharCode.apply(null, Array.from(units.subarray(start, stop)));
  }
  return text;
}
