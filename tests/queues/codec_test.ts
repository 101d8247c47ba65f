// The codec queues and pipes move items with (lib/queues/_codec.ts): decode(encode(x)) is x for
// every value it accepts — numbers with -0 and NaN, bigints, strings, dates, maps, sets, typed
// arrays, nested arrays and objects (fast-check) — and it refuses what it cannot carry.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { encode } from "../../lib/queues/_codec.ts";
import { decode } from "../../lib/queues/_codec_decode.ts";

const roundTrip = (value: unknown) => decode(encode(value, "put item").slice());

class MapEntries {
  readonly entries: unknown[];
  constructor(entries: unknown[]) {
    this.entries = entries;
  }
}
class SetMembers {
  readonly members: unknown[];
  constructor(members: unknown[]) {
    this.members = members;
  }
}

/**
 * `value` with each Map and Set as its entries in order, all the way down. Bun's deepStrictEqual
 * may pair a Map's key with the wrong one of several structurally equal keys (two empty Sets,
 * say) and report a difference; the codec keeps order, so comparing in order is exact.
 */
function inOrder(value: unknown): unknown {
  if (value instanceof Map) {
    return new MapEntries([...value].map(([k, v]) => [inOrder(k), inOrder(v)]));
  }
  if (value instanceof Set) return new SetMembers([...value].map(inOrder));
  if (Array.isArray(value)) return value.map(inOrder);
  if (
    value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype
  ) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, inOrder(v)]));
  }
  return value;
}

describe("the queue codec", () => {
  it("decode(encode(x)) equals x for any value it accepts", () => {
    fc.assert(
      fc.property(
        fc.anything({
          withBigInt: true,
          withDate: true,
          withMap: true,
          withSet: true,
          withTypedArray: true,
          withSparseArray: false,
          withNullPrototype: false,
          withObjectString: false,
          withBoxedValues: false,
          key: fc.string().filter((key) => key !== "__proto__"),
        }),
        (value) => assert.deepStrictEqual(inOrder(roundTrip(value)), inOrder(value)),
      ),
      { numRuns: 500 },
    );
  });

  it("keeps -0, NaN and the exact values of doubles and bigints", () => {
    fc.assert(fc.property(fc.double(), (x) => Object.is(roundTrip(x), x)));
    fc.assert(fc.property(fc.bigInt(), (x) => roundTrip(x) === x));
  });

  it("refuses a value with a cycle, naming where it refers back", () => {
    const item: Record<string, unknown> = { name: "loop" };
    item.self = item;
    assert.throws(() => encode(item, "put item"), /Cannot put item as .*refers back/);
  });
});
