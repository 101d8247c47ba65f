/**
 * Suite "process": what it costs to start a worker, with and without polycore.
 *
 * - raw `new Worker` → first message: a `node:worker_threads` Worker on a one-line `.mjs`
 *   (bench/fixtures/ready_worker.mjs) that posts as soon as it has loaded; timed until that
 *   message arrives (the worker's exit is awaited untimed, before the next sample).
 * - raw `new Worker` → exit: the same worker, which ends right after posting; timed until its
 *   `exit` event. This is the baseline for the polycore row.
 * - polycore `Process` start → join: `new Process({ target: () => {} })`, `start()`,
 *   `await join()`. That is a worker loading polycore's entry module (`lib/_entry.ts` and what it
 *   imports), a `run` message with the function's source, compiling and calling it, a `settled`
 *   message back, and the worker's exit.
 * - raw postMessage round trip: µs per ping-pong with an echo worker started once, 200
 *   sequential pings per sample.
 *
 * On the process backend (`--backends process`, included by default):
 * - raw `child_process.fork` → exit: a child of the same runtime (`serialization: "advanced"`, as
 *   polycore forks) running a one-line `.mjs` (bench/fixtures/exit_child.mjs) that sends "ready"
 *   over IPC and ends; timed until its `exit` event, with the message received.
 * - polycore `Process` start → join on `backend: "process"`, empty target: a child runtime
 *   loading polycore's entry, the boot and `run` messages, the `settled` message back, the
 *   exit. The ratio row compares it with the raw fork.
 *
 * Run: `node bench/process_bench.ts`, `deno run -A bench/process_bench.ts`,
 * `bun bench/process_bench.ts` (flags: `--quick`, `--json <file>`), or `npm run bench -- process`.
 *
 * @module
 */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { Process } from "../mod.ts";
import { type BenchRatio, type BenchTask, runSuite, selectedBackends } from "./_harness.ts";

const readyUrl = new URL("./fixtures/ready_worker.mjs", import.meta.url);
const echoUrl = new URL("./fixtures/echo_worker.mjs", import.meta.url);
const exitChildPath = fileURLToPath(new URL("./fixtures/exit_child.mjs", import.meta.url));
const pings = 200;

const names = {
  firstMessage: "raw worker_threads: new Worker → first message",
  rawExit: "raw worker_threads: new Worker → exit",
  polycore: "polycore Process: start() → join(), empty target",
  ratio: "polycore Process ÷ raw worker, start → exit",
  roundTrip: "raw worker_threads: postMessage round trip",
  rawFork: "raw child_process.fork → exit (process backend)",
  polycoreChild: "polycore Process (process backend): start() → join(), empty target",
  childRatio: "polycore Process ÷ raw fork, start → exit (process backend)",
};

function exitOf(worker: Worker): Promise<number> {
  return new Promise((resolve, reject) => {
    worker.once("exit", resolve);
    worker.once("error", reject);
  });
}

let pending: Promise<number> | undefined;

const firstMessage: BenchTask = {
  name: names.firstMessage,
  fn: () => {
    const worker = new Worker(readyUrl);
    pending = exitOf(worker);
    return new Promise((resolve) => worker.once("message", resolve));
  },
  afterEach: () => pending,
};

const rawExit: BenchTask = {
  name: names.rawExit,
  fn: async () => {
    const worker = new Worker(readyUrl);
    let message: unknown;
    worker.once("message", (m) => message = m);
    const code = await exitOf(worker);
    if (code !== 0 || message !== "ready") throw new Error(`Raw worker exited with ${code}`);
    return message;
  },
};

const polycore: BenchTask = {
  name: names.polycore,
  fn: async () => {
    const p = new Process({ target: () => {} });
    p.start();
    await p.join();
    if (p.exitCode !== 0) throw new Error(`Process exited with ${p.exitCode}`, { cause: p.error });
    return p.exitCode;
  },
};

const rawFork: BenchTask = {
  name: names.rawFork,
  fn: () =>
    new Promise((resolve, reject) => {
      const child = fork(exitChildPath, [], {
        serialization: "advanced",
        stdio: ["ignore", "inherit", "inherit", "ipc"],
      });
      let message: unknown;
      child.once("message", (m) => message = m);
      child.once("error", reject);
      child.once("exit", (code) => {
        if (code !== 0 || message !== "ready") {
          reject(new Error(`Raw child exited with ${code} after ${String(message)}`));
        } else resolve(message);
      });
    }),
};

const polycoreChild: BenchTask = {
  name: names.polycoreChild,
  fn: async () => {
    const p = new Process({ target: () => {}, backend: "process" });
    p.start();
    await p.join();
    if (p.exitCode !== 0) throw new Error(`Process exited with ${p.exitCode}`, { cause: p.error });
    return p.exitCode;
  },
};

const echo = new Worker(echoUrl);
let answer: (value: unknown) => void = () => {};
echo.on("message", (m) => answer(m));

const roundTrip: BenchTask = {
  name: names.roundTrip,
  unit: "µs",
  opsPerSample: pings,
  fn: async () => {
    let sum = 0;
    for (let i = 0; i < pings; i++) {
      const reply = new Promise((resolve) => answer = resolve);
      echo.postMessage(i);
      sum += (await reply) as number;
    }
    return sum;
  },
};

const withProcesses = selectedBackends().includes("process");
const threadTasks = [firstMessage, rawExit, polycore, roundTrip];
const ratios: BenchRatio[] = [
  { name: names.ratio, numerator: names.polycore, denominator: names.rawExit },
  ...(withProcesses
    ? [{ name: names.childRatio, numerator: names.polycoreChild, denominator: names.rawFork }]
    : []),
];

try {
  await runSuite("process", [...threadTasks, ...(withProcesses ? [rawFork, polycoreChild] : [])], {
    ratios,
  });
} finally {
  await echo.terminate();
}
