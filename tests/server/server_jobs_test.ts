// The playground app's jobs through app.request(), in-process, on every runtime: POST /api/jobs
// (wait, poll, other runtimes), SSE events, cancellation, time limits, the in-flight cap (503),
// comparisons; then the metrics that count them, the OpenAPI document, the docs and the page.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { runtime } from "../../mod.ts";
import type { PlaygroundApp } from "../../server/mod.ts";
import {
  appsShutDownAfter,
  call,
  errorOf,
  otherRuntimes,
  post,
  type Reply,
  until,
} from "../fixtures/server_helpers.ts";

const slow = { timeout: 120_000 };
const app = appsShutDownAfter();

const main = app({ maxInFlight: 16 });
/** A job long enough to cancel: trial division up to 2·10⁷ on one worker (many seconds). */
const long = { workload: "primes", params: { n: 20_000_000 }, mode: "sequential" };

async function waitEnd(target: PlaygroundApp, id: string): Promise<Reply> {
  let reply!: Reply;
  await until(
    async () => {
      reply = await call(target, `/api/jobs/${id}`);
      return reply.body.state !== "running";
    },
    `job ${id} ends`,
    60_000,
  );
  return reply;
}

describe("POST /api/jobs", () => {
  it("?wait=true answers 200 with the finished job and its timings", slow, async () => {
    const reply = await post(main, "/api/jobs?wait=true", {
      workload: "primes",
      params: { n: 100_000 },
      mode: "thread",
      workers: 2,
    });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.state, "succeeded");
    const result = reply.body.result;
    assert.equal(result.result.value, 9592);
    assert.equal(result.runtime, runtime.name);
    assert.equal(result.workers, 2);
    assert.ok(result.wallMs > 0 && result.startupMs > 0);
    assert.ok(result.cpuMs === null || result.cpuMs >= 0);
  });

  it("answers 202 with a Location, and the job can be polled and listed", slow, async () => {
    const reply = await post(main, "/api/jobs", {
      workload: "sum_squares",
      params: { n: 1000 },
      mode: "sequential",
    });
    assert.equal(reply.status, 202, reply.text);
    assert.equal(reply.headers.get("location"), `/api/jobs/${reply.body.id}`);
    const ended = await waitEnd(main, reply.body.id);
    assert.equal(ended.body.state, "succeeded");
    assert.equal(ended.body.result.result.value, 332_833_500);
    const list = await call(main, "/api/jobs");
    assert.equal(list.status, 200);
    assert.ok(list.body.jobs.some((j: { id: string }) => j.id === reply.body.id));
  });

  it("sequential and parallel implementations agree for every workload", slow, async () => {
    const tiny: Record<string, Record<string, number>> = {
      sum_squares: { n: 50_000 },
      sum_sqrt: { n: 50_000 },
      primes: { n: 20_000 },
      monte_carlo_pi: { samples: 250_000 },
      mandelbrot: { width: 60, height: 40, maxIterations: 100 },
      sha256: { megabytes: 1 },
      matrix: { n: 40 },
      sort: { n: 20_000 },
    };
    for (const [workload, params] of Object.entries(tiny)) {
      const reply = await post(main, "/api/compare?wait=true", {
        workload,
        params,
        modes: ["sequential", "thread"],
        workers: [2],
        repeats: 1,
      });
      assert.equal(reply.status, 200, reply.text);
      assert.equal(reply.body.state, "succeeded", JSON.stringify(reply.body.error));
      const cells = reply.body.result.cells;
      assert.equal(cells.length, 2);
      assert.equal(cells[1].matches, true, `${workload}: ${JSON.stringify(cells)}`);
    }
  });

  it("a process-mode job runs where the process backend is available, else 422", slow, async () => {
    const info = await call(main, "/api/runtime");
    const reply = await post(main, "/api/jobs?wait=true", {
      workload: "sum_sqrt",
      params: { n: 10_000 },
      mode: "process",
      workers: 2,
    });
    if (info.body.backends.process.available) {
      assert.equal(reply.status, 200, reply.text);
      assert.equal(reply.body.state, "succeeded", JSON.stringify(reply.body.error));
      assert.equal(reply.body.result.mode, "process");
      assert.equal(reply.body.result.cpuMs, null);
    } else {
      assert.equal(reply.status, 422);
      assert.equal(errorOf(reply).code, "backend_unavailable");
      assert.equal(errorOf(reply).field, "mode");
    }
  });

  it("a job on another runtime runs in a child process of it", slow, async () => {
    const reply = await post(main, "/api/jobs?wait=true", {
      workload: "matrix",
      params: { n: 30 },
      runtime: otherRuntimes[0],
      workers: 2,
    });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.state, "succeeded", JSON.stringify(reply.body.error));
    assert.equal(reply.body.result.runtime, otherRuntimes[0]);
  });

  it("a job on a runtime that is not installed is refused with 422 naming 'runtime'", async () => {
    const hidden = app({ runtimes: { bins: { [otherRuntimes[0]]: null } } });
    const reply = await post(hidden, "/api/jobs", {
      workload: "primes",
      runtime: otherRuntimes[0],
    });
    assert.equal(reply.status, 422);
    assert.equal(errorOf(reply).code, "runtime_unavailable");
    assert.equal(errorOf(reply).field, "runtime");
  });
});

