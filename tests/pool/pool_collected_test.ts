// What garbage collection does to a pool nothing points at any more: it is closed, as by
// close(), so the work it was given still settles, and then its workers (threads or processes)
// exit. Each test runs tests/fixtures/collected_pool_program.ts in a fresh runtime that can
// force GC, and watches the OS threads the workers ran on (Linux /proc).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { onEachBackend } from "../fixtures/backends.ts";
import { runScript } from "../fixtures/run_runtime.ts";

const program = new URL("../fixtures/collected_pool_program.ts", import.meta.url);
const skip = existsSync("/proc/thread-self") ? false : "needs Linux /proc to see workers exit";

/** Runs a scenario of the program on `backend`; what it printed, parsed. */
async function run(backend: string, scenario: string): Promise<Record<string, unknown>> {
  const { code, signal, stdout, stderr } = await runScript(program, [backend, scenario], {
    exposeGc: true,
    timeoutMs: 40_000,
  });
  assert.equal(signal, null, `the program did not end: ${stderr}`);
  assert.equal(code, 0, stderr);
  return JSON.parse(stdout.trim());
}

onEachBackend((backend) => {
  describe(`a garbage-collected pool (${backend})`, { timeout: 60_000, skip }, () => {
    it("a dropped Pool and ProcessPoolExecutor stop their workers, a kept pool does not", async () => {
      // dropped: [alive once started, alive after GC]; kept: alive after GC.
      assert.deepEqual(await run(backend, "drop"), { dropped: [4, 0], kept: 2 });
    });

    // `workers` counts the workers seen running an item: both, unless one started very late.
    it("await new Pool(2).map() resolves every result while GC runs, then its workers exit", async () => {
      const { workers, ...rest } = await run(backend, "map");
      assert.deepEqual(rest, { correct: true, alive: 0 });
      assert.ok(workers === 1 || workers === 2, `workers: ${workers}`);
    });

    it("apply() calls on a pool collected while they run all resolve, then its workers exit", async () => {
      const { workers, ...rest } = await run(backend, "apply");
      assert.deepEqual(rest, { correct: true, collectedWhileRunning: true, alive: 0 });
      assert.ok(workers === 1 || workers === 2, `workers: ${workers}`);
    });
  });
});
