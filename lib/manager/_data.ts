/**
 * The data a manager's server holds for its proxies: dict, list, Namespace,
 * Value, Array and the queues. Each answers only its own named methods.
 *
 * @module
 */
import { checkTypecode, isBigTypecode, sharedView, type Typecode } from "../shared/_typecodes.ts";
import { deadlineOf, remaining, Waiters } from "./_waiters.ts";
import { EOFError, ProcessError, QueueEmptyError, QueueFullError } from "../errors.ts";
import { pythonCompare, pythonEquals, pythonIndex, sliceBounds } from "./_python_values.ts";

/** An object served by a manager. `caller` identifies the client connection. */
export interface Managed {
  call(method: string, args: readonly unknown[], caller: number): unknown;
}

/** The error for a method a managed object does not have. */
export function unknownMethod(kind: string, method: string): never {
  throw new TypeError(`Cannot call '${method}' on a managed ${kind}: no such method`);
}

function keyError(key: unknown): RangeError {
  return new RangeError(
    `Key not found: ${typeof key === "string" ? JSON.stringify(key) : String(key)}`,
  );
}

/** `manager.dict()`: a Map on the server. */
export class ManagedDict implements Managed {
  readonly #map: Map<unknown, unknown>;

  constructor(init?: unknown) {
    this.#map = new Map(
      init instanceof Map ? init : init && typeof init === "object" ? Object.entries(init) : [],
    );
  }

  call(method: string, args: readonly unknown[]): unknown {
    const map = this.#map;
    const [key, value] = args;
    switch (method) {
      case "get":
        return map.has(key) ? map.get(key) : value;
      case "set":
        map.set(key, value);
        return undefined;
      case "delete":
        return map.delete(key);
      case "has":
        return map.has(key);
      case "keys":
        return [...map.keys()];
      case "values":
        return [...map.values()];
      case "items":
        return [...map.entries()];
      case "size":
        return map.size;
      case "clear":
        map.clear();
        return undefined;
      case "update":
        for (const [k, v] of key instanceof Map ? key : Object.entries(key as object)) {
          map.set(k, v);
        }
        return undefined;
      case "pop": {
        if (!map.has(key)) {
          if (args.length > 1) return value;
          throw keyError(key);
        }
        const found = map.get(key);
        map.delete(key);
        return found;
      }
      case "setDefault":
        if (!map.has(key)) map.set(key, value);
        return map.get(key);
      case "add": {
        const next = ((map.get(key) ?? args[2] ?? 0) as number) + (value as number);
        map.set(key, next);
        return next;
      }
      case "popItem": {
        if (map.size === 0) throw new RangeError("popItem(): the dictionary is empty");
        const last = [...map.keys()].at(-1);
        const found = map.get(last);
        map.delete(last);
        return [last, found];
      }
      case "toObject":
        return Object.fromEntries(map);
      case "toMap":
        return new Map(map);
    }
    return unknownMethod("dict", method);
  }
}

/** `manager.list()`: an array on the server. */
export class ManagedList implements Managed {
  readonly #items: unknown[];

  constructor(init?: unknown) {
    this.#items = Array.isArray(init) ? [...init] : [];
  }

  call(method: string, args: readonly unknown[]): unknown {
    const items = this.#items;
    switch (method) {
      case "append":
        items.push(args[0]);
        return undefined;
      case "extend":
        items.push(...(args[0] as unknown[]));
        return undefined;
      case "get":
        return items[pythonIndex(items, args[0])];
      case "set":
        items[pythonIndex(items, args[0])] = args[1];
        return undefined;
      case "insert":
        items.splice(Math.min(Number(args[0]), items.length), 0, args[1]);
        return undefined;
      case "pop":
        return items.splice(pythonIndex(items, args[0] ?? -1), 1)[0];
      case "remove": {
        const index = items.findIndex((item) => pythonEquals(item, args[0]));
        if (index < 0) throw new RangeError(`Value not in list: ${String(args[0])}`);
        items.splice(index, 1);
        return undefined;
      }
      case "index": {
        const index = items.findIndex((item) => pythonEquals(item, args[0]));
        if (index < 0) throw new RangeError(`Value not in list: ${String(args[0])}`);
        return index;
      }
      case "count":
        return items.filter((item) => pythonEquals(item, args[0])).length;
      case "includes":
        return items.some((item) => pythonEquals(item, args[0]));
      case "reverse":
        items.reverse();
        return undefined;
      case "sort": {
        const sorted = [...items].sort(pythonCompare); // a mixed list throws before any change
        if (args[0] === true) sorted.reverse();
        items.splice(0, items.length, ...sorted);
        return undefined;
      }
      case "setSlice": {
        const [start, end] = sliceBounds(items.length, args[0], args[1]);
        items.splice(start, end - start, ...(args[2] as unknown[]));
        return undefined;
      }
      case "deleteSlice": {
        const [start, end] = sliceBounds(items.length, args[0], args[1]);
        items.splice(start, end - start);
        return undefined;
      }
      case "length":
        return items.length;
      case "slice":
        return items.slice(args[0] as number | undefined, args[1] as number | undefined);
      case "toArray":
        return [...items];
      case "clear":
        items.length = 0;
        return undefined;
    }
    return unknownMethod("list", method);
  }
}

