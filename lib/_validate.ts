/**
 * Argument checks that throw `TypeError`/`RangeError` in one style:
 * `Cannot create pool as 'processes' must be a positive integer: received 0`.
 *
 * @module
 */
import { runtime } from "../runtimes/mod.ts";
import { describe } from "./task/values.ts";

import type { Backend } from "./context.ts";

const backends: readonly string[] = ["thread", "process"];

/** Throws a `TypeError` in the house style. */
export function invalid(action: string, name: string, expected: string, value: unknown): never {
  throw new TypeError(`Cannot ${action} as '${name}' ${expected}: received ${describe(value)}`);
}

/** Throws a `RangeError` in the house style. */
export function outOfRange(action: string, name: string, expected: string, value: unknown): never {
  throw new RangeError(`Cannot ${action} as '${name}' ${expected}: received ${describe(value)}`);
}

/** A backend name, or the default. */
export function checkBackend(action: string, value: unknown, fallback: Backend): Backend {
  if (value === undefined) return fallback;
  if (typeof value !== "string" || !backends.includes(value)) {
    const nats = value === "nats" ? ' ("nats" is for a Pool or ProcessPoolExecutor)' : "";
    outOfRange(action, "backend", `must be "thread" or "process"${nats}`, value);
  }
  return value as Backend;
}

/** An optional string. */
export function checkString(action: string, name: string, value: unknown): string | undefined {
  if (value !== undefined && typeof value !== "string") {
    invalid(action, name, "must be a string", value);
  }
  return value as string | undefined;
}

/** An optional boolean. */
export function checkBoolean(action: string, name: string, value: unknown): boolean | undefined {
  if (value !== undefined && typeof value !== "boolean") {
    invalid(action, name, "must be a boolean", value);
  }
  return value as boolean | undefined;
}

/** An optional array (of arguments). */
export function checkArray(action: string, name: string, value: unknown): unknown[] | undefined {
  if (value !== undefined && !Array.isArray(value)) {
    invalid(action, name, "must be an array", value);
  }
  return value as unknown[] | undefined;
}

/** An optional timeout in milliseconds: a finite number ≥ 0. */
export function checkTimeout(action: string, name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || Number.isNaN(value)) {
    invalid(action, name, "must be a number of milliseconds", value);
  }
  if (value < 0) outOfRange(action, name, "must be >= 0", value);
  return value;
}

/** An optional positive integer. */
export function checkPositiveInteger(
  action: string,
  name: string,
  value: unknown,
): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number") invalid(action, name, "must be a positive integer", value);
  if (!Number.isInteger(value) || value < 1) {
    outOfRange(action, name, "must be a positive integer", value);
  }
  return value;
}

/**
 * An optional heap limit (MiB) for workers of `backend`: refused with a `RangeError` where this
 * runtime cannot enforce it (`canLimitThreadMemory` false), rather than silently ignored.
 */
export function checkHeapLimit(
  action: string,
  backend: Backend,
  value: unknown,
): number | undefined {
  const limit = checkPositiveInteger(action, "maxHeapMb", value);
  if (limit !== undefined && backend === "thread" && !runtime.canLimitThreadMemory) {
    outOfRange(
      action,
      "maxHeapMb",
      `cannot be enforced for thread workers on ${runtime.name} (its threads share one heap limit with the program): use backend: "process", whose workers it limits`,
      value,
    );
  }
  return limit;
}
