// `maxHeapMb` is enforced or refused, never silently ignored (issue 20, item 1): thread workers
// can be limited only on Node; on Deno and Bun a thread Pool or Process with it is refused with
// a RangeError pointing to the process backend, whose workers every runtime limits.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Pool, Process, ProcessPoolExecutor, runtime } from "../../mod.ts";
import { runtime as adapter } from "../../runtimes/mod.ts";

describe("maxHeapMb on thread workers", () => {
  if (adapter.canLimitThreadMemory) {
    it(`is accepted on ${runtime.name}, which limits threads`, async () => {
      await using pool = new Pool({ processes: 1, maxHeapMb: 64 });
      assert.equal(await pool.apply((n: number) => n + 1, [1]), 2);
    });
  } else {
    it(`is refused on ${runtime.name} with a RangeError naming the option and the way out`, () => {
      const refused = (error: Error) =>
        error instanceof RangeError && /'maxHeapMb' cannot be enforced for thread workers/.test(
          error.message,
        ) && /backend: "process"/.test(error.message);
      assert.throws(() => new Pool({ processes: 1, maxHeapMb: 64 }), refused);
      assert.throws(() => new ProcessPoolExecutor({ maxWorkers: 1, maxHeapMb: 64 }), refused);
      assert.throws(() => new Process({ target: () => 1, maxHeapMb: 64 }), refused);
    });
  }

  it("is accepted with the process backend on every runtime", async () => {
    await using pool = new Pool({ processes: 1, backend: "process", maxHeapMb: 128 });
    assert.equal(await pool.apply((n: number) => n * 2, [21]), 42);
  });
});
