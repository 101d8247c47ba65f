// Process (Python: multiprocessing.Process) and activeChildren(), on both backends: every
// describe runs once on worker threads and once on child processes. What only child processes
// do (signals from outside, heap limits, orphans) is in process_backend_test.ts;
// currentProcess()/parentProcess() are in current_process_test.ts, getContext() and friends in
// context_test.ts. A Process returns no value: a target reports through cells
// (fixtures/cells.ts: shared memory for threads, files for child processes).
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import {
  activeChildren,
  currentProcess,
  fromModule,
  Process,
  ProcessError,
  type ProcessOptions,
  RemoteError,
} from "../mod.ts";
import { load, newCells, removeCells } from "./fixtures/cells.ts";
import { waitUntilGone } from "./fixtures/children.ts";
import { runScript } from "./fixtures/run_runtime.ts";

const cellTasks = fromModule<typeof import("./fixtures/cell_tasks.ts")>(
  new URL("./fixtures/cell_tasks.ts", import.meta.url),
);

const backends = ["thread", "process"] as const;
type Backend = typeof backends[number];

/** A child process gets a longer limit than a thread: it starts a runtime. */
const slow = { timeout: 30_000 };

/** A target that waits (on a timer, not a busy loop) far longer than any test. */
const waitForever = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 600_000));

/** The pids of the child processes this file started: none may outlive the tests. */
const childPids: number[] = [];

/** Stops whatever a failed test left running, so the runner can exit. */
async function stopLeftovers(): Promise<void> {
  for (const child of activeChildren()) {
    child.kill();
    await child.join();
  }
}

for (const backend of backends) {
  /** A new, unstarted process on this backend. */
  const make = <A extends unknown[]>(options: Omit<ProcessOptions<A>, "backend">): Process<A> =>
    new Process<A>({ ...options, backend });

  /** A started process on this backend. */
  const started = <A extends unknown[]>(target: ProcessOptions<A>["target"], args?: A) => {
    const p = make<A>({ target, ...(args ? { args } : {}) });
    p.start();
    if (backend === "process") childPids.push(p.pid!);
    return p;
  };

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
    const program = new URL("./fixtures/daemon_program.ts", import.meta.url);

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
}

describe("Process child processes (process)", () => {
  after(removeCells);

  it("every child process this file started has ended", slow, async () => {
    assert.ok(childPids.length > 10, `only ${childPids.length} children were recorded`);
    for (const pid of childPids) {
      assert.equal(await waitUntilGone(pid, 10_000), true, `child ${pid} is still running`);
    }
  });
});
