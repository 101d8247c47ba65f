/**
 * Error encoding across the worker boundary. Structured clone loses error
 * subclasses, custom names, own properties and `AggregateError.errors` on
 * every runtime, and Bun also drops `cause`; so errors travel as records and
 * are rebuilt on the other side.
 *
 * @module
 */
import {
  BrokenBarrierError,
  CancelledError,
  EOFError,
  PoolTerminatedError,
  ProcessError,
  QueueEmptyError,
  QueueFullError,
  RemoteError,
  TaskDeliveryError,
  TimeoutError,
  WorkerExitedError,
} from "../errors.ts";

/** An error as a plain, cloneable record. */
export interface ErrorRecord {
  /** The constructor's name, used to find the class again. */
  readonly className: string;
  readonly name: string;
  readonly message: string;
  readonly stack: string;
  /** Own enumerable properties (functions and symbols left out). */
  readonly props: Record<string, unknown>;
  readonly cause?: Thrown;
  /** `AggregateError.errors`. */
  readonly errors?: readonly Thrown[];
}

/** Anything that can be thrown: an error record, or a plain thrown value. */
export type Thrown =
  | { readonly kind: "error"; readonly error: ErrorRecord }
  | { readonly kind: "value"; readonly value: unknown };

type ErrorClass = abstract new (...args: never[]) => Error;

/** Shared by every copy of this module in a thread. */
const errorClasses: Map<string, ErrorClass> = ((globalThis as Record<symbol, unknown>)[
  Symbol.for("polycore.errorClasses")
] ??= new Map<string, ErrorClass>()) as Map<string, ErrorClass>;
for (
  const ctor of [
    Error,
    TypeError,
    RangeError,
    SyntaxError,
    ReferenceError,
    EvalError,
    URIError,
    AggregateError,
    ProcessError,
    TimeoutError,
    RemoteError,
    WorkerExitedError,
    PoolTerminatedError,
    QueueEmptyError,
    QueueFullError,
    BrokenBarrierError,
    CancelledError,
    EOFError,
    TaskDeliveryError,
  ] as ErrorClass[]
) errorClasses.set(ctor.name, ctor);

/**
 * Makes errors of a user class arrive as instances of that class when a
 * worker throws them (Python pickles exceptions by qualified name).
 *
 * @example Keep a custom error class across the boundary
 * ```ts
 * import { registerErrorClass } from "./error_codec.ts";
 * class ValidationError extends Error {}
 * registerErrorClass(ValidationError);
 * ```
 *
 * @param ctor The error class.
 * @param name The name it is found by; the class's own name by default.
 */
export function registerErrorClass(
  ctor: abstract new (...args: never[]) => Error,
  name: string = ctor.name,
): void {
  if (typeof ctor !== "function") {
    throw new TypeError(
      `Cannot register error class as 'ctor' must be a class: received ${typeof ctor}`,
    );
  }
  errorClasses.set(name, ctor);
}

const maxDepth = 16;

/** Encodes a thrown value for the trip to the other side. */
export function encodeThrown(thrown: unknown, depth = 0): Thrown {
  if (!(thrown instanceof Error) || depth > maxDepth) return { kind: "value", value: thrown };
  const props: Record<string, unknown> = {};
  for (const key of Object.keys(thrown)) {
    const value = (thrown as unknown as Record<string, unknown>)[key];
    if (typeof value !== "function" && typeof value !== "symbol") props[key] = value;
  }
  const error: ErrorRecord = {
    className: thrown.constructor?.name ?? "Error",
    name: thrown.name,
    message: thrown.message,
    stack: thrown.stack ?? `${thrown.name}: ${thrown.message}`,
    props,
    ...("cause" in thrown ? { cause: encodeThrown(thrown.cause, depth + 1) } : {}),
    ...(thrown instanceof AggregateError
      ? { errors: thrown.errors.map((e) => encodeThrown(e, depth + 1)) }
      : {}),
  };
  return { kind: "error", error };
}

function define(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, configurable: true });
}

function rebuild(record: ErrorRecord): Error {
  const ctor = errorClasses.get(record.className) ?? errorClasses.get(record.name) ?? Error;
  // A real error object (with the engine's error slot) of the class, without running its constructor.
  const error = Reflect.construct(Error, [record.message], ctor) as Error;
  define(error, "stack", record.stack);
  if (error.name !== record.name) define(error, "name", record.name);
  if (record.cause) define(error, "cause", decodeThrown(record.cause));
  if (record.errors) define(error, "errors", record.errors.map(decodeThrown));
  Object.assign(error, record.props);
  return error;
}

/** Rebuilds what {@linkcode encodeThrown} encoded. */
export function decodeThrown(thrown: Thrown): unknown {
  return thrown.kind === "error" ? rebuild(thrown.error) : thrown.value;
}

/**
 * Rebuilds a worker's error for the caller: same class, name, message, own
 * properties and cause chain, with the worker's stack. An error without a
 * cause gets a {@linkcode RemoteError} cause saying which task failed, like
 * Python's `RemoteTraceback`.
 */
export function decodeRemoteError(thrown: Thrown, where: string): unknown {
  const error = decodeThrown(thrown);
  if (thrown.kind === "error" && !("cause" in (error as Error))) {
    define(error as Error, "cause", new RemoteError(where, thrown.error.stack));
  }
  return error;
}
