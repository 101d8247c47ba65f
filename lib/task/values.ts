/**
 * Arguments on their way into a worker: handles (locks, shared values,
 * queues, …) become descriptors and come alive again on the other side as the
 * same object; values marked with {@linkcode transfer} move instead of being
 * copied; a value that cannot be cloned is reported by argument position.
 *
 * @module
 */
import type { PortLike, Transferable } from "../../runtimes/types.ts";
import { importModule } from "./_module_loader.ts";

/**
 * The method by which an object says how to send it to a worker, as a
 * {@linkcode Handle} (Python's `__reduce__`, for objects a worker inherits).
 *
 * @example
 * ```ts
 * import { toDescriptor } from "./values.ts";
 * const handle = {
 *   [toDescriptor]: () => ({ descriptor: { module: import.meta.url, type: "Tag", state: 1 } }),
 * };
 * console.log(handle[toDescriptor]().descriptor.type); // "Tag"
 * ```
 */
export const toDescriptor: unique symbol = Symbol.for("polycore.toDescriptor");

/** What crosses the boundary in place of a handle. */
export interface HandleDescriptor {
  /** URL of the module whose import registers {@linkcode HandleDescriptor.type}. */
  readonly module: string;
  /** The name the reviver was registered under. */
  readonly type: string;
  /** Cloneable state the reviver rebuilds the handle from. */
  readonly state: unknown;
  /** Whether the handle needs memory shared with the receiver (a SharedArrayBuffer). */
  readonly sharesMemory?: boolean;
}

/** An object that is sent to workers as a live handle rather than a copy. */
export interface Handle {
  /** Describes the handle; `transfer` lists ports or buffers to move with it. */
  [toDescriptor](): { descriptor: HandleDescriptor; transfer?: readonly Transferable[] };
}

/** Where a handle sat in the arguments, and what it was. */
export interface HandleSlot {
  readonly path: readonly (string | number)[];
  readonly descriptor: HandleDescriptor;
}

/** Arguments ready to post. */
export interface EncodedArgs {
  readonly args: readonly unknown[] | Float64Array;
  readonly handles?: readonly HandleSlot[];
  readonly transfer: Transferable[];
}

type Reviver = (state: unknown) => unknown;
/** Shared by every copy of this module in a thread (the bundled worker entry has its own copy). */
const revivers: Map<string, Reviver> = ((globalThis as Record<symbol, unknown>)[
  Symbol.for("polycore.handleRevivers")
] ??= new Map<string, Reviver>()) as Map<string, Reviver>;

/**
 * Registers how handles of one type come alive in a worker (Python: a
 * `copyreg` reducer, for objects a worker inherits). Call it at the top level
 * of the module named in the handle's descriptor.
 *
 * @example A handle type
 * ```ts
 * import { type Handle, registerHandleType, toDescriptor } from "./values.ts";
 * class Counter implements Handle {
 *   readonly cells: Int32Array;
 *   constructor(cells: Int32Array) {
 *     this.cells = cells;
 *   }
 *   [toDescriptor]() {
 *     return { descriptor: { module: import.meta.url, type: "Counter", state: this.cells } };
 *   }
 * }
 * registerHandleType("Counter", (state) => new Counter(state as Int32Array));
 * ```
 */
export function registerHandleType(type: string, revive: (state: unknown) => unknown): void {
  revivers.set(type, revive);
}

const marked = new WeakSet<object>();

/** Describes a function found inside a task's arguments; `where` names its place. */
type FunctionEncoder = (
  fn: (...args: never[]) => unknown,
  where: string,
  homes: readonly string[],
) => HandleDescriptor;
let encodeFunction: FunctionEncoder | undefined;

/**
 * Lets functions inside arguments travel as references the worker can call
 * (Python pickles a function by reference): `task.ts` registers how, so the
 * worker side never loads it.
 */
export function registerFunctionEncoder(encode: FunctionEncoder): void {
  encodeFunction = encode;
}

/** The handle type of a function inside arguments (revived by `_task_runner.ts`). */
export const functionHandleType = "polycore.function";

function pathText(path: readonly (string | number)[]): string {
  const [first, ...rest] = path;
  return `args[${first}]${
    rest.map((key) => typeof key === "number" ? `[${key}]` : `.${key}`).join("")
  }`;
}

