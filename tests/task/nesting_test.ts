// Values that nest deeper than polycore's limit (1,000 levels, like Python's recursion limit)
// fail the same way on every runtime and backend: a RangeError naming the limit, the worker
// freed. A result 6,000 levels deep used to hang the call on Node threads (issue 20, item 3).
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Pool } from "../../mod.ts";
import { onEachBackend } from "../fixtures/backends.ts";

/** `[[…[1]…]]`, `depth` arrays deep. */
function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

/** How many arrays deep `value` nests. */
function depthOf(value: unknown): number {
  let depth = 0;
  for (let v = value; Array.isArray(v); v = v[0]) depth++;
  return depth;
}

const tooDeep = /nests arrays and objects deeper than 1000 levels/;

onEachBackend((backend) => {
  describe(`nesting limits on the ${backend} backend`, () => {
    const pool = new Pool({ processes: 1, backend });
    after(() => pool.terminate());

    it("a result 6,000 levels deep rejects with a RangeError, and the worker serves on", async () => {
      const build = (depth: number) => {
        let value: unknown = 1;
        for (let i = 0; i < depth; i++) value = [value];
        return value;
      };
      await assert.rejects(
        pool.apply(build, [6_000]),
        (error: Error) => error instanceof RangeError && tooDeep.test(error.message),
      );
      assert.equal(await pool.apply((a: number, b: number) => a + b, [2, 3]), 5);
      assert.equal(depthOf(await pool.apply(build, [900])), 900);
    });

    it("an argument 1,500 levels deep is refused at the call; 900 levels go through", async () => {
      await assert.rejects(
        pool.apply((v: unknown) => v, [nested(1_500)]),
        (error: Error) => error instanceof RangeError && /an argument/.test(error.message),
      );
      const through = await pool.apply((v: unknown) => {
        let depth = 0;
        for (let x = v; Array.isArray(x); x = x[0]) depth++;
        return depth;
      }, [nested(900)]);
      assert.equal(through, 900);
    });
  });
});
