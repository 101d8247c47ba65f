/**
 * `ShareableList`: a fixed-length list of simple values in a `SharedMemory`
 * block (Python: `multiprocessing.shared_memory.ShareableList`).
 *
 * @module
 */
import { type HandleDescriptor, toDescriptor } from "../task/values.ts";
import { Adoption } from "../_adoption.ts";
import { describe } from "../task/values.ts";
import { invalid, outOfRange } from "../_validate.ts";
import { type AttachOptions, reviveSharedMemory, SharedMemory } from "./shared_memory.ts";

/** What a `ShareableList` holds (Python: int, float, bool, str, bytes, None). */
export type ShareableItem = number | bigint | boolean | string | Uint8Array | null;

const shareableListType = "polycore.ShareableList";
const HEADER = 8;
const ENTRY = 16;
const [NULL, NUMBER, BIGINT, BOOLEAN, STRING, BYTES] = [0, 1, 2, 3, 4, 5];

const adoption = new Adoption<SharedMemory>(import.meta.url);

function encode(value: ShareableItem): { tag: number; bytes?: Uint8Array } {
  if (value === null) return { tag: NULL };
  switch (typeof value) {
    case "number":
      return { tag: NUMBER };
    case "bigint":
      return { tag: BIGINT };
    case "boolean":
      return { tag: BOOLEAN };
    case "string":
      return { tag: STRING, bytes: new TextEncoder().encode(value) };
  }
  if (value instanceof Uint8Array) return { tag: BYTES, bytes: value };
  throw new TypeError(
    `Cannot store ${
      describe(value)
    } in a ShareableList as it holds only numbers, bigints, booleans, strings, Uint8Arrays and null`,
  );
}

function capacityOf(value: ShareableItem): number {
  const { bytes } = encode(value);
  return Math.max(8, Math.ceil((bytes?.length ?? 0) / 8) * 8);
}

/**
 * A fixed-length list of numbers, bigints, booleans, strings, bytes and `null`
 * in shared memory (Python: `ShareableList(sequence)`). Each slot keeps the
 * room its first value needed (8 bytes, or a string's UTF-8 length rounded up
 * to 8): a longer string later throws a `RangeError`, as Python's
 * `ValueError`. Reads and writes of a slot are not atomic: guard concurrent
 * writers with a lock. Pass it to a worker, or pass `shm.name` and
 * `await ShareableList.attach(name)` there.
 *
 * @example
 * ```ts
 * import { ShareableList } from "./shareable_list.ts";
 * const list = new ShareableList(["howdy", 42, -273.15, null, true]);
 * list.set(1, 43);
 * console.log(list.toArray()); // ["howdy", 43, -273.15, null, true]
 * list.shm.close();
 * list.shm.unlink();
 * ```
 */
export class ShareableList implements Iterable<ShareableItem> {
  readonly #shm: SharedMemory;
  readonly #table: Int32Array;
  readonly #data: DataView;

