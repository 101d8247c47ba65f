/**
 * Suite "server": the playground's throughput. The app (`createApp` from server/mod.ts, at most
 * 4 jobs in flight) is served in this process on 127.0.0.1, port 0, by this runtime's server
 * (`Deno.serve`, `Bun.serve`, `@hono/node-server`: server/serve.ts); 4 `fetch` clients in the
 * same process send requests back to back for a fixed time, so the figures include the clients'
 * own cost. Each variant runs once per round, the variants in a rotated order.
 *
 * - `GET /api/health`: the HTTP floor (routing, middleware, JSON).
 * - `POST /api/jobs?wait=true`, a tiny job (`sum_squares` of n = 1,000, one worker): each job
 *   starts a pool, warms it, runs the task and terminates the pool, so this is mostly a worker's
 *   start and end. `mode: "thread"` (a worker thread) and `mode: "process"` (a child process of
 *   this runtime), as `--backends` selects.
 *
 * Rows per variant: requests/s (the median of the rounds' rates), and the p50 and p99 latency
 * in ms over every request (min/max: the rounds' extremes of that percentile). Any status other
 * than 200 fails the run.
 *
 * Run: `node bench/server_bench.ts`, `deno run -A bench/server_bench.ts`,
 * `bun bench/server_bench.ts` (flags: `--quick`, `--json <file>`, `--backends thread,process`),
 * or `npm run bench -- server`.
 *
 * @module
 */
import process from "node:process";
import { runtime } from "../mod.ts";
import { createApp, serve } from "../server/mod.ts";
import {
  type BenchRow,
  isQuick,
  median,
  percentile,
  reportSuite,
  roundsOf,
  selectedBackends,
} from "./_harness.ts";

const suite = "server";
const clients = 4;
const rounds = roundsOf({ rounds: 3 }).rounds;
const durationMs = isQuick() ? 600 : 2_000;
const warmupMs = isQuick() ? 200 : 500;

interface Variant {
  readonly name: string;
  readonly request: () => Request;
}

interface Round {
  readonly requests: number;
  readonly seconds: number;
  readonly latencies: number[];
}

const app = createApp({ maxInFlight: clients });
const server = await serve(app, { port: 0 });

const job = (mode: "thread" | "process"): Variant => ({
  name: `POST /api/jobs?wait=true, tiny job, mode ${mode}`,
  request: () =>
    new Request(`${server.url}/api/jobs?wait=true`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ workload: "sum_squares", params: { n: 1000 }, mode, workers: 1 }),
    }),
});
const variants: Variant[] = [
  { name: "GET /api/health", request: () => new Request(`${server.url}/api/health`) },
  ...selectedBackends().map(job),
];

/** `clients` loops sending `variant`'s request back to back for `ms`. */
async function load(variant: Variant, ms: number): Promise<Round> {
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + ms;
  const client = async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      const response = await fetch(variant.request());
      const body = await response.text();
      if (response.status !== 200) {
        throw new Error(`${variant.name}: status ${response.status}: ${body.slice(0, 300)}`);
      }
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  return { requests: latencies.length, seconds: (performance.now() - started) / 1000, latencies };
}

function rowsOf(variant: Variant, results: readonly Round[]): BenchRow[] {
  const rates = results.map((r) => r.requests / r.seconds);
  const every = results.flatMap((r) => r.latencies);
  const base = { suite, runtime: runtime.name, samples: every.length };
  return [
    {
      ...base,
      name: `${variant.name}: throughput, ${clients} clients`,
      unit: "req/s",
      median: median(rates),
      min: Math.min(...rates),
      max: Math.max(...rates),
    },
    ...([["p50", 0.5], ["p99", 0.99]] as const).map(([label, q]): BenchRow => {
      const perRound = results.map((r) => percentile(r.latencies, q));
      return {
        ...base,
        name: `${variant.name}: ${label} latency`,
        unit: "ms",
        median: percentile(every, q),
        min: Math.min(...perRound),
        max: Math.max(...perRound),
      };
    }),
  ];
}

try {
  for (const variant of variants) await load(variant, warmupMs);
  const results = new Map<Variant, Round[]>(variants.map((v) => [v, []]));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < variants.length; i++) {
      const variant = variants[(i + round) % variants.length];
      results.get(variant)!.push(await load(variant, durationMs));
    }
  }
  const rows = variants.flatMap((v) => rowsOf(v, results.get(v)!));
  reportSuite(suite, rows, `${rounds} rounds of ${durationMs} ms`);
} finally {
  await server.close();
  await app.shutdown();
}
process.exit(0);
