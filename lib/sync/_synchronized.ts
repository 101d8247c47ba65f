/**
 * The lock option of `Value` and `SharedArray` (Python: `lock=True`), and how
 * that lock crosses to a worker.
 *
 * @module
 */
import { invalid } from "../_validate.ts";
import { ProcessError } from "../errors.ts";
import { Lock, mutexOf, reviveLock, RLock } from "./lock.ts";

/** Options of {@linkcode Value} and `SharedArray` (Python: `lock=True`). */
export interface SynchronizedOptions {
  /** `true` (default): a new RLock; a `Lock`/`RLock` to share; `false`: none. */
  readonly lock?: boolean | Lock | RLock;
}

/** How a lock crosses to a worker inside a value's state. */
export type LockState = { readonly recursive: boolean; readonly cells: Int32Array } | null;

/** The lock of `options` as a `Value` or `SharedArray` keeps it; `null` for none. */
export function lockOption(
  action: string,
  options: SynchronizedOptions | undefined,
): Lock | RLock | null {
  if (options === undefined) return new RLock();
  if (typeof options !== "object" || options === null) {
    invalid(action, "options", "must be an object such as { lock: false }", options);
  }
  const lock = options.lock;
  if (lock === undefined || lock === true) return new RLock();
  if (lock === false) return null;
  if (lock instanceof Lock || lock instanceof RLock) return lock;
  return invalid(action, "lock", "must be a boolean, a Lock or an RLock", lock);
}

/**
 * The lock of a `Value` or `SharedArray` being built: revived from `adopted`,
 * the state of a handle being revived, or else the one `options` asks for.
 */
export function synchronizedLock(
  adopted: { readonly lock?: LockState } | undefined,
  action: string,
  options: SynchronizedOptions | undefined,
): Lock | RLock | null {
  if (!adopted) return lockOption(action, options);
  return adopted.lock ? reviveLock(adopted.lock) : null;
}

/** A lock as it crosses to a worker. */
export function lockState(lock: Lock | RLock | null): LockState {
  return lock ? mutexOf(lock) : null;
}

/** The lock of a synchronized object, or the error Python gives as `AttributeError`. */
export function theLock(lock: Lock | RLock | null, what: string): Lock | RLock {
  if (!lock) {
    throw new ProcessError(`Cannot get the lock of a ${what} created with { lock: false }`);
  }
  return lock;
}
