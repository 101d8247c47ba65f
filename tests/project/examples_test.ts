// Runs every example (examples/*.ts) in a fresh process of the runtime the tests run on, and
// asserts its exit code and output together. A new example is covered automatically: it must
// exit 0 and print something; add an entry to `expectations` to check its output too.
//
// A long example can declare a short run for the tests with a comment line
//   // @test-env NAME=value
// which this test sets in the example's environment (e.g. a scale factor for its workload).
// An example that takes its backend from POLYCORE_BACKEND declares the backends to run it on
//   // @test-backends thread,process
// and runs once per backend, with POLYCORE_BACKEND set.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { waitUntilGone } from "../fixtures/children.ts";
import { runScript } from "../fixtures/run_runtime.ts";

const examplesDir = new URL("../../examples/", import.meta.url);
const examples = readdirSync(examplesDir).filter((name) => name.endsWith(".ts")).sort();

interface Expectation {
  /** Environment for the run, added to the example's own `@test-env` declarations. */
  readonly env?: Record<string, string>;
  /** Asserts on the example's stdout, split into lines; `backend` for `@test-backends` runs. */
  check(lines: string[], run: { readonly backend?: string }): void | Promise<void>;
}

const expectations: Record<string, Expectation> = {
  // Seed 001 "Daemon Processes" and "Handling Process Termination", on both backends.
  "daemon_processes.ts": {
    async check(lines, { backend }) {
      const text = lines.join("\n");
      const first = /^Daemon (Process-\d+) started on the (\w+) backend, PID: (\d+)$/.exec(
        lines[0],
      );
      assert.ok(first, `first line: ${lines[0]}`);
      assert.equal(first[2], backend);
      const main = lines.indexOf("Main process exiting, daemon will be terminated");
      assert.ok(main > 1, `the daemon ran before the main program ended\n${text}`);
      for (const line of lines.slice(1)) {
        assert.match(line, /^(Background process running\.\.\.|Main process exiting, .*)$/);
      }
      if (backend === "process") {
        const pid = Number(first[3]);
        assert.equal(await waitUntilGone(pid, 10_000), true, `daemon child ${pid} outlived it`);
      }
    },
  },
  "process_termination.ts": {
    check(lines) {
      const text = lines.join("\n");
      assert.equal(lines.at(-1), "Exit code: -15", text);
      assert.ok(lines.length >= 2, `it worked before it was terminated\n${text}`);
      for (const line of lines.slice(0, -1)) assert.equal(line, "Working...", text);
    },
  },
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
  "lock_counter.ts": {
    check(lines) {
      assert.deepEqual(lines, ["Counter: 40000"]);
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
  // The Pool examples (seeds 001, 002, 004).
  "pool_basics.ts": {
    check(lines) {
      const text = lines.join("\n");
      assert.match(lines[0], /^(node|deno|bun) \S+, \d+ CPUs$/, text);
      for (
        const pattern of [
          /^Sequential: \d+\.\d\ds$/,
          /^Parallel: \d+\.\d\ds \(including starting the pool\)$/,
          /^Parallel: \d+\.\d\ds \(the same pool again, its workers already running\)$/,
          /^Speedup: \d+\.\dx$/,
          /^Time taken for sequential processing: \d+\.\d\ds$/,
          /^Time taken for parallel processing: \d+\.\d\ds \(\d+ workers, including their start\)$/,
        ]
      ) assert.ok(lines.some((line) => pattern.test(line)), `${pattern}\n${text}`);
      assert.equal(lines.filter((line) => line === "Results match: true").length, 2, text);
    },
  },
  "pool_methods.ts": {
    check(lines) {
      assert.deepEqual(lines, [
        "map: [0, 1, 4, 9, 16, 25, 36, 49, 64, 81]",
        "starmap: [3, 7, 11]",
        "apply_async: 100",
        "map_async: [0, 1, 4, 9, 16]",
      ]);
    },
  },
  "exception_propagation.ts": {
    check(lines) {
      assert.deepEqual(lines, [
        "Exception in child process: division by zero",
        "  class: RangeError",
        "  cause: Task 'childProcessTask' failed in worker 'PoolWorker-1'",
        "map failed: division by zero",
        "  cause: Task '(anonymous)' failed on item 3 in worker 'PoolWorker-1'",
      ]);
    },
  },
  "threads_vs_processes.ts": {
    check(lines) {
      const text = lines.join("\n");
      assert.equal(lines.length, 5, text);
      assert.match(lines[0], /^(node|deno|bun) \S+, \d+ CPUs, n = \d+, count = 4$/);
      assert.match(lines[1], /^Sequential: \d+\.\d\ds$/);
      assert.match(lines[2], /^Threads: \d+\.\d\ds \(Promise\.all on the main thread/);
      assert.match(lines[3], /^Processes: \d+\.\d\ds \(Pool\(4\) of worker threads/);
      assert.match(lines[4], /^Processes: \d+\.\d\ds \(Pool\(4\) of child processes/);
    },
  },
  "imap_progress.ts": {
    check(lines) {
      const text = lines.join("\n");
      const progress = lines.slice(0, -2).map((line) => {
        const match = /^Processing: \[[#-]{30}\] +(\d+)% \((\d+)\/50\)$/.exec(line);
        assert.ok(match, `progress line: ${line}`);
        return Number(match[2]);
      });
      assert.equal(progress.length, 50, "a line per percent (2% per item)");
      assert.deepEqual(progress, Array.from({ length: 50 }, (_, i) => i + 1), text);
      assert.match(lines.at(-2)!, /^Done: 50 results in \d+\.\d\ds, in order: true$/);
      assert.equal(lines.at(-1), "First: Processed 0, last: Processed 49");
    },
  },
  "task_function.ts": {
    check(lines) {
      const text = lines.join("\n");
      const stamp = String.raw`^\[\d+\.\d s\] `;
      const started = lines.flatMap((line) => {
        const match = new RegExp(`${stamp}Task (\\d+) started\\.$`).exec(line);
        return match ? [Number(match[1])] : [];
      });
      assert.deepEqual(started.sort((a, b) => a - b), Array.from({ length: 11 }, (_, i) => i + 1));
      const done = (ids: number[]) => `[${ids.map((id) => `'Task ${id} is done!'`).join(", ")}]`;
      const results = lines.filter((line) => !/ started\.$/.test(line));
      assert.equal(results.length, 3, text);
      for (const line of results) assert.match(line, new RegExp(stamp));
      assert.equal(results[0].replace(/^\[[^\]]*\] /, ""), done([1, 2, 3, 4, 5]));
      assert.equal(results[1].replace(/^\[[^\]]*\] /, ""), done([6, 7, 8, 9, 10]));
      assert.equal(results[2].replace(/^\[[^\]]*\] /, ""), "Task 11 is done!");
    },
  },
  "shared_value.ts": {
    check(lines) {
      assert.deepEqual(lines, ["Counter: 40000", "Array: [2.0, 4.0, 6.0, 8.0]"]);
    },
  },
  // The Queue, Pipe and JoinableQueue examples (seeds 000, 001, 004). Lines printed by
  // different workers may interleave: each worker's own lines keep their order.
  "producer_consumer.ts": {
    check(lines) {
      const text = lines.join("\n");
      const range = Array.from({ length: 5 }, (_, i) => i);
      assert.deepEqual(
        lines.filter((line) => line.startsWith("Produced: ")),
        range.map((i) => `Produced: ${i}`),
        text,
      );
      assert.deepEqual(
        lines.filter((line) => line.startsWith("Consumed: ")),
        range.map((i) => `Consumed: ${i}`),
        text,
      );
      assert.equal(lines.length, 11, text);
      assert.equal(lines[10], "Received: 20");
    },
  },
  "pipe_sender_receiver.ts": {
    check(lines) {
      assert.deepEqual(lines.filter((line) => line.startsWith("Receiver got: ")), [
        "Receiver got: Hello from sender",
        "Receiver got: [1, 2, 3]",
      ]);
      assert.deepEqual(lines.filter((line) => line.startsWith("Sender received: ")), [
        "Sender received: Thanks!",
      ]);
      assert.equal(lines.length, 3, lines.join("\n"));
    },
  },
  "joinable_queue.ts": {
    check(lines) {
      const text = lines.join("\n");
      assert.equal(lines.length, 21, text);
      const tasks = lines.slice(0, 20).map((line) => {
        const match = /^Process Worker-\d+ \(PID: \d+\) processed: (Task-\d+)$/.exec(line);
        assert.ok(match, `worker line: ${line}`);
        return match[1];
      });
      assert.deepEqual(tasks.sort(), Array.from({ length: 20 }, (_, i) => `Task-${i}`).sort());
      assert.equal(lines[20], "All tasks have been finished!");
    },
  },
};

/** The backends of an example's `@test-backends a,b` line; `[undefined]` when it has none. */
function declaredBackends(source: string): (string | undefined)[] {
  const match = /^\s*(?:\/\/|\*)\s*@test-backends\s+(\S+)/m.exec(source);
  return match ? match[1].split(",") : [undefined];
}

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
    const source = readFileSync(file, "utf8");
    for (const backend of declaredBackends(source)) {
      const title = `examples/${name}${backend ? ` (POLYCORE_BACKEND=${backend})` : ""}`;
      it(`${title} exits 0 and prints the expected output`, { timeout: 20_000 }, async () => {
        const env = {
          ...declaredEnv(source),
          ...expectation?.env,
          ...(backend ? { POLYCORE_BACKEND: backend } : {}),
        };
        const run = await runScript(file, [], { env, timeoutMs: 15_000 });
        const context = `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
        assert.equal(run.signal, null, `killed after ${run.ms.toFixed(0)} ms\n${context}`);
        assert.equal(run.code, 0, context);
        const lines = run.stdout.trimEnd().split("\n");
        assert.ok(run.stdout.trim().length > 0, `no output\n${context}`);
        await expectation?.check(lines, backend ? { backend } : {});
      });
    }
  }
});
