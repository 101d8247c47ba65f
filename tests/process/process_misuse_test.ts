// Process misuse on both backends: starting twice, arguments that cannot be cloned, join()
// before start(), close() while running and calls after close(), and bad options (each
// TypeError or RangeError names the option and the value received).
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { activeChildren, Process, ProcessError } from "../../mod.ts";
import { onEachBackend } from "../fixtures/backends.ts";
import { newCells, removeCells } from "../fixtures/cells.ts";
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
after(() => assertAllGone(childPids));
after(removeCells);

onEachBackend((backend) => {
  const { make, started } = processesOn(backend, childPids);

  describe(`Process misuse (${backend})`, () => {
    after(stopLeftovers);

    it("start() twice throws ProcessError", slow, async () => {
      const p = started(() => {});
      assert.throws(() => p.start(), {
        name: "ProcessError",
        message: /Cannot start a process twice/,
      });
      assert.throws(() => p.start(), ProcessError);
      await p.join();
    });

    it(
      "a value that cannot be cloned among the arguments makes start() throw a TypeError naming its position",
      slow,
      async () => {
        const p = make({ target: (a: number, b: unknown) => [a, b], args: [1, new WeakMap()] });
        assert.throws(() => p.start(), (error: unknown) => {
          assert.ok(error instanceof TypeError);
          assert.match(
            error.message,
            new RegExp(`^Cannot start process '${p.name}' as argument 1 `),
          );
          assert.match(error.message, /cannot be cloned to a worker/);
          return true;
        });
        assert.equal(p.isAlive(), false);
        assert.equal(p.pid, null);
        // The next process on this backend still starts and runs (the failed send broke nothing).
        const q = started(cellTasks.storeDouble, [newCells(backend, 1), 1]);
        await q.join();
        assert.equal(q.exitCode, 0);
      },
    );

    it("join() before start() throws ProcessError saying it has not been started", async () => {
      const p = make({ target: () => {} });
      await assert.rejects(p.join(), {
        name: "ProcessError",
        message: /Cannot join a process that has not been started/,
      });
    });

    it(
      "close() while running throws ProcessError telling to join or terminate first",
      slow,
      async () => {
        const p = started(waitForever);
        assert.throws(() => p.close(), (error: unknown) => {
          assert.ok(error instanceof ProcessError);
          assert.equal(
            error.message,
            `Cannot close process '${p.name}' while it is still running: join() or terminate() it first`,
          );
          return true;
        });
        p.terminate();
        await p.join();
        p.close();
      },
    );

    it(
      "after close() start, join, isAlive, terminate and kill throw ProcessError naming the process",
      slow,
      async () => {
        const p = started(() => {});
        await p.join();
        p.close();
        const closed = new RegExp(`process '${p.name}' as it is closed`);
        assert.throws(() => p.start(), { name: "ProcessError", message: closed });
        await assert.rejects(p.join(), { name: "ProcessError", message: closed });
        assert.throws(() => p.isAlive(), { name: "ProcessError", message: closed });
        assert.throws(() => p.terminate(), { name: "ProcessError", message: closed });
        assert.throws(() => p.kill(), { name: "ProcessError", message: closed });
        assert.equal(p.exitCode, 0, "exitCode stays readable after close()");
        p.close(); // closing twice is harmless, as in Python
      },
    );

    it("join() with a negative or non-number timeout throws naming 'timeoutMs'", async () => {
      const p = make({ target: () => {} });
      await assert.rejects(p.join(-1), {
        name: "RangeError",
        message: "Cannot join process as 'timeoutMs' must be >= 0: received -1",
      });
      await assert.rejects(p.join("5" as unknown as number), {
        name: "TypeError",
        message:
          `Cannot join process as 'timeoutMs' must be a number of milliseconds: received "5"`,
      });
    });

    it("a bad target throws TypeError naming 'target' and the value received", () => {
      assert.throws(() => make({ target: 42 as unknown as () => void }), {
        name: "TypeError",
        message:
          "Cannot create process as 'target' must be a function or a task reference: received 42",
      });
    });

    it("a missing options object throws TypeError", () => {
      assert.throws(() => new Process(undefined as unknown as { target: () => void }), {
        name: "TypeError",
        message: /Cannot create process as 'options' must be an object with a 'target'/,
      });
    });

    it("a bad name throws TypeError naming 'name' and the value received", () => {
      assert.throws(() => make({ target: () => {}, name: 5 as unknown as string }), {
        name: "TypeError",
        message: "Cannot create process as 'name' must be a string: received 5",
      });
    });

    it("a bad daemon flag throws TypeError naming 'daemon' and the value received", () => {
      assert.throws(() => make({ target: () => {}, daemon: "yes" as unknown as boolean }), {
        name: "TypeError",
        message: `Cannot create process as 'daemon' must be a boolean: received "yes"`,
      });
    });

    it("an unknown backend throws RangeError naming 'backend' and the value received", () => {
      assert.throws(() => new Process({ target: () => {}, backend: "fork" as "thread" }), {
        name: "RangeError",
        message:
          `Cannot create process as 'backend' must be "thread" or "process": received "fork"`,
      });
    });

    it("args that are not an array throw TypeError naming 'args' and the value received", () => {
      assert.throws(
        () => make({ target: (x: number) => x, args: 7 as unknown as [number] }),
        {
          name: "TypeError",
          message: "Cannot create process as 'args' must be an array: received 7",
        },
      );
      assert.throws(
        () => make({ target: (x: string) => x, args: "abc" as unknown as [string] }),
        {
          name: "TypeError",
          message: `Cannot create process as 'args' must be an array: received "abc"`,
        },
      );
    });

    it("leaves no process running", () => {
      assert.deepEqual(activeChildren(), []);
    });
  });
});
