/**
 * `SharedArray` and `RawArray`: a fixed-length array of numbers in shared
 * memory (Python: `multiprocessing.Array`, `multiprocessing.sharedctypes.RawArray`).
 *
 * @module
 */
import { type HandleDescriptor, toDescriptor } from "../task/values.ts";
import { Adoption } from "../_adoption.ts";
import type { Typecode, ValueOf, ViewOf } from "./_typecodes.ts";
import { type CellsState, SharedCells } from "./_shared_cells.ts";
import { invalid, outOfRange } from "../_validate.ts";
import type { Lock, RLock } from "../sync/lock.ts";
import {
  type LockState,
  lockState,
  synchronizedLock,
  type SynchronizedOptions,
  theLock,
} from "../sync/_synchronized.ts";

const rawArrayType = "polycore.RawArray";
const sharedArrayType = "polycore.SharedArray";
const maxLength = 2 ** 31 - 1;

interface ArrayState extends CellsState {
  readonly lock?: LockState;
}

const adoption = new Adoption<ArrayState>(import.meta.url);

/** A length, or the iterable of initial values (checked by the cells). */
function initialItems(action: string, sizeOrItems: unknown): number | Iterable<unknown> {
  if (typeof sizeOrItems === "number") {
    if (!Number.isInteger(sizeOrItems) || sizeOrItems < 0 || sizeOrItems > maxLength) {
      outOfRange(action, "sizeOrInitializer", "must be an integer length >= 0", sizeOrItems);
    }
    return sizeOrItems;
  }
  if (
    typeof sizeOrItems !== "object" || sizeOrItems === null || !(Symbol.iterator in sizeOrItems)
  ) {
    invalid(action, "sizeOrInitializer", "must be a length or an iterable of values", sizeOrItems);
  }
  return sizeOrItems as Iterable<unknown>;
}

/**
 * A fixed-length array of numbers in shared memory, without a lock (Python:
 * `RawArray(typecode, size_or_initializer)`). `get`/`set` of one element are
 * atomic for integer typecodes; negative indexes count from the end, as in
 * Python; an index out of range throws a `RangeError`. `view` is the typed
 * array over the shared memory itself.
 *
 * @example
 * ```ts
 * import { RawArray } from "./shared_array.ts";
 * const pixels = new RawArray("B", 4);
 * pixels.set(-1, 255);
 * console.log(pixels.toArray()); // [0, 0, 0, 255]
 * ```
 */
export class RawArray<T extends Typecode = Typecode> implements Iterable<ValueOf<T>> {
  readonly #cells: SharedCells<T>;

  /**
   * Creates it (see the class description).
   * @param typecode One of b B h H i I l L q Q f d.
   * @param sizeOrInitializer A length (zero-filled), or the initial values.
   */
  constructor(typecode: T, sizeOrInitializer: number | Iterable<ValueOf<T>>) {
    const action = `create ${new.target.name}`;
    this.#cells = new SharedCells(adoption.state, action, typecode, () => {
      return initialItems(action, sizeOrInitializer);
    });
  }

  /** The typecode (Python: `arr._type_`). */
  get typecode(): T {
    return this.#cells.typecode;
  }

  /** The number of elements (Python: `len(arr)`). */
  get length(): number {
    return this.#cells.view.length;
  }

  /** The typed array over the shared memory: changes are seen by every thread. */
  get view(): ViewOf<T> {
    return this.#cells.view;
  }

  #index(action: string, index: unknown): number {
    const length = this.#cells.view.length;
    if (typeof index !== "number") invalid(action, "index", "must be an integer", index);
    if (!Number.isInteger(index) || index < -length || index >= length) {
      outOfRange(
        action,
        "index",
        length === 0
          ? "is out of range of an empty array"
          : `must be an integer from ${-length} to ${length - 1}`,
        index,
      );
    }
    return index < 0 ? index + length : index;
  }

  /** The element at `index` (Python: `arr[i]`). */
  get(index: number): ValueOf<T> {
    return this.#cells.load(this.#index("get array element", index));
  }

  /** Sets the element at `index` (Python: `arr[i] = v`). */
  set(index: number, value: ValueOf<T>): void {
    this.#cells.store("set array element", this.#index("set array element", index), value);
  }

  /** A copy of the elements as a plain array (Python: `arr[:]` / `list(arr)`). */
  toArray(): ValueOf<T>[] {
    return Array.from(this.#cells.view as unknown as ArrayLike<ValueOf<T>>);
  }

  /** Iterates over the elements (Python: `for x in arr`). */
  [Symbol.iterator](): IterableIterator<ValueOf<T>> {
    const view = this.#cells.view as unknown as Iterable<ValueOf<T>>;
    return view[Symbol.iterator]() as IterableIterator<ValueOf<T>>;
  }

  /** @internal What crosses to a worker. */
  protected stateForWorker(): ArrayState {
    return this.#cells.state();
  }

  /** Sent to workers as the same memory. */
  [toDescriptor](): { descriptor: HandleDescriptor } {
    return adoption.descriptor(
      this instanceof SharedArray ? sharedArrayType : rawArrayType,
      this.stateForWorker(),
    );
  }
}

/**
 * A fixed-length array of numbers in shared memory with a lock (Python:
 * `multiprocessing.Array(typecode, size_or_initializer, lock=True)`, named
 * `SharedArray` so as not to hide JS's `Array`).
 *
 * @example Double every element in a worker
 * ```ts
 * import { Process } from "../process/process.ts";
 * import { SharedArray } from "./shared_array.ts";
 * const arr = new SharedArray("d", [1, 2, 3, 4]);
 * const p = new Process({
 *   target: (a: SharedArray<"d">) => {
 *     for (let i = 0; i < a.length; i++) a.set(i, a.get(i) * 2);
 *   },
 *   args: [arr],
 * });
 * p.start();
 * await p.join();
 * console.log(arr.toArray()); // [2, 4, 6, 8]
 * ```
 */
export class SharedArray<T extends Typecode = Typecode> extends RawArray<T> {
  readonly #lock: Lock | RLock | null;

  /**
   * Creates it (see the class description).
   * @param typecode One of b B h H i I l L q Q f d.
   * @param sizeOrInitializer A length (zero-filled), or the initial values.
   * @param options `lock`: `true` (a new RLock), a `Lock`/`RLock` to use, or `false`.
   */
  constructor(
    typecode: T,
    sizeOrInitializer: number | Iterable<ValueOf<T>>,
    options?: SynchronizedOptions,
  ) {
    super(typecode, sizeOrInitializer);
    this.#lock = synchronizedLock(adoption.state, "create SharedArray", options);
  }

  /** The lock that guards the array (Python: `get_lock()`): an RLock unless one was given. */
  getLock(): Lock | RLock {
    return theLock(this.#lock, "SharedArray");
  }

  /** @internal What crosses to a worker. */
  protected override stateForWorker(): ArrayState {
    return { ...super.stateForWorker(), lock: lockState(this.#lock) };
  }
}

adoption.register(rawArrayType, (state) => new RawArray(state.typecode, 0));
adoption.register(sharedArrayType, (state) => new SharedArray(state.typecode, 0));
