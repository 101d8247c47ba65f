/**
 * Python's semantics of plain values for the manager's list and dict: equality and ordering for
 * the methods that compare items (`remove`, `index`, `count`, `sort`; items arrive as copies, so
 * identity would never match an array or object the way Python's `==` does), and indexes and
 * slices counted from the end when negative.
 *
 * @module
 */

/** Python's `a == b` for plain data: primitives by value, arrays, objects, Maps, Sets, Dates by content. */
export function pythonEquals(a: unknown, b: unknown): boolean {
  if (Object.is(a, b) || a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length &&
      a.every((item, i) => pythonEquals(item, b[i]));
  }
  if (a instanceof Map || b instanceof Map) {
    return a instanceof Map && b instanceof Map && a.size === b.size &&
      [...a].every(([k, v]) => b.has(k) && pythonEquals(v, b.get(k)));
  }
  if (a instanceof Set || b instanceof Set) {
    return a instanceof Set && b instanceof Set && a.size === b.size &&
      [...a].every((item) => b.has(item));
  }
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length &&
    keys.every((key) =>
      Object.hasOwn(b, key) &&
      pythonEquals((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])
    );
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return "list";
  if (typeof value === "bigint") return "number";
  return typeof value;
}

/**
 * Python's ordering for `sort()`: numbers (and bigints) numerically, strings by code point,
 * booleans as numbers, arrays element by element; anything else, or two kinds mixed, throws a
 * `TypeError` as Python's `<` does.
 */
export function pythonCompare(a: unknown, b: unknown): number {
  const ka = typeof a === "boolean" ? "number" : kindOf(a);
  const kb = typeof b === "boolean" ? "number" : kindOf(b);
  if (ka !== kb || !["number", "string", "list"].includes(ka)) {
    throw new TypeError(
      `Cannot sort the list as '<' is not supported between ${kindOf(a)} and ${kindOf(b)}`,
    );
  }
  if (ka === "list") {
    const [x, y] = [a as unknown[], b as unknown[]];
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      const order = pythonCompare(x[i], y[i]);
      if (order !== 0) return order;
    }
    return x.length - y.length;
  }
  const [x, y] = [a as number | string, b as number | string];
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Python's `list[index]` position (negative from the end); a `RangeError` when out of range. */
export function pythonIndex(list: readonly unknown[], index: unknown): number {
  const i = Number(index);
  const resolved = i < 0 ? list.length + i : i;
  if (!Number.isInteger(i) || resolved < 0 || resolved >= list.length) {
    throw new RangeError(`List index out of range: ${String(index)} (length ${list.length})`);
  }
  return resolved;
}

/** Python's slice bounds `[start:end]` (negative from the end, clamped), as `[start, end)`. */
export function sliceBounds(length: number, start: unknown, end: unknown): [number, number] {
  const clamp = (value: unknown, fallback: number) => {
    if (value === undefined || value === null) return fallback;
    const n = Math.trunc(Number(value));
    return Math.min(length, Math.max(0, n < 0 ? length + n : n));
  };
  const from = clamp(start, 0);
  return [from, Math.max(from, clamp(end, length))];
}
