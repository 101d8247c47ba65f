/**
 * `Value` and `RawValue`: one number in shared memory (Python:
 * `multiprocessing.Value`, `multiprocessing.sharedctypes.RawValue`).
 *
 * @module
 */
import { type HandleDescriptor, toDescriptor } from "../task/values.ts";
import { Adoption } from "../_adoption.ts";
import type { Typecode, ValueOf } from "./_typecodes.ts";
import { type CellsState, SharedCells } from "./_shared_cells.ts";
import {
  type LockState,
  lockState,
  synchronizedLock,
  type SynchronizedOptions,
  theLock,
} from "../sync/_synchronized.ts";
import type { Lock, RLock } from "../sync/lock.ts";

export type { Typecode, ValueOf, ViewOf } from "./_typecodes.ts";
export type { SynchronizedOptions } from "../sync/_synchronized.ts";

const rawValueType = "polycore.RawValue";
const valueType = "polycore.Value";

interface ValueState extends CellsState {
  readonly lock?: LockState;
}

const adoption = new Adoption<ValueState>(import.meta.url);

/**
 * One number in shared memory, without a lock (Python: `RawValue(typecode, value)`).
 * Each read and write of `value` is atomic for integer typecodes; a
 * read-modify-write such as `v.value += 1` is not: use {@linkcode Value} and its lock.
 *
 * @example
 * ```ts
 * import { RawValue } from "./shared_value.ts";
 * const big = new RawValue("q", 1n << 40n);
 * console.log(big.value); // 1099511627776n
 * ```
 */
export class RawValue<T extends Typecode = Typecode> {
  readonly #cells: SharedCells<T>;

  /**
   * Creates it (see the class description).
   * @param typecode One of b B h H i I l L q Q f d.
   * @param value The initial value (0).
   */
  constructor(typecode: T, value?: ValueOf<T>) {
    this.#cells = new SharedCells(adoption.state, `create ${new.target.name}`, typecode, () => {
      return value === undefined ? 1 : [value];
    });
  }

  /** The typecode (Python: the ctypes type). */
  get typecode(): T {
    return this.#cells.typecode;
  }

  /** The number (Python: `.value`); a `bigint` for `q`/`Q`. */
  get value(): ValueOf<T> {
    return this.#cells.load(0);
  }

  set value(value: ValueOf<T>) {
    this.#cells.store("set value", 0, value);
  }

  /** @internal What crosses to a worker. */
  protected stateForWorker(): ValueState {
    return this.#cells.state();
  }

  /** Sent to workers as the same memory. */
  [toDescriptor](): { descriptor: HandleDescriptor } {
    return adoption.descriptor(
      this instanceof Value ? valueType : rawValueType,
      this.stateForWorker(),
    );
  }
}

/**
 * One number in shared memory with a lock (Python: `multiprocessing.Value(typecode, value,
 * lock=True)`). `getLock()` returns the RLock to hold around a read-modify-write.
 *
 * @example Count from several workers
 * ```ts
 * import { Value } from "./shared_value.ts";
 * const counter = new Value("i", 0);
 * {
 *   using _ = await counter.getLock().hold();
 *   counter.value += 1;
 * }
 * console.log(counter.value); // 1
 * ```
 */
export class Value<T extends Typecode = Typecode> extends RawValue<T> {
  readonly #lock: Lock | RLock | null;

  /**
   * Creates it (see the class description).
   * @param typecode One of b B h H i I l L q Q f d. @param value The initial value (0).
   * @param options `lock`: `true` (a new RLock), a `Lock`/`RLock` to use, or `false`.
   */
  constructor(typecode: T, value?: ValueOf<T>, options?: SynchronizedOptions) {
    super(typecode, value);
    this.#lock = synchronizedLock(adoption.state, `create Value`, options);
  }

  /** The lock that guards the value (Python: `get_lock()`): an RLock unless one was given. */
  getLock(): Lock | RLock {
    return theLock(this.#lock, "Value");
  }

  /** @internal What crosses to a worker. */
  protected override stateForWorker(): ValueState {
    return { ...super.stateForWorker(), lock: lockState(this.#lock) };
  }
}

adoption.register(rawValueType, (state) => new RawValue(state.typecode));
adoption.register(valueType, (state) => new Value(state.typecode));
