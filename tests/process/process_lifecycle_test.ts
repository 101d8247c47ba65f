// Process (Python: multiprocessing.Process) and activeChildren(), on both backends: every
// describe runs once on worker threads and once on child processes: start, join (with a time
// limit), exit codes and errors, terminate/kill, isAlive, pid, `await using`. Misuse is in
// process_misuse_test.ts, names and the daemon flag in process_daemon_test.ts; what only child
// processes do is in process_backend_test.ts. A target reports through cells (fixtures/cells.ts).
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { activeChildren, currentProcess, Process, ProcessError, RemoteError } from "../../mod.ts";
import { onEachBackend } from "../fixtures/backends.ts";
import { load, newCells, removeCells } from "../fixtures/cells.ts";
import {
  assertAllGone,
  cellTasks,
  processesOn,
  slow,
  waitForever,
} from "../fixtures/process_helpers.ts";
import { stopLeftovers } from "../fixtures/sync_helpers.ts";

/** The pids of the child processes this file started: none may outlive the tests. */
const childPids: number[] = [];

onEachBackend((backend) => {
  const { make, started } = processesOn(backend, childPids);

  describe(`Process lifecycle (${backend})`, () => {
    after(stopLeftovers);

    it("Process.join() resolves after the target returns and exitCode is 0", slow, async () => {
      const out = newCells(backend, 1);
      const p = started(cellTasks.storeDouble, [out, 21]);
      await p.join();
      assert.equal(p.exitCode, 0);
      assert.equal(p.error, undefined);
      assert.equal(load(out, 0), 42);
    });

    it("exitCode is null before start() and while the target runs", slow, async () => {
      const p = make({ target: waitForever });
      assert.equal(p.exitCode, null);
      p.start();
      assert.equal(p.exitCode, null);
      p.terminate();
      await p.join();
    });

    it(
      "an uncaught error in the target gives exitCode 1 and sets error with its name and message",
      slow,
      async () => {
        const p = started(() => {
          throw new TypeError("target failed on purpose");
        });
        await p.join();
        assert.equal(p.exitCode, 1);
        assert.ok(p.error instanceof TypeError);
        assert.equal(p.error.name, "TypeError");
        assert.equal(p.error.message, "target failed on purpose");
        assert.ok(p.error.cause instanceof RemoteError);
        assert.match(p.error.cause.message, new RegExp(`failed in process '${p.name}'`));
      },
    );

    it(
      "an async target that rejects gives exitCode 1 and the rejection as error",
      slow,
      async () => {
        const p = started(async () => {
          await new Promise((resolve) => setTimeout(resolve, 1));
          throw new RangeError("rejected later");
        });
        await p.join();
        assert.equal(p.exitCode, 1);
        assert.ok(p.error instanceof RangeError);
        assert.equal(p.error.message, "rejected later");
      },
    );

    it(
      "an error thrown outside the target's call (a timer callback) gives exitCode 1 and the error",
      slow,
      async () => {
        const p = started(() => {
          setTimeout(() => {
            throw new Error("thrown from a timer");
          }, 1);
          return new Promise(() => {});
        });
        await p.join();
        assert.equal(p.exitCode, 1);
        assert.ok(p.error instanceof Error);
        assert.equal(p.error.message, "thrown from a timer");
      },
    );

    it("an unhandled rejection in the worker gives exitCode 1 and the error", slow, async () => {
      const p = started(() => {
        void Promise.reject(new Error("nobody handled me"));
        return new Promise(() => {});
      });
      await p.join();
      assert.equal(p.exitCode, 1);
      assert.ok(p.error instanceof Error);
      assert.equal(p.error.message, "nobody handled me");
    });

    it("process.exit(3) inside the target gives exitCode 3", slow, async () => {
      const p = started(() => {
        (globalThis as unknown as { process: { exit(code: number): never } }).process.exit(3);
      });
      await p.join();
      assert.equal(p.exitCode, 3);
      assert.equal(p.error, undefined);
    });

    it("terminate() stops a waiting target and exitCode becomes -15", slow, async () => {
      const p = started(waitForever);
      assert.equal(p.isAlive(), true);
      p.terminate();
      await p.join();
      assert.equal(p.exitCode, -15);
      assert.equal(p.isAlive(), false);
    });

    it("kill() stops a waiting target and exitCode becomes -9", slow, async () => {
      const p = started(waitForever);
      p.kill();
      await p.join();
      assert.equal(p.exitCode, -9);
    });

    it("terminate() after the process ended changes nothing", slow, async () => {
      const p = started(() => {});
      await p.join();
      p.terminate();
      p.kill();
      assert.equal(p.exitCode, 0);
    });

    it("join(timeoutMs) returns with exitCode still null while the target runs", slow, async () => {
      const p = started(waitForever);
      await p.join(20);
      assert.equal(p.exitCode, null);
      assert.equal(p.isAlive(), true);
      p.terminate();
      await p.join();
      assert.equal(p.exitCode, -15);
    });

    it(
      "join(timeoutMs) returns as soon as the process ends when that comes first",
      slow,
      async () => {
        const p = started(() => {});
        const startedAt = performance.now();
        await p.join(60_000);
        assert.equal(p.exitCode, 0);
        assert.ok(performance.now() - startedAt < 30_000);
      },
    );

    it("join(Infinity) waits for the end like join()", slow, async () => {
      const p = started(async () => {
        await new Promise((resolve) => setTimeout(resolve, 50));
      });
      await p.join(Infinity);
      assert.equal(p.exitCode, 0);
    });

    it(
      "isAlive() is false before start(), true while running, false after the end",
      slow,
      async () => {
        const p = make({ target: waitForever });
        assert.equal(p.isAlive(), false);
        p.start();
        assert.equal(p.isAlive(), true);
        p.terminate();
        await p.join();
        assert.equal(p.isAlive(), false);
      },
    );

    if (backend === "thread") {
      it("pid is null before start() and the program's pid after (threads share it); threadId is the worker's", async () => {
        const p = make({ target: () => {} });
        assert.equal(p.pid, null);
        assert.equal(p.threadId, null);
        p.start();
        assert.equal(p.pid, process.pid);
        assert.equal(typeof p.threadId, "number");
        assert.notEqual(p.threadId, currentProcess().threadId);
        await p.join();
      });
    } else {
      it(
        "pid is null before start() and the child's own pid after; threadId is its main thread's (0)",
        slow,
        async () => {
          const p = make({ target: () => {} });
          assert.equal(p.pid, null);
          assert.equal(p.threadId, null);
          p.start();
          childPids.push(p.pid!);
          assert.equal(typeof p.pid, "number");
          assert.ok(p.pid! > 0);
          assert.notEqual(p.pid, process.pid);
          assert.equal(p.threadId, 0);
          await p.join();
          assert.equal(typeof p.pid, "number", "pid stays readable after the end");
        },
      );
    }

    it(
      "`await using` terminates a still-running process on scope exit (exitCode -15)",
      slow,
      async () => {
        let leaked: Process<[]> | undefined;
        {
          await using p = make({ target: waitForever });
          p.start();
          if (backend === "process") childPids.push(p.pid!);
          leaked = p;
          assert.equal(p.isAlive(), true);
        }
        assert.equal(leaked.exitCode, -15);
        assert.throws(() => leaked.isAlive(), ProcessError);
      },
    );

    it("`await using` on a process that was never started just closes it", async () => {
      let kept: Process<[]> | undefined;
      {
        await using p = make({ target: () => {} });
        kept = p;
      }
      assert.throws(() => kept.start(), /closed/);
    });

    it("activeChildren() lists running processes and not finished ones", slow, async () => {
      const running = started(waitForever);
      const finished = started(() => {});
      await finished.join();
      const notStarted = make({ target: () => {} });
      const active = activeChildren();
      assert.ok(active.includes(running as unknown as Process));
      assert.ok(!active.includes(finished as unknown as Process));
      assert.ok(!active.includes(notStarted as unknown as Process));
      running.terminate();
      await running.join();
      assert.ok(!activeChildren().includes(running as unknown as Process));
    });

    it("leaves no process running", () => {
      assert.deepEqual(activeChildren(), []);
    });
  });
});

describe("Process child processes (process)", () => {
  after(removeCells);

  it("every child process this file started has ended", slow, async () => {
    assert.ok(childPids.length > 10, `only ${childPids.length} children were recorded`);
    await assertAllGone(childPids);
  });
});
