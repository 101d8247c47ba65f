/**
 * Numbers of one typecode in shared memory: the storage under `RawValue`/`Value`
 * and `RawArray`/`SharedArray`. Made new, or over the memory of a handle being
 * revived; each element is checked on the way in, and read and written
 * atomically where the typecode allows (the integer ones up to 32 bits).
 *
 * @module
 */
import {
  checkElement,
  checkTypecode,
  isAtomicTypecode,
  sharedView,
  type Typecode,
  type ValueOf,
  type ViewOf,
} from "./_typecodes.ts";

/** How the cells cross to a worker. */
export interface CellsState {
  readonly typecode: Typecode;
  readonly buffer: SharedArrayBuffer;
  readonly length: number;
}

/**
 * Shared cells of typecode `T`.
 *
 * @example
 * ```ts
 * import { SharedCells } from "./_shared_cells.ts";
 * const cells = new SharedCells(undefined, "create example", "i", () => [1, 2]);
 * cells.store("set example", 1, 5);
 * console.log(cells.load(1), cells.view.length); // 5 2
 * ```
 */
export class SharedCells<T extends Typecode> {
  /** The typecode, checked. */
  readonly typecode: T;
  /** The typed array over the shared memory. */
  readonly view: ViewOf<T>;
  readonly #atomic: boolean;

  /**
   * Cells over `adopted`'s memory when a handle is being revived; else new ones
   * of `typecode` (checked for `action`), holding `initial()`: a length (zeros)
   * or the values.
   */
  constructor(
    adopted: CellsState | undefined,
    action: string,
    typecode: T,
    initial: () => number | Iterable<unknown>,
  ) {
    if (adopted) {
      this.typecode = adopted.typecode as T;
      this.view = sharedView(this.typecode, adopted.length, adopted.buffer);
    } else {
      this.typecode = checkTypecode(action, typecode) as T;
      const init = initial();
      const items = typeof init === "number"
        ? undefined
        : Array.from(init, (item) => checkElement(action, this.typecode, item));
      this.view = sharedView(this.typecode, items?.length ?? init as number);
      if (items) (this.view as unknown as { set(values: ArrayLike<unknown>): void }).set(items);
    }
    this.#atomic = isAtomicTypecode(this.typecode);
  }

  /** The element at `index` (in range). */
  load(index: number): ValueOf<T> {
    const view = this.view;
    return (this.#atomic ? Atomics.load(view as Int32Array, index) : view[index]) as ValueOf<T>;
  }

  /** Sets the element at `index` (in range) to `value`, checked for `action`. */
  store(action: string, index: number, value: unknown): void {
    const checked = checkElement(action, this.typecode, value);
    if (this.#atomic) Atomics.store(this.view as Int32Array, index, checked as number);
    else this.view[index] = checked;
  }

  /** What crosses to a worker. */
  state(): CellsState {
    const { typecode, view } = this;
    return { typecode, buffer: view.buffer as SharedArrayBuffer, length: view.length };
  }
}
