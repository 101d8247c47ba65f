// What only the process backend does: real child processes with their own pid, signals,
// heap limits, hard kills of runaway work on every runtime, and no orphans.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import process from "node:process";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import {
  activeChildren,
  fromModule,
  getContext,
  Pool,
  Process,
  TimeoutError,
  toDescriptor,
  WorkerExitedError,
} from "../../mod.ts";
import { childrenOf, isRunning, waitUntilGone } from "../fixtures/children.ts";
import { runtimeArgs } from "../fixtures/run_runtime.ts";

const tasks = fromModule<typeof import("../fixtures/tasks.ts")>(
  new URL("../fixtures/tasks.ts", import.meta.url),
);
const initialChildren = new Set(childrenOf(process.pid));

function newChildren(): number[] {
  return childrenOf(process.pid).filter((pid) => !initialChildren.has(pid));
}

describe("Process on the process backend", () => {
  after(() => {
    for (const p of activeChildren()) p.kill();
  });

  it("runs in a child process with its own pid, which currentProcess() reports", {
    timeout: 30_000,
  }, async () => {
    const p = new Process({ backend: "process", target: tasks.reportIdentity });
    p.start();
    assert.equal(typeof p.pid, "number");
    assert.notEqual(p.pid, process.pid);
    await p.join();
    const report = p.error as Error & {
      current: { pid: number; name: string };
      parent: { pid: number; name: string };
    };
    assert.equal(p.exitCode, 1);
    assert.equal(report.current.pid, p.pid);
    assert.equal(report.current.name, p.name);
    assert.equal(report.parent.pid, process.pid);
    assert.equal(report.parent.name, "MainProcess");
  });

  it("getContext('process').Process starts child processes", { timeout: 30_000 }, async () => {
    const ctx = getContext("process");
    const p = new ctx.Process({ target: () => {} });
    assert.equal(p.backend, "process");
    p.start();
    await p.join();
    assert.equal(p.exitCode, 0);
  });

  it("exitCode is the code passed to process.exit()", { timeout: 30_000 }, async () => {
    const p = new Process({
      backend: "process",
      target: () => (globalThis as { process?: { exit(n: number): void } }).process?.exit(3),
    });
    p.start();
    await p.join();
    assert.equal(p.exitCode, 3);
  });

  it("terminate() stops a child spinning in a CPU loop: exitCode -15", {
    timeout: 30_000,
  }, async () => {
    const p = new Process({
      backend: "process",
      target: () => {
        for (;;) { /* spin */ }
      },
    });
    p.start();
    p.terminate();
    await p.join();
    assert.equal(p.exitCode, -15);
    assert.equal(isRunning(p.pid!), false);
  });

  it("kill() and a SIGKILL from outside both give exitCode -9", { timeout: 30_000 }, async () => {
    const spin = () => {
      for (;;) { /* spin */ }
    };
    const a = new Process({ backend: "process", target: spin });
    const b = new Process({ backend: "process", target: spin });
    a.start();
    b.start();
    a.kill();
    process.kill(b.pid!, "SIGKILL");
    await Promise.all([a.join(), b.join()]);
    assert.equal(a.exitCode, -9);
    assert.equal(b.exitCode, -9);
  });

  it("maxHeapMb ends a child that allocates past it with a WorkerExitedError", {
    timeout: 60_000,
  }, async () => {
    const p = new Process({
      backend: "process",
      maxHeapMb: 48,
      target: () => {
        // ~300 MB: far past the limit, yet bounded where no limit applies (Bun).
        const hoard: string[][] = [];
        for (let i = 0; i < 4e6; i++) hoard.push(["x".repeat(32) + i]);
        return hoard.length;
      },
    });
    p.start();
    await p.join();
    assert.ok(p.exitCode! < 0, `exitCode ${p.exitCode}`);
    assert.ok(WorkerExitedError.is(p.error), String(p.error));
    assert.match((p.error as Error).message, /ran out of memory .*48 MiB/);
  });

  it("refuses shared-memory handles, pointing to the Manager", () => {
    const lockLike = {
      [toDescriptor]: () => ({
        descriptor: { module: import.meta.url, type: "Lock", state: null, sharesMemory: true },
      }),
    };
    const p = new Process({ backend: "process", target: (_lock: unknown) => {}, args: [lockLike] });
    assert.throws(() => p.start(), (error: Error) => {
      assert.ok(error instanceof TypeError);
      assert.match(error.message, /Lock .*process backend.*manager\.Lock/s);
      return true;
    });
    assert.equal(p.pid, null);
  });
});

