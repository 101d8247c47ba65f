/**
 * Python-like representations, `<Process name='Process-1' pid=42 started>`, for `String(x)`,
 * template strings and the runtime's `console.log` / `inspect` (under the runtime's
 * `inspectKeys`).
 *
 * @module
 */
import { runtime } from "../runtimes/mod.ts";

/** Gives instances of `type` the representation `repr` for every way of printing them. */
export function definePythonRepr<T extends object>(
  type: { prototype: T },
  repr: (self: T) => string,
): void {
  const print = {
    value(this: T) {
      return repr(this);
    },
    writable: true,
    configurable: true,
  };
  Object.defineProperty(type.prototype, "toString", print);
  for (const key of runtime.inspectKeys) Object.defineProperty(type.prototype, key, print);
}
