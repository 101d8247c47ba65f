// Functions keep their module: a task written in this file may use this file's imports and
// top-level declarations (as Python's pickled `__main__` functions do), on both backends, while
// the file's top-level statements (the describe() calls below) never run in a worker.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import process from "node:process";
import os from "node:os";
import * as path from "node:path";
import { z } from "zod";
import negate, { double as twice, offset } from "../fixtures/context_helpers.ts";
import { fromTable } from "../fixtures/context_tasks.ts";
import { mapWith } from "../fixtures/context_wrapper.ts";
import { runScript } from "../fixtures/run_runtime.ts";
import { activeChildren, currentProcess, Pool, Process, ProcessPoolExecutor } from "../../mod.ts";
import { onEachBackend } from "../fixtures/backends.ts";

const slow = { timeout: 60_000 };

const SCALE = 10;
const Point = z.object({ x: z.number(), y: z.number() });
const { sep } = path;
let greeting = "not initialized";

/** Calls a helper that uses an import: tasks reach it transitively. */
function scaled(n: number): number {
  return twice(n) * SCALE;
}

function viaHelpers(n: number): number {
  return scaled(n) + offset + negate(1);
}

class Box {
  value: number;
  constructor(value: number) {
    this.value = value;
  }
  get doubled(): number {
    return twice(this.value);
  }
}

/** An initializer that uses an import and sets module state the tasks read. */
function greet(word: string): void {
  greeting = `${word} ${z.string().parse(currentProcess().name)}`;
}