/**
 * Marks an `ArrayBuffer` (or a typed array's buffer, or a `MessagePort`) to be
 * moved to the worker instead of copied: zero-copy, and unusable here after
 * (Python has no counterpart: it always pickles a copy).
 *
 * @example Move a large buffer to a worker
 * ```ts
 * import { transfer } from "./values.ts";
 * const pixels = transfer(new Uint8Array(1 << 20));
 * console.log(pixels.length); // 1048576, until it is sent
 * ```
 */
export function transfer<T extends ArrayBuffer | ArrayBufferView | PortLike>(value: T): T {
  if (value instanceof ArrayBuffer || isMessagePort(value)) marked.add(value);
  else if (ArrayBuffer.isView(value) && value.buffer instanceof ArrayBuffer) marked.add(value);
  else {
    throw new TypeError(
      `Cannot transfer value as it must be an ArrayBuffer, a typed array over one, or a MessagePort: received ${
        describe(value)
      }`,
    );
  }
  return value;
}

function isMessagePort(value: unknown): value is PortLike {
  return typeof MessagePort === "function" && value instanceof MessagePort;
}

function isHandle(value: object): value is Handle {
  return toDescriptor in value;
}

function isPlainContainer(value: object): value is Record<string, unknown> {
  if (Array.isArray(value)) return true;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Finds handles and transfers below `value`; returns `value`, or a copy with handles nulled. */
/**
 * How deeply arguments and results may nest arrays and objects (Python's recursion limit, which
 * pickling a nested list meets, is 1,000 too). Deeper values fail with a `RangeError` on every
 * runtime, instead of overflowing one runtime's stack and not another's.
 */
export const maxNesting = 1_000;

function scan(
  value: unknown,
  path: (string | number)[],
  slots: HandleSlot[],
  transfers: Transferable[],
  homes: readonly string[] | null = [],
): unknown {
  if (path.length > maxNesting && typeof value === "object" && value !== null) {
    throw new RangeError(
      `Cannot send ${
        homes === null ? "a result" : "an argument"
      } that nests arrays and objects deeper than ${maxNesting} levels: flatten it, or send it as a string (JSON.stringify)`,
    );
  }
  if (typeof value === "function" && encodeFunction && homes !== null) {
    const descriptor = encodeFunction(value as () => unknown, pathText(path), homes);
    slots.push({ path: [...path], descriptor });
    return null;
  }
  if (typeof value !== "object" || value === null) return value;
  if (marked.has(value)) {
    transfers.push(ArrayBuffer.isView(value) ? value.buffer as ArrayBuffer : value as Transferable);
    return value;
  }
  if (isHandle(value)) {
    const { descriptor, transfer } = value[toDescriptor]();
    slots.push({ path: [...path], descriptor });
    if (transfer) transfers.push(...transfer);
    return null;
  }
  if (!isPlainContainer(value)) return value;
  let copy: Record<string, unknown> | unknown[] | undefined;
  if (Array.isArray(value)) {
    // By index: Object.keys() would make a string per element of a long array.
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      if ((typeof item !== "object" || item === null) && typeof item !== "function") continue;
      path.push(i);
      const replaced = scan(item, path, slots, transfers, homes);
      path.pop();
      if (replaced !== item) ((copy ??= [...value]) as unknown[])[i] = replaced;
    }
    return copy ?? value;
  }
  for (const key of Object.keys(value)) {
    const index = Array.isArray(value) ? Number(key) : key;
    path.push(index);
    const item = (value as Record<string, unknown>)[key];
    const replaced = scan(item, path, slots, transfers, homes);
    path.pop();
    if (replaced !== item) {
      copy ??= Array.isArray(value) ? [...value] : { ...value };
      (copy as Record<string, unknown>)[key] = replaced;
    }
  }
  return copy ?? value;
}

/**
 * What a result moves instead of copying (values marked with `transfer()`, handles' ports).
 * Functions in it are not sent as references: a result goes back as data.
 */
export function transfersOf(value: unknown): Transferable[] {
  const transfers: Transferable[] = [];
  scan(value, [0], [], transfers, null);
  return transfers;
}

/**
 * Prepares a call's arguments: handles to descriptors, marked values to the transfer list.
 * `homes` are the modules a function inside them may come from when the stack does not say
 * (the task's own: items of a lazy `imap` are encoded after its caller has returned).
 */
