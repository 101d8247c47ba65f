// The playground app's read-only routes through app.request(), in-process, on every runtime:
// GET /api/health, /api/runtime (this runtime, the backends, the runtimes installed or not) and
// /api/workloads (the catalogue with schemas, defaults and limits).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { runtime } from "../../mod.ts";
import { appsShutDownAfter, call, otherRuntimes } from "../fixtures/server_helpers.ts";

const app = appsShutDownAfter();

const main = app({ maxInFlight: 16 });

describe("GET /api/health, /api/runtime, /api/workloads", () => {
  it("health answers ok with the running job count", async () => {
    const reply = await call(main, "/api/health");
    assert.equal(reply.status, 200);
    assert.equal(reply.body.status, "ok");
    assert.equal(typeof reply.body.jobsRunning, "number");
    assert.ok(reply.headers.get("x-request-id"));
    assert.equal(reply.headers.get("x-content-type-options"), "nosniff");
  });

  it("runtime reports this runtime, the backends and the three runtimes", async () => {
    const reply = await call(main, "/api/runtime");
    assert.equal(reply.status, 200);
    assert.equal(reply.body.runtime.name, runtime.name);
    assert.ok(reply.body.cpus >= 1);
    assert.equal(reply.body.backends.thread.available, true);
    assert.equal(typeof reply.body.backends.process.available, "boolean");
    assert.deepEqual(reply.body.runtimes.map((r: { name: string }) => r.name), [
      "node",
      "deno",
      "bun",
    ]);
    const own = reply.body.runtimes.find((r: { current: boolean }) => r.current);
    assert.equal(own.name, runtime.name);
    assert.equal(own.available, true);
    assert.equal(reply.body.allowCode, false);
  });

  it("runtime reports a runtime that is not installed as unavailable", async () => {
    const hidden = app({ runtimes: { bins: { [otherRuntimes[0]]: null } } });
    const reply = await call(hidden, "/api/runtime");
    const status = reply.body.runtimes.find((r: { name: string }) => r.name === otherRuntimes[0]);
    assert.equal(status.available, false);
    assert.match(status.reason, /not installed/);
  });

  it("workloads lists the catalogue with JSON schemas, defaults and limits", async () => {
    const reply = await call(main, "/api/workloads");
    assert.equal(reply.status, 200);
    const names = reply.body.workloads.map((w: { name: string }) => w.name);
    for (
      const name of [
        "sum_squares",
        "sum_sqrt",
        "primes",
        "monte_carlo_pi",
        "mandelbrot",
        "sha256",
        "matrix",
        "sort",
        "code",
      ]
    ) assert.ok(names.includes(name), name);
    const primes = reply.body.workloads.find((w: { name: string }) => w.name === "primes");
    assert.deepEqual(primes.limits.n, { min: 2, max: 20_000_000 });
    assert.equal(primes.defaults.n, 2_000_000);
    assert.equal(primes.paramsSchema.type, "object");
    const code = reply.body.workloads.find((w: { name: string }) => w.name === "code");
    assert.equal(code.enabled, false);
  });
});
