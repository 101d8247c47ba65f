// Runs every example (examples/*.ts) in a fresh process of the runtime the tests run on, and
// asserts its exit code and output together. A new example is covered automatically: it must
// exit 0 and print something; add an entry to `expectations` to check its output too.
//
// A long example can declare a short run for the tests with a comment line
//   // @test-env NAME=value
// which this test sets in the example's environment (e.g. a scale factor for its workload).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { runScript } from "./fixtures/run_runtime.ts";

const examplesDir = new URL("../examples/", import.meta.url);
const examples = readdirSync(examplesDir).filter((name) => name.endsWith(".ts")).sort();

interface Expectation {
  /** Environment for the run, added to the example's own `@test-env` declarations. */
  readonly env?: Record<string, string>;
  /** Asserts on the example's stdout, split into lines. */
  check(lines: string[]): void;
}

const expectations: Record<string, Expectation> = {
  "creating_processes.ts": {
    check(lines) {
      assert.equal(lines.length, 5, lines.join("\n"));
      const main = /^Main process PID: (\d+), thread: 0$/.exec(lines[4]);
      assert.ok(main, `last line: ${lines[4]}`);
      const workers = lines.slice(0, 4).map((line) => {
        const match = /^Worker (\d) \((Process-\d)\), PID: (\d+), thread: (\d+)$/.exec(line);
        assert.ok(match, `worker line: ${line}`);
        return { i: match[1], name: match[2], pid: match[3], thread: Number(match[4]) };
      }).sort((a, b) => a.i.localeCompare(b.i));
      assert.deepEqual(workers.map((w) => [w.i, w.name, w.pid]), [
        ["0", "Process-1", main[1]],
        ["1", "Process-2", main[1]],
        ["2", "Process-3", main[1]],
        ["3", "Process-4", main[1]],
      ]);
      const threads = new Set(workers.map((w) => w.thread));
      assert.equal(threads.size, 4, "each worker runs on a thread of its own");
      assert.ok(!threads.has(0), "no worker runs on the main thread");
    },
  },
  "parallel_task.ts": {
    check(lines) {
      const sum = "333333283333335000000";
      assert.equal(lines.length, 4, lines.join("\n"));
      const main = /^Main process (\d+) started calculate_heavy_sum on thread [1-9]\d*$/.exec(
        lines[0],
      );
      assert.ok(main, `first line: ${lines[0]}`);
      assert.equal(lines[1], `Process ${main[1]} finished with result: ${sum}`);
      assert.match(lines[2], /^calculate_heavy_sum joined after \d+ ms with exit code 0;/);
      assert.equal(lines[3], `Expected n(n-1)(2n-1)/6 = ${sum}`);
    },
  },
  "seeds_demo.ts": {
    env: { POLYCORE_DEMO_SCALE: "0.001" },
    check(lines) {
      assert.ok(lines.some((line) => /^Results match: /.test(line)), lines.join("\n"));
      assert.ok(lines.some((line) => /^Speedup: [\d.]+x$/.test(line)), lines.join("\n"));
    },
  },
};

/** The `@test-env NAME=value` declarations of an example. */
function declaredEnv(source: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [, name, value] of source.matchAll(/^\s*(?:\/\/|\*)\s*@test-env\s+(\w+)=(\S*)/gm)) {
    env[name] = value;
  }
  return env;
}

describe("examples", () => {
  it("there are examples to run", () => {
    assert.ok(examples.includes("creating_processes.ts"), examples.join(", "));
    assert.ok(examples.includes("parallel_task.ts"), examples.join(", "));
  });

  for (const name of examples) {
    const file = new URL(name, examplesDir);
    const expectation = expectations[name];
    it(`examples/${name} exits 0 and prints the expected output`, { timeout: 20_000 }, async () => {
      const env = { ...declaredEnv(readFileSync(file, "utf8")), ...expectation?.env };
      const run = await runScript(file, [], { env, timeoutMs: 15_000 });
      const context = `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
      assert.equal(run.signal, null, `killed after ${run.ms.toFixed(0)} ms\n${context}`);
      assert.equal(run.code, 0, context);
      const lines = run.stdout.trimEnd().split("\n");
      assert.ok(run.stdout.trim().length > 0, `no output\n${context}`);
      expectation?.check(lines);
    });
  }
});
