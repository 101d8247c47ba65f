// The shared ring under every queue and pipe (lib/queues/_ring.ts), against a model: whatever
// sequence of puts and gets, and whatever limits, every accepted message comes out once, whole,
// in order — across the ring's wrap-around and its growth (fast-check).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { runSync } from "../../lib/sync/_atomics.ts";
import { Ring } from "../../lib/queues/_ring.ts";

type Op = { put: Uint8Array } | { get: true };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ put: fc.uint8Array({ maxLength: 120 }) }),
  fc.record({ get: fc.constant(true as const) }),
);

describe("the shared ring", () => {
  it("loses, duplicates, reorders and corrupts no message, whatever the limits", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(0, 1, 3, 8),
        fc.constantFrom(256, 1024, 1 << 16),
        fc.array(op, { maxLength: 300 }),
        (maxsize, maxBytes, ops) => {
          const producer = Ring.create({ maxsize, maxBytes });
          const consumer = new Ring(producer.state); // the other side, as a worker revives it
          const model: Uint8Array[] = [];
          for (const step of ops) {
            if ("put" in step) {
              const result = runSync(producer.putSteps(step.put, 0)); // deadline passed: no wait
              if (result === "ok") model.push(step.put.slice());
              else assert.equal(result, "full");
              if (maxsize > 0) assert.ok(model.length <= maxsize, "never more than maxsize");
            } else {
              const got = runSync(consumer.getSteps(0));
              const expected = model.shift();
              if (expected === undefined) assert.equal(got, "empty");
              else assert.deepEqual(got, expected);
            }
            assert.equal(consumer.count(), model.length);
          }
          for (const expected of model) assert.deepEqual(runSync(consumer.getSteps(0)), expected);
          assert.equal(runSync(consumer.getSteps(0)), "empty");
        },
      ),
      { numRuns: 300 },
    );
  });

  it("a full ring accepts again once a message is taken", () => {
    const ring = Ring.create({ maxsize: 2, maxBytes: 1024 });
    assert.equal(runSync(ring.putSteps(new Uint8Array([1]), 0)), "ok");
    assert.equal(runSync(ring.putSteps(new Uint8Array([2]), 0)), "ok");
    assert.equal(runSync(ring.putSteps(new Uint8Array([3]), 0)), "full");
    assert.deepEqual(runSync(ring.getSteps(0)), new Uint8Array([1]));
    assert.equal(runSync(ring.putSteps(new Uint8Array([3]), 0)), "ok");
    assert.deepEqual(runSync(ring.getSteps(0)), new Uint8Array([2]));
    assert.deepEqual(runSync(ring.getSteps(0)), new Uint8Array([3]));
  });
});
