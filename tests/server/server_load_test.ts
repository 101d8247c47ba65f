// A bounded load test on 127.0.0.1: a playground server on this runtime (a child process, port 0,
// at most 4 jobs in flight) takes 16 concurrent connections for 5 seconds of tiny jobs and health
// checks. Under saturation the only 5xx allowed is 503 (with Retry-After); p50/p99 latencies are
// printed. The loops stop by themselves at the deadline.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { runtime } from "../../mod.ts";
import { runtimeBin, type ServerProcess, startServer } from "../fixtures/server_process.ts";

const connections = 16;
const durationMs = 5_000;
const name = runtime.name;

function percentile(sorted: number[], q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : 0;
}

describe(`the server on ${name} under load`, () => {
  if (!runtimeBin(name)) {
    it.skip(`${name} is not installed in node_modules/.bin (run npm ci)`, () => {});
    return;
  }
  let server: ServerProcess | undefined;
  after(() => server?.kill());

  it(`${connections} connections × ${durationMs / 1000} s: no 5xx but 503`, {
    timeout: 120_000,
  }, async () => {
    server = await startServer(name, ["--quiet", "--max-in-flight", "4"]);
    const statuses = new Map<number, number>();
    const latencies: Record<"job" | "health", number[]> = { job: [], health: [] };
    const failures: string[] = [];
    let missingRetryAfter = 0;
    const deadline = performance.now() + durationMs;
    const loop = async (index: number) => {
      for (let i = 0; performance.now() < deadline; i++) {
        const kind = (i + index) % 4 === 0 ? "health" : "job";
        const t0 = performance.now();
        try {
          const response = kind === "health"
            ? await fetch(`${server!.url}/api/health`)
            : await fetch(`${server!.url}/api/jobs?wait=true`, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify({
                workload: "sum_squares",
                params: { n: 1000 + i },
                mode: "sequential",
              }),
            });
          await response.arrayBuffer();
          latencies[kind].push(performance.now() - t0);
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          if (response.status === 503) {
            if (!response.headers.get("retry-after")) missingRetryAfter++;
            await new Promise((resolve) => setTimeout(resolve, 20)); // a client backing off
          }
        } catch (error) {
          failures.push(String(error));
        }
      }
    };
    await Promise.all(Array.from({ length: connections }, (_, i) => loop(i)));
    const exit = await server.stop("SIGTERM");

    const summary = [...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(" ");
    for (const kind of ["job", "health"] as const) {
      const sorted = latencies[kind].sort((a, b) => a - b);
      console.log(
        `load (${name}) ${kind}: ${sorted.length} requests, p50 ${
          percentile(sorted, 0.5).toFixed(1)
        } ms, p99 ${percentile(sorted, 0.99).toFixed(1)} ms`,
      );
    }
    console.log(`load (${name}) statuses: ${summary}; transport errors: ${failures.length}`);

    assert.deepEqual(failures.slice(0, 3), []);
    const bad = [...statuses.keys()].filter((s) => s >= 500 && s !== 503);
    assert.deepEqual(bad, [], summary);
    assert.ok((statuses.get(200) ?? 0) > 0, summary);
    assert.equal(missingRetryAfter, 0);
    assert.equal(exit.code, 0, server.output());
  });
});
