// How long a pool keeps a program alive: while it has work, and not after — a program that
// never terminates its pool still ends, even when some workers got none of the work.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { runScript } from "../fixtures/run_runtime.ts";

describe("a pool's lifetime", { timeout: 60_000 }, () => {
  it("a program that never terminates its pool ends once its map is done", async () => {
    for (let i = 0; i < 3; i++) {
      const run = await runScript(
        new URL("../fixtures/unterminated_pool.ts", import.meta.url),
        [],
        {
          timeoutMs: 20_000,
        },
      );
      assert.equal(run.signal, null, `run ${i} did not end by itself: ${run.stderr}`);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout.trim(), "[42]");
    }
  });
});
