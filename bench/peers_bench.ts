/**
 * Suite "peers" (Node only: piscina, tinypool and workerpool are Node libraries): polycore's Pool
 * side by side with the pools users would pick instead, on the same two tiny workloads, each pool
 * with 2 workers.
 *
 * - tiny tasks at once: `Promise.all` of 5,000 `a + b` tasks; µs per task (10⁶ ÷ that = tasks/s).
 * - sequential round trip: 200 tasks awaited one after another; µs per task.
 *
 * On threads: polycore (`pool.apply(add, [a, b])`, a function task), piscina and tinypool
 * (`run({ a, b })` on bench/fixtures/add_worker.mjs), workerpool (`exec("add", [a, b])` on
 * bench/fixtures/workerpool_worker.mjs). On child processes (`--backends process`): polycore
 * (`backend: "process"`), tinypool (`runtime: "child_process"`), workerpool
 * (`workerType: "process"`); piscina has none. The ratio rows are a peer's time ÷ polycore's on
 * the same backend (above 1: polycore is faster). A peer that is not installed is skipped with a
 * notice. bench/pool_bench.ts has polycore's own pool rows (map, CPU-bound speedup, start).
 *
 * Run: `node bench/peers_bench.ts [--quick] [--backends thread,process]` or
 * `npm run bench -- peers`. On Deno and Bun it reports no rows.
 *
 * @module
 */
import process from "node:process";
import { Pool, runtime } from "../mod.ts";
import {
  type Backend,
  type BenchRatio,
  type BenchTask,
  reportSuite,
  runSuite,
  selectedBackends,
} from "./_harness.ts";

const suite = "peers";
const workers = 2;
const burst = 5_000;
const roundTrips = 200;

/** A pool of one library on one backend, reduced to what the workloads need. */
interface Peer {
  readonly name: string;
  readonly backend: Backend;
  run(a: number, b: number): Promise<number>;
  close(): Promise<unknown>;
}

const add = (a: number, b: number) => a + b;
const fixture = (file: string) => new URL(`./fixtures/${file}`, import.meta.url);

function polycore(backend: Backend): Promise<Peer> {
  const pool = new Pool({ processes: workers, backend });
  return Promise.resolve({
    name: "polycore",
    backend,
    run: (a: number, b: number) => pool.apply(add, [a, b]),
    close: () => pool.terminate(),
  });
}

async function piscina(backend: Backend): Promise<Peer | undefined> {
  if (backend !== "thread") return undefined;
  const { Piscina } = await import("piscina");
  const pool = new Piscina({
    filename: fixture("add_worker.mjs").href,
    minThreads: workers,
    maxThreads: workers,
  });
  return {
    name: "piscina",
    backend,
    run: (a, b) => pool.run({ a, b }),
    close: () => pool.destroy(),
  };
}

async function tinypool(backend: Backend): Promise<Peer> {
  const { Tinypool } = await import("tinypool");
  const pool = new Tinypool({
    filename: fixture("add_worker.mjs").href,
    minThreads: workers,
    maxThreads: workers,
    runtime: backend === "thread" ? "worker_threads" : "child_process",
  });
  return {
    name: "tinypool",
    backend,
    run: (a, b) => pool.run({ a, b }),
    close: () => pool.destroy(),
  };
}

async function workerpool(backend: Backend): Promise<Peer> {
  const { default: wp } = await import("workerpool");
  const pool = wp.pool(fixture("workerpool_worker.mjs").pathname, {
    minWorkers: workers,
    maxWorkers: workers,
    workerType: backend,
  });
  return {
    name: "workerpool",
    backend,
    run: (a, b) => pool.exec("add", [a, b]) as Promise<number>,
    close: async () => await pool.terminate(),
  };
}

/** The pools that could be made; a library that is not installed is reported and skipped. */
async function makePeers(): Promise<Peer[]> {
  const peers: Peer[] = [];
  for (const backend of selectedBackends()) {
    for (const make of [polycore, piscina, tinypool, workerpool]) {
      try {
        const peer = await make(backend);
        if (peer) peers.push(peer);
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        console.error(`peers: skipping ${make.name} on ${backend}s: ${why}`);
      }
    }
  }
  // Every worker started and every task module loaded before the first sample.
  await Promise.all(peers.map((p) => Promise.all([p.run(1, 2), p.run(3, 4), p.run(5, 6)])));
  return peers;
}

const label = (peer: Peer) => `${peer.name} (${peer.backend})`;
const names = {
  burst: (peer: Peer) => `${label(peer)}: ${burst.toLocaleString("en")} tiny tasks at once`,
  trip: (peer: Peer) => `${label(peer)}: sequential round trip`,
};

function tasksOf(peer: Peer): BenchTask[] {
  return [
    {
      name: names.burst(peer),
      unit: "µs",
      opsPerSample: burst,
      fn: async () => {
        const results = await Promise.all(Array.from({ length: burst }, (_, i) => peer.run(i, 1)));
        if (results[burst - 1] !== burst) throw new Error(`${label(peer)}: wrong result`);
        return results;
      },
    },
    {
      name: names.trip(peer),
      unit: "µs",
      opsPerSample: roundTrips,
      fn: async () => {
        let total = 0;
        for (let i = 0; i < roundTrips; i++) total += await peer.run(i, 1);
        return total;
      },
    },
  ];
}

function ratiosOf(peers: readonly Peer[]): BenchRatio[] {
  return peers.flatMap((peer) => {
    const ours = peers.find((p) => p.name === "polycore" && p.backend === peer.backend);
    if (!ours || peer === ours) return [];
    return [
      {
        name: `tiny tasks at once: ${label(peer)} ÷ polycore`,
        numerator: names.burst(peer),
        denominator: names.burst(ours),
      },
      {
        name: `round trip: ${label(peer)} ÷ polycore`,
        numerator: names.trip(peer),
        denominator: names.trip(ours),
      },
    ];
  });
}

if (runtime.name !== "node") {
  console.error(
    `peers: piscina, tinypool and workerpool are Node libraries: no rows on ${runtime.name}`,
  );
  reportSuite(suite, []);
} else {
  const peers = await makePeers();
  try {
    await runSuite(suite, peers.flatMap(tasksOf), { ratios: ratiosOf(peers), rounds: 3 });
  } finally {
    await Promise.all(peers.map((p) => p.close()));
  }
}
process.exit(0);
