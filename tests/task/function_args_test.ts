// Functions as data: a function inside a task's arguments (a `(func, args)` tuple, as in the
// Python docs' mp_pool example) crosses as a reference the worker can call — with its module,
// like a function task — on both backends.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Pool, Process } from "../../mod.ts";
import { onEachBackend } from "../fixtures/backends.ts";

const slow = { timeout: 60_000 };
const OFFSET = 100;

function mul(a: number, b: number): number {
  return a * b;
}

function plus(a: number, b: number): number {
  return a + b + OFFSET - OFFSET;
}

/** The docs' `calculate(func, args)`. */
function calculate(func: (...args: number[]) => number, args: number[]): string {
  return `${func.name}${JSON.stringify(args)} = ${func(...args)}`;
}

/** The docs' `calculatestar(args)`. */
function calculatestar(job: [(...args: number[]) => number, number[]]): string {
  return calculate(...job);
}

onEachBackend((backend) => {
  describe(`functions inside arguments (${backend} backend)`, slow, () => {
    it("Pool.imap over (func, args) tuples calls each function in the worker", async () => {
      await using pool = new Pool({ processes: 2, backend });
      const tasks: [(...args: number[]) => number, number[]][] = [
        ...[0, 1, 2].map((i): [typeof mul, number[]] => [mul, [i, 7]]),
        ...[0, 1].map((i): [typeof plus, number[]] => [plus, [i, 8]]),
      ];
      const results: string[] = [];
      for await (const line of pool.imap(calculatestar, tasks)) results.push(line);
      assert.deepEqual(results, [
        "mul[0,7] = 0",
        "mul[1,7] = 7",
        "mul[2,7] = 14",
        "plus[0,8] = 8",
        "plus[1,8] = 9",
      ]);
    });

    it("Pool.apply() and a Process take a function argument, arrows included", async () => {
      await using pool = new Pool({ processes: 1, backend });
      assert.equal(await pool.apply(calculate, [(a: number) => a * OFFSET, [3]]), "[3] = 300");
      const p = new Process({
        target: (check: (n: number) => boolean) => {
          if (!check(2)) throw new Error("the function did not arrive");
        },
        args: [(n: number) => mul(n, OFFSET) === 200],
        backend,
      });
      p.start();
      await p.join();
      assert.equal(p.exitCode, 0, String(p.error));
    });

    it("a function that cannot travel is refused with a TypeError naming its place", async () => {
      await using pool = new Pool({ processes: 1, backend });
      const holder = {
        method() {
          return 1;
        },
      };
      await assert.rejects(pool.apply((o: unknown) => o, [{ run: holder.method }]), {
        name: "TypeError",
        message: /'args\[0\]\.run' is a method/,
      });
    });
  });
});