/** A Process target: fails (exit code 1) unless it runs as `expected`. */
function expectName(expected: string): void {
  const name = currentProcess().name;
  if (name !== expected) throw new Error(`ran as ${name}, expected ${expected}`);
  if (scaled(1) !== 20) throw new Error("helpers are missing");
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The hidden context files polycore writes beside a module, in `dir`. */
function contextFiles(dir: URL): string[] {
  return readdirSync(dir).filter((name) => name.includes(".polycore-"));
}

after(async () => {
  for (const child of activeChildren()) {
    child.kill();
    await child.join();
  }
});

onEachBackend((backend) => {
  describe(`a function task keeps its module (${backend} backend)`, slow, () => {
    it("Pool.map() reaches top-level helpers and constants, transitively to their imports", async () => {
      await using pool = new Pool({ processes: 2, backend });
      assert.deepEqual(await pool.map((n: number) => viaHelpers(n), [1, 2, 3]), [119, 139, 159]);
    });

    it("default, named, renamed and namespace imports resolve to the same modules", async () => {
      await using pool = new Pool({ processes: 1, backend });
      const result = await pool.apply(
        () => [negate(2), twice(2), offset, os.EOL.length, sep, typeof path.join],
        [],
      );
      assert.deepEqual(result, [-2, 4, 100, os.EOL.length, sep, "function"]);
    });

    it("an executor task uses an npm import (a zod schema) declared at the top level", async () => {
      await using executor = new ProcessPoolExecutor({ maxWorkers: 1, backend });
      assert.equal(await executor.submit((p: unknown) => Point.parse(p).x, { x: 3, y: 4 }), 3);
      await assert.rejects(
        executor.submit((p: unknown) => Point.parse(p).x, { x: "no" }).result(),
        { name: "ZodError" },
      );
    });

    it("an initializer that uses an import sets state the pool's tasks read", async () => {
      await using pool = new Pool({ processes: 1, backend, initializer: greet, initargs: ["hi"] });
      assert.match(await pool.apply(() => greeting, []), /^hi PoolWorker\d*-1$/);
    });

    it("calls of a new context task that reach a worker together all run", async () => {
      await using pool = new Pool({ processes: 1, backend });
      const items = Array.from({ length: 8 }, (_, i) => i);
      const results = await pool.map((n: number) => scaled(n) + 1, items, { chunksize: 1 });
      assert.deepEqual(results, items.map((n) => n * 20 + 1));
    });

    it("a class declared at the top level is constructed in the worker", async () => {
      await using pool = new Pool({ processes: 1, backend });
      assert.deepEqual(await pool.map((n: number) => new Box(n).doubled, [1, 5]), [2, 10]);
    });

    it("a function imported from another module runs with that module's own scope", async () => {
      await using pool = new Pool({ processes: 2, backend });
      assert.deepEqual(await pool.map(fromTable, [0, 1, 2]), [11, 21, 31]);
    });

    it("a function passed on by a helper module of the user's keeps its own module", async () => {
      await using pool = new Pool({ processes: 1, backend });
      assert.deepEqual(await mapWith(pool, (n: number) => scaled(n), [1, 2]), [20, 40]);
    });

    it("a Process target uses currentProcess() and the module's helpers", async () => {
      const p = new Process({ target: expectName, args: ["checker"], name: "checker", backend });
      p.start();
      await p.join();
      assert.equal(p.exitCode, 0, String(p.error));
      const wrong = new Process({ target: expectName, args: ["other"], backend });
      wrong.start();
      await wrong.join();
      assert.equal(wrong.exitCode, 1);
      assert.match(String(wrong.error), /ran as Process-\d+, expected other/);
    });

    it("a variable of an enclosing function fails with an error naming it; the pool goes on", async () => {
      await using pool = new Pool({ processes: 1, backend });
      const local = { factor: 2 };
      await assert.rejects(pool.map((n: number) => n * local.factor, [1]), (error: Error) => {
        assert.equal(error.name, "ReferenceError");
        assert.match(error.message, /'local' is not defined in the worker/);
        assert.match(error.message, /a variable of an enclosing function/);
        assert.match(error.message, /Pass 'local' as an argument/);
        return true;
      });
      assert.deepEqual(await pool.map((n: number) => scaled(n), [1]), [20]);
    });
  });
});

describe("what cannot travel with a function task", () => {
  it("an arrow function that uses 'this' is refused with a TypeError when submitted", async () => {
    await using pool = new Pool(1);
    const owner = {
      factor: 2,
      run(): Promise<number[]> {
        return pool.map((n: number) => n * this.factor, [1]);
      },
    };
    assert.throws(() => owner.run(), {
      name: "TypeError",
      message: /'fn' is an arrow function that uses 'this'/,
    });
  });
});

describe("a program's top level runs once, in the main program only", slow, () => {
  const fixtures = new URL("../fixtures/", import.meta.url);
  onEachBackend((backend) => {
    it(`the seed's Process example starts exactly four workers (${backend} backend)`, async () => {
      const run = await runScript(new URL("seed_processes.ts", fixtures), [backend]);
      assert.equal(run.code, 0, run.stderr);
      const lines = run.stdout.trim().split("\n");
      assert.equal(lines.length, 5, run.stdout);
      const workers = lines.filter((line) => line.startsWith("Worker ")).sort();
      assert.deepEqual(workers.map((line) => line.replace(/ pid=\d+/, "")), [
        "Worker 0 name=Process-1",
        "Worker 1 name=Process-2",
        "Worker 2 name=Process-3",
        "Worker 3 name=Process-4",
      ]);
      assert.match(lines.at(-1)!, /^Main process pid=\d+$/);
    });

    it(`a module whose top level starts a Pool: its workers start none (${backend} backend)`, async () => {
      const run = await runScript(new URL("top_level_pool.ts", fixtures), [backend]);
      assert.equal(run.code, 0, run.stderr);
      const lines = run.stdout.trim().split("\n");
      assert.deepEqual(lines.filter((line) => line.startsWith("top level")), [
        "top level runs in MainProcess",
      ]);
      const names = new Set(JSON.parse(lines.at(-1)!) as string[]);
      assert.ok(names.size >= 1 && names.size <= 2, `workers: ${[...names]}`);
      for (const name of names) assert.match(name, /^PoolWorker-[12]$/);
    });
  });

  onEachBackend((backend) => {
    it(`a main module that runs its own export unguarded fails clearly, no recursion (${backend} backend)`, async () => {
      const run = await runScript(new URL("unguarded_module_task.ts", fixtures), [backend]);
      assert.equal(run.code, 0, run.stderr);
      const result = JSON.parse(run.stdout.trim().split("\n").at(-1)!);
      assert.equal(result.exitCode, 1);
      assert.match(
        result.error,
        /Cannot start a worker while this worker is importing a task's module/,
      );
    });
  });

  it("a context left by a program that was killed is removed by the next one", async () => {
    const dead = spawnSync(process.execPath, ["--version"]).pid;
    const stale = new URL(`.top_level_pool.ts.polycore-${dead}-00000000.mts`, fixtures);
    writeFileSync(stale, "// left behind\n");
    const run = await runScript(new URL("top_level_pool.ts", fixtures), ["thread"]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(existsSync(stale), false);
  });

  it("the context files written beside a module are gone when the program ends", () => {
    const programs = [".seed_processes.ts.", ".top_level_pool.ts."];
    // Files of programs still running elsewhere (another runtime's test run) are theirs to remove.
    const ended = (name: string) => !processExists(Number(/\.polycore-(\d+)-/.exec(name)?.[1]));
    const left = contextFiles(fixtures).filter((name) =>
      programs.some((p) => name.startsWith(p)) && ended(name)
    );
    assert.deepEqual(left, []);
  });
});
