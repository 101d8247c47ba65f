// What a program does at its end while something waits on a lock or an event, run in a fresh
// runtime with the exit code and output asserted together. Python waits for a wait that can
// still end, never waits for a daemon, and hangs on a wait nothing can end; so does polycore.
// A pending Atomics.waitAsync alone does not keep a runtime alive (Node would exit with 13),
// so async waits hold a timer while they wait, and must let go of it after.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { runScript } from "../fixtures/run_runtime.ts";

const program = new URL("../fixtures/sync_exit_program.ts", import.meta.url);

describe("waiting at program exit", () => {
  it("the main thread's await event.wait() keeps the program alive until a daemon worker sets it", async () => {
    const run = await runScript(program, ["event-daemon"]);
    assert.deepEqual(
      { code: run.code, signal: run.signal, stdout: run.stdout },
      { code: 0, signal: null, stdout: "waiting for the event\nwoken: true\n" },
      run.stderr,
    );
  });

  it("waits that timed out or succeeded leave nothing that keeps the program alive", async () => {
    const run = await runScript(program, ["timeouts"], { timeoutMs: 10_000 });
    assert.deepEqual(
      { code: run.code, signal: run.signal, stdout: run.stdout },
      {
        code: 0,
        signal: null,
        stdout: "lock timeout: false\nlock handed over: true\nsemaphore timeout: false\n" +
          "event timeout: false\ncondition timeout: false\ndone\n",
      },
      run.stderr,
    );
  });

  it("a daemon worker blocked in acquireSync() does not keep the program alive", async () => {
    const run = await runScript(program, ["daemon-blocked"], { timeoutMs: 10_000 });
    assert.deepEqual(
      { code: run.code, signal: run.signal, stdout: run.stdout },
      { code: 0, signal: null, stdout: "daemon blocked, alive: true\n" },
      run.stderr,
    );
  });

  it("awaiting an event that nothing can set waits forever, as in Python (killed after 1 s)", async () => {
    const run = await runScript(program, ["deadlock"], { timeoutMs: 1_000 });
    assert.equal(run.signal, "SIGKILL", `exited by itself: ${run.code}\n${run.stderr}`);
    assert.equal(run.stdout, "waiting for an event nobody sets\n");
  });
});
