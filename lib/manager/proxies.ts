/**
 * Proxies to objects held by a {@linkcode Manager}'s server (Python:
 * `multiprocessing.managers.BaseProxy` and friends). Every method is async.
 * A proxy passed to a Process, Pool or executor — on either backend —
 * arrives in the worker as a proxy to the same object.
 *
 * @module
 */
import { ManagerProxy } from "./proxy.ts";
import { checkTimeout } from "../_validate.ts";

/**
 * `manager.dict()`: a shared dictionary (Python: `DictProxy`).
 *
 * @example
 * ```ts
 * import { Manager } from "./manager.ts";
 * await using manager = await Manager.start();
 * const d = await manager.dict({ a: 1 });
 * await d.set("b", 2);
 * console.log(await d.toObject()); // { a: 1, b: 2 }
 * ```
 */
export class DictProxy<K = string, V = unknown> extends ManagerProxy {
  /** The value for `key`, or `fallback`. */
  get(key: K, fallback?: V): Promise<V | undefined> {
    return this.call("get", key, fallback) as Promise<V | undefined>;
  }
  /** Sets `key` (Python: `d[key] = value`). */
  set(key: K, value: V): Promise<void> {
    return this.write("set", key, value);
  }
  /** Removes `key`; whether it was there (Python: `del d[key]`). */
  delete(key: K): Promise<boolean> {
    return this.call("delete", key) as Promise<boolean>;
  }
  /** Whether `key` is there (Python: `key in d`). */
  has(key: K): Promise<boolean> {
    return this.call("has", key) as Promise<boolean>;
  }
  /** The keys. */
  keys(): Promise<K[]> {
    return this.call("keys") as Promise<K[]>;
  }
  /** The values. */
  values(): Promise<V[]> {
    return this.call("values") as Promise<V[]>;
  }
  /** The `[key, value]` pairs. */
  items(): Promise<[K, V][]> {
    return this.call("items") as Promise<[K, V][]>;
  }
  /** Number of keys (Python: `len(d)`). */
  size(): Promise<number> {
    return this.call("size") as Promise<number>;
  }
  /** Removes every key. */
  clear(): Promise<void> {
    return this.write("clear");
  }
  /** Sets many keys from an object or a Map. */
  update(entries: Record<string, V> | Map<K, V>): Promise<void> {
    return this.write("update", entries);
  }
  /** Removes `key` and returns its value, or `fallback`; without one a missing key is a RangeError. */
  pop(key: K, ...fallback: [V?]): Promise<V> {
    return this.call("pop", key, ...fallback) as Promise<V>;
  }
  /** The value of `key`, setting it to `value` first if missing (Python: `setdefault`). */
  setDefault(key: K, value: V): Promise<V> {
    return this.call("setDefault", key, value) as Promise<V>;
  }
  /** Adds `delta` to the number at `key` (starting from `initial`) atomically; the new value. */
  add(key: K, delta: number, initial = 0): Promise<number> {
    return this.call("add", key, delta, initial) as Promise<number>;
  }
  /** Removes and returns the entry added last (Python: `popitem()`; RangeError when empty). */
  popItem(): Promise<[K, V]> {
    return this.call("popItem") as Promise<[K, V]>;
  }
  /** A plain object of the entries; keys become strings (use `toMap()` to keep their types). */
  toObject(): Promise<Record<string, V>> {
    return this.call("toObject") as Promise<Record<string, V>>;
  }
  /** A Map copy. */
  toMap(): Promise<Map<K, V>> {
    return this.call("toMap") as Promise<Map<K, V>>;
  }
}

/**
 * `manager.list()`: a shared list (Python: `ListProxy`). Negative indexes count from the end.
 *
 * @example
 * ```ts
 * import { Manager } from "./manager.ts";
 * await using manager = await Manager.start();
 * const l = await manager.list([1]);
 * await l.append(2);
 * console.log(await l.toArray()); // [1, 2]
 * ```
 */
