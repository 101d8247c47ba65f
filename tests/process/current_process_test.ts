// currentProcess() and parentProcess() (Python: multiprocessing.current_process(),
// parent_process()), in the main program and inside a Process's target. A Process returns no
// value, so the target (a module task) reports what it sees as own properties of an error.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { activeChildren, currentProcess, fromModule, parentProcess, Process } from "../../mod.ts";

const tasks = fromModule<typeof import("../fixtures/tasks.ts")>(
  new URL("../fixtures/tasks.ts", import.meta.url),
);

/** Stops whatever a failed test left running, so the runner can exit. */
async function stopLeftovers(): Promise<void> {
  for (const child of activeChildren()) {
    child.kill();
    await child.join();
  }
}

describe("currentProcess() and parentProcess()", () => {
  after(stopLeftovers);

  it("currentProcess() in the main program is MainProcess with this pid and thread 0", () => {
    const me = currentProcess();
    assert.equal(me.name, "MainProcess");
    assert.equal(me.pid, process.pid);
    assert.equal(me.threadId, 0);
    assert.equal(me.daemon, false);
  });

  it("parentProcess() in the main program is null", () => {
    assert.equal(parentProcess(), null);
  });

  it("currentProcess() inside the target is the process (name, pid, threadId, daemon)", async () => {
    const p = new Process({ target: tasks.reportIdentity, name: "reporter", daemon: true });
    p.start();
    const threadId = p.threadId;
    await p.join();
    assert.equal(p.exitCode, 1);
    const report = p.error as Error & { current: unknown; parent: unknown };
    assert.equal(report.message, "identity report");
    assert.deepEqual(report.current, {
      name: "reporter",
      pid: process.pid,
      threadId,
      daemon: true,
    });
  });

  it("parentProcess() inside the target describes the main program", async () => {
    const p = new Process({ target: tasks.reportIdentity });
    p.start();
    await p.join();
    const report = p.error as Error & { current: { name: string }; parent: unknown };
    assert.equal(report.current.name, p.name);
    assert.deepEqual(report.parent, {
      name: "MainProcess",
      pid: process.pid,
      threadId: 0,
      daemon: false,
    });
  });

  it("leaves no process running", () => {
    assert.deepEqual(activeChildren(), []);
  });
});
