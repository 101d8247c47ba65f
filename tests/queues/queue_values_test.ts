// What a Queue item keeps: structured-clone semantics (undefined, NaN, -0, BigInt, Date, Map,
// typed arrays, error classes; a class instance arrives as a plain object), and a fast-check
// property: any value comes back equal to its structuredClone.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { Queue } from "../../mod.ts";
import { stopLeftovers } from "../fixtures/sync_helpers.ts";
import { inOrder } from "../fixtures/in_order.ts";

describe("Queue", () => {
  after(stopLeftovers);

  it("items keep undefined, NaN, -0, BigInt, Date, RegExp, Map, Set, typed arrays and error classes", async () => {
    const error = new RangeError("out of range", { cause: new TypeError("inner") });
    Object.assign(error, { code: "E_RANGE" });
    const item = {
      nothing: undefined,
      numbers: [NaN, -0, Infinity, -Infinity, 2 ** 53, 0.1],
      big: -(2n ** 100n),
      when: new Date(86_400_000),
      pattern: /a+b/giu,
      map: new Map<unknown, unknown>([[1, "one"], ["nested", new Set([1, 2])]]),
      bytes: new Uint8Array([1, 2, 255]),
      floats: new Float64Array([1.5, -2.25]),
      buffer: new Uint16Array([7, 8]).buffer,
      text: "héllo ✓ 😀",
      holes: [1, , 3],
    };
    const q = new Queue<unknown>();
    await q.put(item);
    await q.put(error);
    assert.deepEqual(await q.get(), item);
    const back = await q.get() as RangeError & { code: string; cause: TypeError };
    assert.ok(back instanceof RangeError);
    assert.equal(back.message, "out of range");
    assert.equal(back.code, "E_RANGE");
    assert.ok(back.cause instanceof TypeError);
    assert.equal(back.cause.message, "inner");
  });

  it("a class instance arrives as a plain object, as with structuredClone", async () => {
    class Point {
      x = 1;
      y = 2;
      #secret = 3;
      get sum(): number {
        return this.x + this.y + this.#secret;
      }
    }
    const q = new Queue<unknown>();
    await q.put(new Point());
    assert.deepEqual(await q.get(), { x: 1, y: 2 });
  });

  it("property: any structured-cloneable value comes back equal to its structuredClone", async () => {
    const q = new Queue<unknown>();
    await fc.assert(
      fc.asyncProperty(
        fc.anything({
          withBigInt: true,
          withBoxedValues: true,
          withDate: true,
          withMap: true,
          withNullPrototype: true,
          withSet: true,
          withSparseArray: true,
          withTypedArray: true,
          withUnicodeString: true,
        }),
        async (value) => {
          await q.put(value);
          assert.deepEqual(inOrder(await q.get()), inOrder(structuredClone(value)));
        },
      ),
      { numRuns: 300 },
    );
  });
});