describe("Pool on the process backend", () => {
  it("a task timeout kills a child spinning in a CPU loop and the pool keeps its capacity", {
    timeout: 60_000,
  }, async () => {
    await using pool = new Pool({ processes: 2, backend: "process" });
    await assert.rejects(
      pool.apply(
        () => {
          for (;;) { /* spin */ }
        },
        [],
        { timeoutMs: 200 },
      ),
      (error: Error) => TimeoutError.is(error),
    );
    assert.deepEqual(await pool.map((n: number) => n * 2, [1, 2, 3, 4]), [2, 4, 6, 8]);
    assert.equal(pool.stats().workers, 2);
  });

  it("a child killed from outside fails only the task it held, with its signal", {
    timeout: 60_000,
  }, async () => {
    await using pool = new Pool({ processes: 1, backend: "process" });
    const pid = await pool.apply(() => (globalThis as { process: { pid: number } }).process.pid);
    const doomed = pool.apply(() => new Promise(() => {}));
    const queued = pool.apply((n: number) => n + 1, [41]);
    process.kill(pid, "SIGKILL");
    await assert.rejects(doomed, (error: WorkerExitedError) => {
      assert.ok(WorkerExitedError.is(error));
      assert.equal(error.signal, "SIGKILL");
      assert.equal(error.exitCode, null);
      return true;
    });
    assert.equal(await queued, 42, "the queued task runs on the replacement child");
    const replacement = await pool.apply(() =>
      (globalThis as { process: { pid: number } }).process.pid
    );
    assert.notEqual(replacement, pid);
  });

  it("maxHeapMb breaches reject the task with a clear reason", {
    timeout: 60_000,
  }, async () => {
    await using pool = new Pool({ processes: 1, backend: "process", maxHeapMb: 48 });
    await assert.rejects(
      pool.apply(() => {
        // ~300 MB: far past the limit, yet bounded where no limit applies (Bun).
        const hoard: string[][] = [];
        for (let i = 0; i < 4e6; i++) hoard.push(["x".repeat(32) + i]);
        return hoard.length;
      }),
      (error: Error) => WorkerExitedError.is(error) && /ran out of memory/.test(error.message),
    );
    assert.equal(await pool.apply((n: number) => n, [7]), 7);
  });
});

function startProgram(mode: string): Promise<{ program: ReturnType<typeof spawn>; child: number }> {
  const file = fileURLToPath(new URL("../fixtures/orphan_program.ts", import.meta.url));
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const program = spawn(process.execPath, [...runtimeArgs(file), mode], { env });
  return new Promise((resolve, reject) => {
    let out = "";
    program.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
      const match = /child (\d+)/.exec(out);
      if (match) resolve({ program, child: Number(match[1]) });
    });
    program.on("error", reject);
    program.on("close", (code) => {
      if (!/child \d+/.test(out)) reject(new Error(`program exited with ${code}: ${out}`));
    });
  });
}

describe("no orphans", () => {
  it("a busy child dies when its parent is SIGKILLed", { timeout: 60_000 }, async () => {
    const { program, child } = await startProgram("busy");
    assert.equal(isRunning(child), true);
    program.kill("SIGKILL");
    assert.equal(await waitUntilGone(child, 10_000), true, `child ${child} outlived its parent`);
  });

  it("a daemon child is stopped when its program exits", { timeout: 60_000 }, async () => {
    const { program, child } = await startProgram("daemon");
    await new Promise((resolve) => program.on("close", resolve));
    assert.equal(
      await waitUntilGone(child, 10_000),
      true,
      `daemon child ${child} outlived the program`,
    );
  });

  it("leaves no child process of this test file behind", { timeout: 30_000 }, async () => {
    for (const pid of newChildren()) {
      assert.equal(await waitUntilGone(pid, 10_000), true, `child ${pid} still running`);
    }
  });
});
