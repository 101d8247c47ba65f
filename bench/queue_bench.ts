/**
 * Suite "queue": the throughput of a Queue between two workers and the round-trip latency of a
 * Pipe (issue 6's targets: ≥ 1M items/s, p50 ≤ 15 µs; CPython on this machine: 57k items/s and
 * 33 µs).
 *
 * - Queue, 1 producer → 1 consumer: two long-lived worker Processes meet at a Barrier; the
 *   producer puts 100,000 small integers, the consumer gets them and checks their sum; they meet
 *   again. µs per item (items/s = 10⁶ ÷ that), with `putSync()`/`getSync()` (blocking, as a
 *   worker would) and with `await put()`/`await get()`.
 * - Pipe ping-pong: the main thread sends a number and receives it back from a worker that
 *   echoes with `recvSync()`/`send()`, 100 round trips per sample; main side `await recv()` (the
 *   event loop keeps running) or `recvSync()`. Each round trip is timed too: their p50, p90 and
 *   p99 are printed after the table.
 * - Pipe ping-pong between two workers: one worker does 500 round trips with another per
 *   sample; µs per round trip (the mean of the 500).
 *
 * Run: `node bench/queue_bench.ts`, `deno run -A bench/queue_bench.ts`, `bun bench/queue_bench.ts`
 * (flags: `--quick`, `--json <file>`), or `npm run bench -- queue`.
 *
 * @module
 */
import { Barrier, type Connection, Event, Pipe, Process, Queue } from "../mod.ts";
import { type BenchTask, runSuite } from "./_harness.ts";

const items = 100_000;
const rounds = 500;
const batch = 100;

const names = {
  queueSync: "Queue 1 → 1 worker, 10⁵ ints: putSync()/getSync(), µs per item",
  queueAsync: "Queue 1 → 1 worker, 10⁵ ints: await put()/await get(), µs per item",
  pipeAsync: "Pipe round trip main ↔ worker: send() + await recv() (mean of 100)",
  pipeSync: "Pipe round trip main ↔ worker: send() + recvSync() (mean of 100)",
  pipeWorkers: "Pipe round trip worker ↔ worker: send() + recvSync() (mean of 500)",
};

interface Running {
  readonly task: BenchTask;
  stop(): Promise<void>;
}

/** Takes or gives `n` items per round, between barriers, until `stop` is set (worker). */
async function queueSide(
  role: "producer" | "consumer",
  q: Queue<number>,
  start: Barrier,
  done: Barrier,
  stop: Event,
  n: number,
  sync: boolean,
): Promise<void> {
  for (;;) {
    start.waitSync();
    if (stop.isSet()) return;
    if (role === "producer") {
      if (sync) { for (let i = 0; i < n; i++) q.putSync(i); }
      else for (let i = 0; i < n; i++) await q.put(i);
    } else {
      let sum = 0;
      if (sync) { for (let i = 0; i < n; i++) sum += q.getSync(); }
      else for (let i = 0; i < n; i++) sum += await q.get();
      if (sum !== n * (n - 1) / 2) throw new Error(`lost items: sum ${sum}`);
    }
    done.waitSync();
  }
}

function queueThroughput(name: string, sync: boolean): Running {
  const q = new Queue<number>();
  const start = new Barrier(3);
  const done = new Barrier(3);
  const stop = new Event();
  const workers = (["producer", "consumer"] as const).map((role) =>
    new Process({ target: queueSide, args: [role, q, start, done, stop, items, sync] })
  );
  for (const p of workers) p.start();
  return {
    task: {
      name,
      unit: "µs",
      opsPerSample: items,
      fn: async () => {
        await start.wait();
        await done.wait();
        return q.qsize();
      },
    },
    stop: async () => {
      stop.set();
      await start.wait();
      await Promise.all(workers.map((p) => p.join()));
    },
  };
}

/** Sends back each number until a negative one (worker). */
function echo(conn: Connection<number>): void {
  for (;;) {
    const n = conn.recvSync();
    conn.send(n);
    if (n < 0) return;
  }
}

/** Every round trip timed by the main-thread variants, for percentiles after the table. */
const roundTrips = new Map<string, number[]>();

function pipeRoundTrip(name: string, sync: boolean): Running {
  const [here, there] = Pipe<number>();
  const p = new Process({ target: echo, args: [there] });
  p.start();
  const times: number[] = [];
  roundTrips.set(name, times);
  return {
    task: {
      name,
      unit: "µs",
      opsPerSample: batch,
      fn: async () => {
        for (let i = 0; i < batch; i++) {
          const t0 = performance.now();
          here.send(i);
          if ((sync ? here.recvSync() : await here.recv()) !== i) throw new Error("out of order");
          times.push(performance.now() - t0);
        }
        return times.length;
      },
    },
    stop: async () => {
      here.send(-1);
      await here.recv();
      await p.join();
    },
  };
}

/** Per round: `count` round trips over `conn`, between barriers, until `stop` is set (worker). */
function ping(
  conn: Connection<number>,
  start: Barrier,
  done: Barrier,
  stop: Event,
  count: number,
): void {
  for (;;) {
    start.waitSync();
    if (stop.isSet()) {
      conn.send(-1);
      conn.recvSync();
      return;
    }
    for (let i = 0; i < count; i++) {
      conn.send(i);
      if (conn.recvSync() !== i) throw new Error("out of order");
    }
    done.waitSync();
  }
}

function pipeBetweenWorkers(name: string): Running {
  const [a, b] = Pipe<number>();
  const start = new Barrier(2);
  const done = new Barrier(2);
  const stop = new Event();
  const workers = [
    new Process({ target: echo, args: [b] }),
    new Process({ target: ping, args: [a, start, done, stop, rounds] }),
  ];
  for (const p of workers) p.start();
  return {
    task: {
      name,
      unit: "µs",
      opsPerSample: rounds,
      fn: async () => {
        await start.wait();
        return await done.wait();
      },
    },
    stop: async () => {
      stop.set();
      await start.wait();
      await Promise.all(workers.map((p) => p.join()));
    },
  };
}

const running = [
  queueThroughput(names.queueSync, true),
  queueThroughput(names.queueAsync, false),
  pipeRoundTrip(names.pipeAsync, false),
  pipeRoundTrip(names.pipeSync, true),
  pipeBetweenWorkers(names.pipeWorkers),
];
try {
  await runSuite("queue", running.map((r) => r.task), { timeMs: 1000 });
} finally {
  for (const r of running) await r.stop();
}
for (const [name, times] of roundTrips) {
  const sorted = times.sort((a, b) => a - b);
  const at = (q: number) => (sorted[Math.floor(q * (sorted.length - 1))] * 1000).toFixed(2);
  console.log(`${name}: p50 ${at(0.5)} µs, p90 ${at(0.9)} µs, p99 ${at(0.99)} µs`);
}
