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
 * Run: `node bench/process_bench.ts`, `deno run -A bench/process_bench.ts`,
 * `bun bench/process_bench.ts` (flags: `--quick`, `--json <file>`), or `npm run bench -- process`.
 *
 * @module
 */
import { Worker } from "node:worker_threads";
import { Process } from "../mod.ts";
import { type BenchTask, runSuite } from "./_harness.ts";

const readyUrl = new URL("./fixtures/ready_worker.mjs", import.meta.url);
const echoUrl = new URL("./fixtures/echo_worker.mjs", import.meta.url);
const pings = 200;

const names = {
  firstMessage: "raw worker_threads: new Worker → first message",
  rawExit: "raw worker_threads: new Worker → exit",
  polycore: "polycore Process: start() → join(), empty target",
  ratio: "polycore Process ÷ raw worker, start → exit",
  roundTrip: "raw worker_threads: postMessage round trip",
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

try {
  await runSuite("process", [firstMessage, rawExit, polycore, roundTrip], {
    ratios: [{ name: names.ratio, numerator: names.polycore, denominator: names.rawExit }],
  });
} finally {
  await echo.terminate();
}