/** `manager.Namespace()`: named attributes on the server. */
export class ManagedNamespace implements Managed {
  readonly #attributes = new Map<string, unknown>();

  constructor(init?: unknown) {
    for (const [k, v] of Object.entries((init as object) ?? {})) this.#attributes.set(k, v);
  }

  call(method: string, args: readonly unknown[]): unknown {
    const name = String(args[0]);
    switch (method) {
      case "get":
        if (!this.#attributes.has(name)) {
          throw new RangeError(`Namespace has no attribute ${JSON.stringify(name)}`);
        }
        return this.#attributes.get(name);
      case "set":
        this.#attributes.set(name, args[1]);
        return undefined;
      case "delete":
        return this.#attributes.delete(name);
      case "toObject":
        return Object.fromEntries(this.#attributes);
    }
    return unknownMethod("Namespace", method);
  }
}

type NumberView = ArrayLike<number | bigint> & { [index: number]: number | bigint };

/** `manager.Value(typecode, v)` and `manager.Array(typecode, init)`: typed storage on the server. */
export class ManagedNumbers implements Managed {
  readonly #typecode: Typecode;
  readonly #view: NumberView;
  readonly #single: boolean;

  constructor(typecode: unknown, init: unknown, single: boolean) {
    this.#typecode = checkTypecode(single ? "create Value" : "create Array", typecode);
    const values = single ? [init ?? 0] : typeof init === "number" ? init : init as unknown[];
    const length = typeof values === "number" ? values : (values as unknown[]).length;
    this.#view = sharedView(this.#typecode, length) as unknown as NumberView;
    this.#single = single;
    if (typeof values !== "number") {
      (values as unknown[]).forEach((v, i) => this.#view[i] = this.#coerce(v));
    }
  }

  #coerce(value: unknown): number | bigint {
    return isBigTypecode(this.#typecode) ? BigInt(value as bigint) : Number(value);
  }

  #index(value: unknown): number {
    const i = Number(value);
    if (!Number.isInteger(i) || i < 0 || i >= this.#view.length) {
      throw new RangeError(
        `Array index out of range: ${String(value)} (length ${this.#view.length})`,
      );
    }
    return i;
  }