describe("job events, cancellation and time limits", () => {
  it("GET /api/jobs/{id}/events streams snapshot, progress and done", slow, async () => {
    const started = await post(main, "/api/jobs", {
      workload: "mandelbrot",
      params: { width: 200, height: 200, maxIterations: 200 },
      workers: 2,
    });
    assert.equal(started.status, 202);
    const response = await main.request(`/api/jobs/${started.body.id}/events`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /text\/event-stream/);
    const text = await response.text(); // the stream ends after `done`
    const events = [...text.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    assert.equal(events[0], "snapshot");
    assert.equal(events.at(-1), "done");
    const done = JSON.parse(/event: done\ndata: (.*)\n/.exec(text)![1]);
    assert.equal(done.state, "succeeded");
    assert.ok(done.result.result.value > 0);
  });

  it("events of a finished job are its snapshot and done at once", slow, async () => {
    const ended = await post(main, "/api/jobs?wait=1", {
      workload: "sum_sqrt",
      params: { n: 10 },
      mode: "sequential",
    });
    const text = await (await main.request(`/api/jobs/${ended.body.id}/events`)).text();
    assert.deepEqual([...text.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]), ["snapshot", "done"]);
  });

  it("DELETE cancels a running job and terminates its worker", slow, async () => {
    const started = await post(main, "/api/jobs", long);
    assert.equal(started.status, 202);
    await until(async () => {
      const metrics = await call(main, "/api/metrics");
      return metrics.body.pools.busy >= 1;
    }, "the job's worker is busy");
    const t0 = performance.now();
    const reply = await call(main, `/api/jobs/${started.body.id}`, { method: "DELETE" });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.state, "cancelled");
    assert.equal(reply.body.error.code, "job_cancelled");
    assert.ok(performance.now() - t0 < 10_000);
    const metrics = await call(main, "/api/metrics");
    assert.equal(
      metrics.body.pools.details.filter((p: { busy: number }) => p.busy > 0).length,
      0,
    );
    const again = await call(main, `/api/jobs/${started.body.id}`, { method: "DELETE" });
    assert.equal(again.status, 409);
    assert.equal(errorOf(again).code, "job_not_running");
  });

  it("a job over its time limit ends timed_out, its worker terminated", slow, async () => {
    const reply = await post(main, "/api/jobs?wait=true", { ...long, timeoutMs: 300 });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.state, "timed_out");
    assert.equal(reply.body.error.code, "job_timeout");
    assert.ok(reply.body.elapsedMs < 10_000);
  });

  it("unknown jobs are 404 for GET, DELETE and events", async () => {
    for (
      const [path, method] of [
        ["/api/jobs/nope", "GET"],
        ["/api/jobs/nope", "DELETE"],
        ["/api/jobs/nope/events", "GET"],
      ]
    ) {
      const reply = await call(main, path, { method });
      assert.equal(reply.status, 404, path);
      assert.equal(errorOf(reply).code, "job_not_found");
    }
  });

  it("over the in-flight cap a job gets 503 with Retry-After", slow, async () => {
    const capped = app({ maxInFlight: 1 });
    const first = await post(capped, "/api/jobs", long);
    assert.equal(first.status, 202);
    const second = await post(capped, "/api/jobs", { workload: "primes" });
    assert.equal(second.status, 503);
    assert.equal(second.headers.get("retry-after"), "2");
    assert.equal(errorOf(second).code, "too_many_jobs");
    const compare = await post(capped, "/api/compare", { workload: "primes" });
    assert.equal(compare.status, 503);
    await call(capped, `/api/jobs/${first.body.id}`, { method: "DELETE" });
    const health = await call(capped, "/api/health");
    assert.equal(health.status, 200);
    assert.equal(health.body.jobsRunning, 0);
  });
});