export class ListProxy<T = unknown> extends ManagerProxy {
  /** Adds an item at the end. */
  append(item: T): Promise<void> {
    return this.write("append", item);
  }
  /** Adds items at the end. */
  extend(items: readonly T[]): Promise<void> {
    return this.write("extend", items);
  }
  /** The item at `index` (RangeError when out of range). */
  get(index: number): Promise<T> {
    return this.call("get", index) as Promise<T>;
  }
  /** Replaces the item at `index`. */
  set(index: number, item: T): Promise<void> {
    return this.write("set", index, item);
  }
  /** Inserts before `index`. */
  insert(index: number, item: T): Promise<void> {
    return this.call("insert", index, item) as Promise<void>;
  }
  /** Removes and returns the item at `index` (the last by default). */
  pop(index = -1): Promise<T> {
    return this.call("pop", index) as Promise<T>;
  }
  /** Removes the first `item` (RangeError if absent). */
  remove(item: T): Promise<void> {
    return this.call("remove", item) as Promise<void>;
  }
  /** The index of the first `item` (RangeError if absent). */
  index(item: T): Promise<number> {
    return this.call("index", item) as Promise<number>;
  }
  /** How many times `item` occurs. */
  count(item: T): Promise<number> {
    return this.call("count", item) as Promise<number>;
  }
  /** Number of items (Python: `len(l)`). */
  length(): Promise<number> {
    return this.call("length") as Promise<number>;
  }
  /** A copy of `[start, end)`. */
  slice(start?: number, end?: number): Promise<T[]> {
    return this.call("slice", start, end) as Promise<T[]>;
  }
  /** A copy of all items. */
  toArray(): Promise<T[]> {
    return this.call("toArray") as Promise<T[]>;
  }
  /** Removes every item. */
  clear(): Promise<void> {
    return this.write("clear");
  }
  /** Whether an item equal to `item` is in the list (Python: `item in l`). */
  includes(item: T): Promise<boolean> {
    return this.call("includes", item) as Promise<boolean>;
  }
  /** Reverses the list in place, on the server. */
  reverse(): Promise<void> {
    return this.write("reverse");
  }
  /**
   * Sorts in place, on the server, as Python does: numbers numerically, strings by code point,
   * lists element by element (a `TypeError` for a mix). `{ reverse: true }` sorts descending.
   */
  sort(options: { readonly reverse?: boolean } = {}): Promise<void> {
    return this.call("sort", options.reverse === true) as Promise<void>;
  }
  /** Replaces `[start, end)` with `items` (Python: `l[start:end] = items`). */
  setSlice(start: number | undefined, end: number | undefined, items: readonly T[]): Promise<void> {
    return this.call("setSlice", start, end, items) as Promise<void>;
  }
  /** Removes `[start, end)` (Python: `del l[start:end]`). */
  deleteSlice(start?: number, end?: number): Promise<void> {
    return this.call("deleteSlice", start, end) as Promise<void>;
  }
}

/**
 * `manager.Namespace()`: named attributes (Python: `NamespaceProxy`; `ns.x` becomes `await ns.get("x")`).
 *
 * @example
 * ```ts
 * import { Manager } from "./manager.ts";
 * await using manager = await Manager.start();
 * const ns = await manager.Namespace({ x: 1 });
 * await ns.set("y", 2);
 * console.log(await ns.toObject()); // { x: 1, y: 2 }
 * ```
 */
export class NamespaceProxy extends ManagerProxy {
  /** The attribute's value (RangeError if it has none). */
  get<T = unknown>(name: string): Promise<T> {
    return this.call("get", name) as Promise<T>;
  }
  /** Sets an attribute. */
  set(name: string, value: unknown): Promise<void> {
    return this.write("set", name, value);
  }
  /** Removes an attribute; whether it was there. */
  delete(name: string): Promise<boolean> {
    return this.call("delete", name) as Promise<boolean>;
  }
  /** All attributes as an object. */
  toObject(): Promise<Record<string, unknown>> {
    return this.call("toObject") as Promise<Record<string, unknown>>;
  }
}

/**
 * `manager.Value(typecode, value)` (Python: `ValueProxy`): `get`, `set`, and an atomic `add`.
 *
 * @example
 * ```ts
 * import { Manager } from "./manager.ts";
 * await using manager = await Manager.start();
 * const counter = await manager.Value("i", 0);
 * await counter.add(5);
 * console.log(await counter.get()); // 5
 * ```
 */
