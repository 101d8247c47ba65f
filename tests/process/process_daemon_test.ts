// A Process's name and daemon flag on both backends, and how the flag decides whether a program
// waits for its processes (each program run in a fresh runtime: fixtures/daemon_program.ts).
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { activeChildren } from "../../mod.ts";
import { onEachBackend } from "../fixtures/backends.ts";
import { assertAllGone, processesOn, slow } from "../fixtures/process_helpers.ts";
import { runScript } from "../fixtures/run_runtime.ts";
import { stopLeftovers } from "../fixtures/sync_helpers.ts";

/** The pids of the child processes this file started: none may outlive the tests. */
const childPids: number[] = [];
after(() => assertAllGone(childPids));

onEachBackend((backend) => {
  const { make, started } = processesOn(backend, childPids);

  describe(`Process names and daemon flag (${backend})`, () => {
    after(stopLeftovers);

    it("default names are Process-N, counting up from one process to the next", () => {
      const first = make({ target: () => {} });
      const second = make({ target: () => {} });
      const n = Number(/^Process-(\d+)$/.exec(first.name)?.[1]);
      assert.ok(n >= 1, `unexpected default name ${first.name}`);
      assert.equal(second.name, `Process-${n + 1}`);
    });

    it("a custom name is kept", () => {
      const p = make({ target: () => {}, name: "resizer" });
      assert.equal(p.name, "resizer");
    });

    it("daemon is false by default, and settable before start()", () => {
      const p = make({ target: () => {} });
      assert.equal(p.daemon, false);
      p.daemon = true;
      assert.equal(p.daemon, true);
      assert.equal(make({ target: () => {}, daemon: true }).daemon, true);
    });

    it("setting daemon to a non-boolean throws TypeError", () => {
      const p = make({ target: () => {} });
      assert.throws(() => p.daemon = 1 as unknown as boolean, {
        name: "TypeError",
        message: "Cannot set daemon as 'daemon' must be a boolean: received 1",
      });
    });

    it("setting daemon after start() throws ProcessError", slow, async () => {
      const p = started(() => {});
      assert.throws(() => p.daemon = true, {
        name: "ProcessError",
        message: /Cannot set daemon of a process that has started/,
      });
      await p.join();
      assert.equal(p.daemon, false);
    });

    it("leaves no process running", () => {
      assert.deepEqual(activeChildren(), []);
    });
  });

  describe(`Process keeping the program alive (fresh runtime, ${backend})`, () => {
    const program = new URL("../fixtures/daemon_program.ts", import.meta.url);

    it("a non-daemon Process keeps the program alive until its target finishes", {
      timeout: 20_000,
    }, async () => {
      const run = await runScript(program, ["non-daemon", backend]);
      assert.deepEqual(
        { code: run.code, signal: run.signal, lines: run.stdout.trim().split("\n") },
        {
          code: 0,
          signal: null,
          lines: ["main program done", "non-daemon child finished"],
        },
        run.stderr,
      );
    });

    it("a daemon Process does not keep the program alive: it exits while the daemon waits", {
      timeout: 20_000,
    }, async () => {
      const run = await runScript(program, ["daemon", backend]);
      assert.deepEqual(
        { code: run.code, signal: run.signal, lines: run.stdout.trim().split("\n") },
        {
          code: 0,
          signal: null,
          lines: ["daemon running: true, alive: true", "main program done"],
        },
        run.stderr,
      );
    });

    it("joining a daemon Process keeps the program alive until the daemon finishes", {
      timeout: 20_000,
    }, async () => {
      const run = await runScript(program, ["join-daemon", backend]);
      assert.deepEqual(
        { code: run.code, signal: run.signal, lines: run.stdout.trim().split("\n") },
        {
          code: 0,
          signal: null,
          lines: ["daemon child finished", "joined daemon: exitCode 0"],
        },
        run.stderr,
      );
    });
  });
});