describe("POST /api/compare", () => {
  it("times modes × workers with repeats: medians, speedup, efficiency", slow, async () => {
    const reply = await post(main, "/api/compare?wait=true", {
      workload: "sum_sqrt",
      params: { n: 200_000 },
      modes: ["thread"],
      workers: [1, 2],
      repeats: 2,
    });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.kind, "compare");
    const { cells, runtimes } = reply.body.result;
    assert.deepEqual(runtimes.map((r: { name: string }) => r.name), [runtime.name]);
    assert.deepEqual(
      cells.map((c: { mode: string; workers: number }) => `${c.mode}×${c.workers}`),
      ["sequential×1", "thread×1", "thread×2"],
    );
    for (const cell of cells) {
      assert.equal(cell.status, "ok");
      assert.equal(cell.samplesMs.length, 2);
      assert.ok(cell.minMs <= cell.medianMs && cell.medianMs <= cell.maxMs);
      assert.ok(cell.speedup > 0);
      assert.equal(cell.efficiency, cell.speedup / cell.workers);
      assert.equal(cell.matches, true);
    }
    assert.equal(cells[0].speedup, 1);
  });

  it("reports a runtime that is not installed as unavailable, runs the others", slow, async () => {
    const hidden = app({ runtimes: { bins: { [otherRuntimes[0]]: null } } });
    const reply = await post(hidden, "/api/compare?wait=true", {
      workload: "mandelbrot",
      params: { width: 40, height: 30, maxIterations: 50 },
      workers: [2],
      runtimes: [runtime.name, otherRuntimes[0], otherRuntimes[1]],
      repeats: 1,
    });
    assert.equal(reply.status, 200, reply.text);
    const byName = Object.fromEntries(
      reply.body.result.runtimes.map((r: { name: string }) => [r.name, r]),
    );
    assert.equal(byName[otherRuntimes[0]].status, "unavailable");
    assert.equal(byName[runtime.name].status, "ok");
    assert.equal(byName[otherRuntimes[1]].status, "ok", JSON.stringify(byName[otherRuntimes[1]]));
    const cells = reply.body.result.cells.filter((c: { runtime: string }) =>
      c.runtime === otherRuntimes[1]
    );
    assert.ok(cells.every((c: { status: string; matches: boolean | null }) => c.status === "ok"));
    assert.equal(cells[1].matches, true);
  });

  it("refuses a comparison of more runs than allowed, naming 'repeats'", async () => {
    const reply = await post(main, "/api/compare", {
      workload: "primes",
      modes: ["sequential", "thread", "process"],
      workers: [1, 2, 3, 4],
      runtimes: ["node", "deno", "bun"],
      repeats: 20,
    });
    assert.equal(reply.status, 422);
    assert.equal(errorOf(reply).field, "repeats");
  });

  it("SSE of a comparison carries partial results", slow, async () => {
    const started = await post(main, "/api/compare", {
      workload: "sum_squares",
      params: { n: 10_000 },
      workers: [2],
      repeats: 2,
    });
    assert.equal(started.status, 202);
    const text = await (await main.request(`/api/jobs/${started.body.id}/events`)).text();
    const events = [...text.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    assert.ok(events.includes("partial") || events.length === 2, events.join(","));
    assert.equal(events.at(-1), "done");
  });
});