  call(method: string, args: readonly unknown[]): unknown {
    const view = this.#view;
    const [i, v] = this.#single ? [0, args[0]] : [this.#index(args[0] ?? 0), args[1]];
    switch (method) {
      case "get":
        return view[i];
      case "set":
        view[i] = this.#coerce(v);
        return undefined;
      case "add":
        view[i] = (view[i] as number) + (this.#coerce(v) as number);
        return view[i];
      case "length":
        return view.length;
      case "toArray":
        return Array.from(view);
    }
    return unknownMethod(this.#single ? "Value" : "Array", method);
  }
}

/** `manager.Queue(maxsize)` and `manager.JoinableQueue(maxsize)`. */
export class ManagedQueue implements Managed {
  readonly #items: unknown[] = [];
  readonly #maxsize: number;
  readonly #joinable: boolean;
  readonly #getters = new Waiters();
  readonly #putters = new Waiters();
  readonly #joiners = new Waiters();
  #unfinished = 0;

  constructor(maxsize: unknown, joinable: boolean) {
    this.#maxsize = Number(maxsize ?? 0);
    if (!Number.isInteger(this.#maxsize)) {
      throw new TypeError(
        `Cannot create queue as 'maxsize' must be an integer: received ${String(maxsize)}`,
      );
    }
    this.#joinable = joinable;
  }

  #full(): boolean {
    return this.#maxsize > 0 && this.#items.length >= this.#maxsize;
  }

  async #put(item: unknown, timeoutMs: number | undefined): Promise<void> {
    const deadline = deadlineOf(timeoutMs);
    while (this.#full()) {
      if (!await this.#putters.wait(remaining(deadline))) {
        throw new QueueFullError("The queue is full");
      }
    }
    this.#items.push(item);
    if (this.#joinable) this.#unfinished++;
    this.#getters.wake();
  }

  async #get(timeoutMs: number | undefined): Promise<unknown> {
    const deadline = deadlineOf(timeoutMs);
    while (this.#items.length === 0) {
      if (!await this.#getters.wait(remaining(deadline))) {
        throw new QueueEmptyError("The queue is empty");
      }
    }
    const item = this.#items.shift();
    this.#putters.wake();
    return item;
  }

  call(method: string, args: readonly unknown[]): unknown {
    switch (method) {
      case "put":
        return this.#put(args[0], args[1] as number | undefined);
      case "get":
        return this.#get(args[0] as number | undefined);
      case "qsize":
        return this.#items.length;
      case "empty":
        return this.#items.length === 0;
      case "full":
        return this.#full();
    }
    if (this.#joinable) {
      switch (method) {
        case "taskDone":
          if (this.#unfinished <= 0) throw new ProcessError("taskDone() called too many times");
          if (--this.#unfinished === 0) this.#joiners.wakeAll();
          return undefined;
        case "join":
          return this.#unfinished === 0 ? undefined : this.#joiners.wait().then(() => undefined);
      }
    }
    return unknownMethod(this.#joinable ? "JoinableQueue" : "Queue", method);
  }
}

/** `manager.Pipe(duplex)`: two ends, each with an inbox; end 0 receives only when not duplex. */
export class ManagedPipe implements Managed {
  readonly #inboxes: [unknown[], unknown[]] = [[], []];
  readonly #arrivals: [Waiters, Waiters] = [new Waiters(), new Waiters()];
  readonly #closed: [boolean, boolean] = [false, false];
  readonly #duplex: boolean;

  constructor(duplex: unknown) {
    this.#duplex = duplex !== false;
  }

  #send(side: 0 | 1, item: unknown): void {
    if (this.#closed[side]) throw new ProcessError("Cannot send on a closed connection");
    if (!this.#duplex && side === 0) {
      throw new ProcessError("Cannot send on the receiving end of a one-way pipe");
    }
    const other = (1 - side) as 0 | 1;
    if (this.#closed[other]) throw new EOFError("Cannot send: the other end of the pipe is closed");
    this.#inboxes[other].push(item);
    this.#arrivals[other].wake();
  }

  async #recv(side: 0 | 1, timeoutMs: number | undefined): Promise<unknown> {
    if (this.#closed[side]) throw new ProcessError("Cannot receive on a closed connection");
    if (!this.#duplex && side === 1) {
      throw new ProcessError("Cannot receive on the sending end of a one-way pipe");
    }
    const deadline = deadlineOf(timeoutMs);
    while (this.#inboxes[side].length === 0) {
      if (this.#closed[1 - side]) throw new EOFError("The other end of the pipe is closed");
      if (!await this.#arrivals[side].wait(remaining(deadline))) {
        throw new QueueEmptyError("Nothing arrived in time");
      }
    }
    return this.#inboxes[side].shift();
  }

  async #poll(side: 0 | 1, timeoutMs: number | undefined): Promise<boolean> {
    const ready = () => this.#inboxes[side].length > 0 || this.#closed[1 - side];
    if (ready() || !timeoutMs) return ready();
    await this.#arrivals[side].wait(timeoutMs);
    return ready();
  }

  call(method: string, args: readonly unknown[]): unknown {
    const side = args[0] === 1 ? 1 : 0;
    switch (method) {
      case "send":
        return this.#send(side, args[1]);
      case "recv":
        return this.#recv(side, args[1] as number | undefined);
      case "poll":
        return this.#poll(side, args[1] as number | undefined);
      case "close":
        this.#closed[side] = true;
        this.#arrivals[1 - side].wakeAll();
        return undefined;
    }
    return unknownMethod("Pipe", method);
  }
}
