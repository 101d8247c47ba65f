/**
 * Python-like representations, `<Process name='Process-1' pid=42 started>`, for `String(x)`,
 * template strings and the runtimes' `console.log` / `inspect` (Node and Bun read
 * `nodejs.util.inspect.custom`, Deno `Deno.customInspect`).
 *
 * @module
 */

const inspectKeys = [Symbol.for("nodejs.util.inspect.custom"), Symbol.for("Deno.customInspect")];

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
  for (const key of inspectKeys) Object.defineProperty(type.prototype, key, print);
}
