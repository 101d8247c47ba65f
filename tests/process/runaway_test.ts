// A task that runs past its time limit (issue 20, item 2): its call fails with a TimeoutError
// that says truthfully what happened to the worker — stopped where the runtime can stop a busy
// thread (Node, Bun) or a process, and on Deno's threads that it cannot, with the way out.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Pool, TimeoutError } from "../../mod.ts";
import { runtime } from "../../runtimes/mod.ts";
import { onEachBackend } from "../fixtures/backends.ts";

/** Busy for `ms` (bounded, so that a thread Deno cannot stop still ends soon). */
function spin(ms: number): number {
  const end = Date.now() + ms;
  let n = 0;
  while (Date.now() < end) n++;
  return n;
}

onEachBackend((backend) => {
  describe(`a runaway task on the ${backend} backend`, () => {
    it("times out with an error saying whether its worker could be stopped", async () => {
      await using pool = new Pool({ processes: 1, backend });
      const stoppable = backend === "process" || runtime.canTerminateBusyThread;
      await assert.rejects(pool.apply(spin, [1_500], { timeoutMs: 200 }), (error: Error) => {
        assert.ok(error instanceof TimeoutError, String(error));
        assert.match(
          error.message,
          stoppable
            ? /the worker was stopped and replaced/
            : /cannot be stopped.*backend: "process"/,
        );
        return true;
      });
      assert.equal(await pool.apply((n: number) => n + 1, [1]), 2); // the replacement serves
    });
  });
});