export class ValueProxy<T extends number | bigint = number> extends ManagerProxy {
  /** The value (Python: `v.value`). */
  get(): Promise<T> {
    return this.call("get") as Promise<T>;
  }
  /** Sets the value (Python: `v.value = x`), converted to the typecode. */
  set(value: T): Promise<void> {
    return this.write("set", value);
  }
  /** Adds `delta` atomically and returns the new value. */
  add(delta: T): Promise<T> {
    return this.call("add", delta) as Promise<T>;
  }
}

/**
 * `manager.Array(typecode, items)` (Python: `ArrayProxy`).
 *
 * @example
 * ```ts
 * import { Manager } from "./manager.ts";
 * await using manager = await Manager.start();
 * const a = await manager.Array("d", [1, 2]);
 * await a.set(0, 3.5);
 * console.log(await a.toArray()); // [3.5, 2]
 * ```
 */
export class ArrayProxy<T extends number | bigint = number> extends ManagerProxy {
  /** The item at `index` (RangeError when out of range). */
  get(index: number): Promise<T> {
    return this.call("get", index) as Promise<T>;
  }
  /** Sets the item at `index`. */
  set(index: number, value: T): Promise<void> {
    return this.write("set", index, value);
  }
  /** Adds `delta` to the item at `index` atomically; the new value. */
  add(index: number, delta: T): Promise<T> {
    return this.call("add", index, delta) as Promise<T>;
  }
  /** Number of items. */
  length(): Promise<number> {
    return this.call("length") as Promise<number>;
  }
  /** A copy of the items. */
  toArray(): Promise<T[]> {
    return this.call("toArray") as Promise<T[]>;
  }
}

/** Options with a timeout. */
export interface TimeoutOptions {
  /** How long to wait at most, in ms; `0` = do not wait. */
  readonly timeoutMs?: number;
}

/**
 * `manager.Queue(maxsize)` (Python: a managed `queue.Queue`): `put`/`get` with `timeoutMs`
 * (`0` = non-blocking: `QueueFullError`/`QueueEmptyError` at once).
 *
 * @example
 * ```ts
 * import { Manager } from "./manager.ts";
 * await using manager = await Manager.start();
 * const q = await manager.Queue<string>();
 * await q.put("job");
 * console.log(await q.get()); // "job"
 * ```
 */
export class QueueProxy<T = unknown> extends ManagerProxy {
  /** Adds an item, waiting while the queue is full. */
  put(item: T, options: TimeoutOptions = {}): Promise<void> {
    return this.call(
      "put",
      item,
      checkTimeout("put item", "timeoutMs", options.timeoutMs),
    ) as Promise<
      void
    >;
  }
  /** Removes and returns the next item, waiting while the queue is empty. */
  get(options: TimeoutOptions = {}): Promise<T> {
    return this.call("get", checkTimeout("get item", "timeoutMs", options.timeoutMs)) as Promise<T>;
  }
  /** `put` without waiting (Python: `put_nowait`). */
  putNowait(item: T): Promise<void> {
    return this.call("put", item, 0) as Promise<void>;
  }
  /** `get` without waiting (Python: `get_nowait`). */
  getNowait(): Promise<T> {
    return this.call("get", 0) as Promise<T>;
  }
  /** Number of items. */
  qsize(): Promise<number> {
    return this.call("qsize") as Promise<number>;
  }
  /** Whether it is empty. */
  empty(): Promise<boolean> {
    return this.call("empty") as Promise<boolean>;
  }
  /** Whether it is full. */
  full(): Promise<boolean> {
    return this.call("full") as Promise<boolean>;
  }
}

/**
 * `manager.JoinableQueue(maxsize)`: a queue whose consumers call `taskDone()` and whose
 * producers can `join()` until every item was done.
 *
 * @example
 * ```ts
 * import { Manager } from "./manager.ts";
 * await using manager = await Manager.start();
 * const q = await manager.JoinableQueue<number>();
 * await q.put(1);
 * await q.get();
 * await q.taskDone();
 * await q.join(); // resolves: nothing unfinished
 * ```
 */
export class JoinableQueueProxy<T = unknown> extends QueueProxy<T> {
  /** Marks one got item as done (a ProcessError when called too many times). */
  taskDone(): Promise<void> {
    return this.call("taskDone") as Promise<void>;
  }
  /** Waits until every item put has been marked done. */
  join(): Promise<void> {
    return this.call("join") as Promise<void>;
  }
}