  /**
   * Creates it (see the class description).
   * @param sequence The values; their number is fixed.
   * @param options The block's `name`.
   */
  constructor(sequence: Iterable<ShareableItem>, options: { readonly name?: string } = {}) {
    const shm = adoption.state;
    let items: ShareableItem[] = [];
    if (shm) {
      this.#shm = shm;
    } else {
      if (typeof sequence !== "object" || sequence === null || !(Symbol.iterator in sequence)) {
        invalid("create ShareableList", "sequence", "must be an iterable", sequence);
      }
      items = [...sequence];
      const capacities = items.map(capacityOf);
      const start = HEADER + items.length * ENTRY;
      const size = capacities.reduce((sum, c) => sum + c, start);
      this.#shm = new SharedMemory({ size, ...(options.name ? { name: options.name } : {}) });
      new Int32Array(this.#shm.buf.buffer, 0, 1)[0] = items.length;
      const table = new Int32Array(this.#shm.buf.buffer, HEADER, items.length * 4);
      let offset = start;
      capacities.forEach((capacity, i) => {
        table[i * 4 + 1] = offset;
        table[i * 4 + 2] = capacity;
        offset += capacity;
      });
    }
    const buffer = this.#shm.buf.buffer as SharedArrayBuffer;
    const length = new Int32Array(buffer, 0, 1)[0];
    this.#table = new Int32Array(buffer, HEADER, length * 4);
    this.#data = new DataView(buffer);
    items.forEach((item, i) => this.set(i, item));
  }

  /** Attaches to the list stored in the block called `name` (Python: `ShareableList(name=…)`). */
  static async attach(name: string, options?: AttachOptions): Promise<ShareableList> {
    const shm = await SharedMemory.attach(name, options);
    return adoption.revive(shm, () => new ShareableList([]));
  }

  /** The block the list lives in (Python: `shm`). */
  get shm(): SharedMemory {
    return this.#shm;
  }

  /** The number of items (Python: `len(sl)`). */
  get length(): number {
    return this.#table.length / 4;
  }

  #slot(action: string, index: unknown): number {
    const length = this.length;
    if (typeof index !== "number") invalid(action, "index", "must be an integer", index);
    if (!Number.isInteger(index) || index < -length || index >= length) {
      outOfRange(action, "index", `must be an integer from ${-length} to ${length - 1}`, index);
    }
    return (index < 0 ? index + length : index) * 4;
  }

  /** The item at `index` (Python: `sl[i]`); negative indexes count from the end. */
  get(index: number): ShareableItem {
    const slot = this.#slot("get ShareableList item", index);
    const [tag, offset, , length] = this.#table.subarray(slot, slot + 4);
    switch (tag) {
      case NUMBER:
        return this.#data.getFloat64(offset, true);
      case BIGINT:
        return this.#data.getBigInt64(offset, true);
      case BOOLEAN:
        return this.#data.getUint8(offset) === 1;
      case STRING:
        return new TextDecoder().decode(new Uint8Array(this.#data.buffer, offset, length).slice());
      case BYTES:
        return new Uint8Array(this.#data.buffer, offset, length).slice();
    }
    return null;
  }

  /** Replaces the item at `index` (Python: `sl[i] = v`); it must fit the slot. */
  set(index: number, value: ShareableItem): void {
    const slot = this.#slot("set ShareableList item", index);
    const { tag, bytes } = encode(value);
    const offset = this.#table[slot + 1];
    const capacity = this.#table[slot + 2];
    if (bytes && bytes.length > capacity) {
      outOfRange(
        "set ShareableList item",
        "value",
        `must fit the slot's ${capacity} bytes`,
        `${bytes.length} bytes`,
      );
    }
    if (tag === NUMBER) this.#data.setFloat64(offset, value as number, true);
    else if (tag === BIGINT) this.#data.setBigInt64(offset, value as bigint, true);
    else if (tag === BOOLEAN) this.#data.setUint8(offset, value ? 1 : 0);
    else if (bytes) new Uint8Array(this.#data.buffer, offset, bytes.length).set(bytes);
    this.#table[slot + 3] = bytes?.length ?? 0;
    this.#table[slot] = tag;
  }

  /** A copy of the items as a plain array (Python: `list(sl)`). */
  toArray(): ShareableItem[] {
    return Array.from({ length: this.length }, (_, i) => this.get(i));
  }

  /** Iterates over the items. */
  [Symbol.iterator](): IterableIterator<ShareableItem> {
    return this.toArray()[Symbol.iterator]();
  }

  /** How many items equal `value` (Python: `count(value)`). */
  count(value: ShareableItem): number {
    return this.toArray().filter((item) => same(item, value)).length;
  }

  /** The first index of `value` (Python: `index(value)`); throws a `RangeError` when absent. */
  index(value: ShareableItem): number {
    const found = this.toArray().findIndex((item) => same(item, value));
    if (found === -1) outOfRange("find ShareableList item", "value", "must be in the list", value);
    return found;
  }

  /** Sent to workers as the same list. */
  [toDescriptor](): { descriptor: HandleDescriptor } {
    return adoption.descriptor(shareableListType, this.#shm[toDescriptor]().descriptor.state);
  }
}

function same(a: ShareableItem, b: ShareableItem): boolean {
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    return a.length === b.length && a.every((byte, i) => byte === b[i]);
  }
  return a === b;
}

adoption.register(shareableListType, () => new ShareableList([]), reviveSharedMemory);
