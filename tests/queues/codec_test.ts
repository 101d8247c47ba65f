// The codec queues and pipes move items with (lib/queues/_codec.ts): decode(encode(x)) is x for
// every value it accepts — numbers with -0 and NaN, bigints, strings, dates, maps, sets, typed
// arrays, nested arrays and objects (fast-check) — and it refuses what it cannot carry.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { encode } from "../../lib/queues/_codec.ts";
import { decode } from "../../lib/queues/_codec_decode.ts";
import { inOrder } from "../fixtures/in_order.ts";

const roundTrip = (value: unknown) => decode(encode(value, "put item").slice());

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