export function encodeArgs(args: readonly unknown[], homes: readonly string[] = []): EncodedArgs {
  const slots: HandleSlot[] = [];
  const transfers: Transferable[] = [];
  let encoded: unknown[] | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if ((typeof arg !== "object" || arg === null) && typeof arg !== "function") continue;
    const replaced = scan(arg, [i], slots, transfers, homes);
    if (replaced !== arg) (encoded ??= [...args])[i] = replaced;
  }
  return {
    args: encoded ?? args,
    transfer: transfers,
    ...(slots.length > 0 ? { handles: slots } : {}),
  };
}

/** Brings the handles of received arguments back to life, in place. */
export async function decodeArgs(
  args: unknown[],
  handles: readonly HandleSlot[] | undefined,
): Promise<unknown[]> {
  if (!handles) return args;
  for (const { path, descriptor } of handles) {
    if (!revivers.has(descriptor.type)) await importModule(descriptor.module);
    const revive = revivers.get(descriptor.type);
    if (!revive) {
      throw new TypeError(
        `Cannot revive handle of type '${descriptor.type}': importing ${descriptor.module} did not register it`,
      );
    }
    let target = args as unknown as Record<string | number, unknown>;
    for (const key of path.slice(0, -1)) target = target[key] as Record<string | number, unknown>;
    const revived = revive(descriptor.state);
    // A function reference may need its module context loaded first.
    const handle = descriptor.type === functionHandleType ? await revived : revived;
    if (typeof (handle as Partial<ReleasedAtExit> | null)?.[releaseAtExit] === "function") {
      revivedForExit.push(handle as ReleasedAtExit);
    }
    target[path[path.length - 1]] = handle;
  }
  return args;
}

/**
 * A revived handle that a `Process` worker releases when its target ends,
 * as a Python process's exit closes its pipe ends.
 */
export const releaseAtExit: unique symbol = Symbol.for("polycore.releaseAtExit");

/** A handle with something to release when its worker's process ends. */
export interface ReleasedAtExit {
  [releaseAtExit](): void;
}

const revivedForExit: ReleasedAtExit[] = [];

/** Releases what the handles revived in this thread hold (a Process worker, before it exits). */
export function releaseRevivedHandles(): void {
  for (const handle of revivedForExit.splice(0)) {
    try {
      handle[releaseAtExit]();
    } catch {
      // Already released by the task itself.
    }
  }
}

/** Handles in `slots` that need shared memory, for backends that have none. */
export function memorySharingHandles(slots: readonly HandleSlot[] | undefined): HandleSlot[] {
  return slots?.filter((slot) => slot.descriptor.sharesMemory) ?? [];
}

/** A short, safe description of a value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") {
    return JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value);
  }
  if (typeof value === "function") return `function ${value.name || "(anonymous)"}`;
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value !== "object") return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  const name = Object.getPrototypeOf(value)?.constructor?.name;
  return name && name !== "Object" ? `an instance of ${name}` : "an object";
}

function clones(value: unknown): boolean {
  try {
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
}

/** The innermost part of `value` that cannot be cloned, and where it sits under `root`. */
export function uncloneablePart(value: unknown, root: string): { at: string; what: string } {
  let at = root;
  let current = value;
  descend: while (typeof current === "object" && current !== null) {
    for (const key of Object.keys(current)) {
      const child = (current as Record<string, unknown>)[key];
      if (clones(child)) continue;
      at += Array.isArray(current) ? `[${key}]` : `.${key}`;
      current = child;
      continue descend;
    }
    break;
  }
  const what = typeof current === "symbol" ? `a symbol (${String(current)})` : describe(current);
  return { at, what };
}

/**
 * Finds the first argument that cannot be cloned (-1 when all can), and within it the part
 * that cannot, described the same way on every runtime (their own messages differ: Node's
 * quotes a function's whole source, Bun's names nothing).
 */
export function findUncloneable(
  args: readonly unknown[],
): { index: number; at?: string; what?: string } {
  for (let i = 0; i < args.length; i++) {
    if (!clones(args[i])) return { index: i, ...uncloneablePart(args[i], `args[${i}]`) };
  }
  return { index: -1 };
}