describe("metrics, OpenAPI, docs and the page", () => {
  it("GET /api/metrics has jobs, pools and HTTP counts", async () => {
    const reply = await call(main, "/api/metrics");
    assert.equal(reply.status, 200);
    assert.ok(reply.body.jobs.submitted >= 1);
    assert.ok(reply.body.pools.created >= 1);
    assert.ok(reply.body.pools.completed >= 1);
    assert.ok(reply.body.http.requests >= 1);
  });

  it("GET /metrics is Prometheus text", async () => {
    const reply = await call(main, "/metrics");
    assert.equal(reply.status, 200);
    assert.match(reply.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    assert.match(reply.text, /^# TYPE polycore_jobs_submitted_total counter$/m);
    assert.match(reply.text, /^polycore_jobs_finished_total\{state="succeeded"\} \d+$/m);
    assert.match(reply.text, /^polycore_http_responses_total\{status="200"\} \d+$/m);
  });

  it("GET /openapi.json documents every endpoint", async () => {
    const reply = await call(main, "/openapi.json");
    assert.equal(reply.status, 200);
    assert.equal(reply.body.openapi, "3.1.0");
    for (
      const path of [
        "/api/health",
        "/api/runtime",
        "/api/workloads",
        "/api/jobs",
        "/api/jobs/{id}",
        "/api/jobs/{id}/events",
        "/api/compare",
        "/api/metrics",
        "/metrics",
      ]
    ) assert.ok(reply.body.paths[path], path);
    assert.ok(reply.body.paths["/api/jobs/{id}"].delete);
    assert.ok(reply.body.components.schemas.JobRequest);
    assert.ok(reply.body.components.schemas.Error);
  });

  it("GET /docs loads the API reference from a local asset under a nonce CSP", async () => {
    const reply = await call(main, "/docs");
    assert.equal(reply.status, 200);
    assert.match(reply.text, /src="\/docs\/assets\/scalar\.js"/);
    assert.doesNotMatch(reply.text, /cdn\.jsdelivr|https?:\/\/(?!www\.w3\.org)/);
    const nonce = /nonce="([^"]+)"/.exec(reply.text)?.[1];
    assert.ok(nonce);
    assert.ok(reply.headers.get("content-security-policy")?.includes(`'nonce-${nonce}'`));
    const asset = await main.request("/docs/assets/scalar.js");
    assert.equal(asset.status, 200);
    assert.match(asset.headers.get("content-type") ?? "", /javascript/);
    assert.ok((await asset.arrayBuffer()).byteLength > 100_000);
  });

  it("GET / serves the page and its bundled script and style", slow, async () => {
    const page = await call(main, "/");
    assert.equal(page.status, 200);
    assert.match(page.text, /<script type="module" src="\/assets\/app\.js">/);
    const script = await call(main, "/assets/app.js");
    assert.equal(script.status, 200);
    assert.match(script.headers.get("content-type") ?? "", /javascript/);
    assert.match(script.text, /\/api\/compare/);
    const style = await call(main, "/assets/style.css");
    assert.equal(style.status, 200);
    const icon = await call(main, "/favicon.ico");
    assert.equal(icon.status, 200);
  });
});
