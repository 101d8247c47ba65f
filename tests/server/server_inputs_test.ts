// The playground app's input errors through app.request(), in-process: one JSON error shape with
// the field named (400, 413, 415, 422, 404), fuzzed bodies (fast-check) that must only ever get
// 4xx; and user code: 403 unless allowed, then run in a child process, with Host/Origin checks.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { appsShutDownAfter, call, errorOf, post } from "../fixtures/server_helpers.ts";

const slow = { timeout: 120_000 };
const app = appsShutDownAfter();

const main = app({ maxInFlight: 16 });

describe("input errors: one JSON shape, the field named", () => {
  const cases: [string, unknown, number, string | undefined][] = [
    ["an out-of-range parameter", { workload: "primes", params: { n: 1 } }, 422, "params.n"],
    ["a non-integer parameter", { workload: "matrix", params: { n: 2.5 } }, 422, "params.n"],
    ["an unknown parameter", { workload: "primes", params: { m: 1 } }, 422, "params"],
    ["an unknown workload", { workload: "bitcoin" }, 422, "workload"],
    ["a missing workload", {}, 422, "workload"],
    ["too many workers", { workload: "primes", workers: 10_000 }, 422, "workers"],
    ["zero workers", { workload: "primes", workers: 0 }, 422, "workers"],
    ["an unknown mode", { workload: "primes", mode: "gpu" }, 422, "mode"],
    ["an unknown runtime", { workload: "primes", runtime: "java" }, 422, "runtime"],
    ["an unknown top-level field", { workload: "primes", color: "red" }, 422, undefined],
    ["a too-short time limit", { workload: "primes", timeoutMs: 1 }, 422, "timeoutMs"],
    ["not an object", [1, 2], 422, undefined],
  ];
  for (const [what, body, status, field] of cases) {
    it(`${what} → ${status}${field ? ` naming '${field}'` : ""}`, async () => {
      const reply = await post(main, "/api/jobs", body);
      assert.equal(reply.status, status, reply.text);
      const error = errorOf(reply);
      assert.equal(error.code, "validation_failed");
      if (field) assert.equal(error.field, field, reply.text);
      assert.ok(reply.body.error.issues.length >= 1);
    });
  }

  it("malformed JSON → 400 invalid_json", async () => {
    const reply = await call(main, "/api/jobs", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    assert.equal(reply.status, 400);
    assert.equal(errorOf(reply).code, "invalid_json");
  });

  it("a body that is not JSON → 415", async () => {
    const reply = await call(main, "/api/jobs", {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "primes",
    });
    assert.equal(reply.status, 415);
    assert.equal(errorOf(reply).code, "unsupported_media_type");
  });

  it("a body over the limit → 413, with Content-Length or chunked", async () => {
    const small = app({ bodyLimitBytes: 1024 });
    const big = JSON.stringify({ workload: "primes", pad: "x".repeat(4096) });
    const sized = await call(small, "/api/jobs", {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": String(big.length) },
      body: big,
    });
    assert.equal(sized.status, 413);
    assert.equal(errorOf(sized).code, "payload_too_large");
    const bytes = new TextEncoder().encode(big);
    const chunked = await call(small, "/api/compare", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < bytes.length; i += 512) controller.enqueue(bytes.slice(i, i + 512));
          controller.close();
        },
      }),
      duplex: "half",
    } as RequestInit);
    assert.equal(chunked.status, 413);
  });

  it("an unknown route → 404 in the same shape", async () => {
    const reply = await call(main, "/api/nothing");
    assert.equal(reply.status, 404);
    assert.equal(errorOf(reply).code, "not_found");
  });

  it("fuzzed bodies only ever get 4xx", slow, async () => {
    const names = [
      "sum_squares",
      "sum_sqrt",
      "primes",
      "monte_carlo_pi",
      "mandelbrot",
      "sha256",
      "matrix",
      "sort",
      "code",
    ];
    const almostValid = fc.record({
      workload: fc.oneof(fc.constantFrom(...names), fc.string()),
      // The key `_fuzz` is never a parameter, so no generated body is a valid job.
      params: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 })).map((
        d,
      ) => ({ ...d, _fuzz: 1 })),
      mode: fc.oneof(fc.constantFrom("sequential", "thread", "process"), fc.jsonValue()),
      workers: fc.oneof(fc.integer(), fc.double(), fc.jsonValue()),
      modes: fc.array(fc.jsonValue(), { maxLength: 4 }),
      repeats: fc.jsonValue(),
      runtimes: fc.jsonValue(),
      timeoutMs: fc.oneof(fc.integer(), fc.jsonValue()),
    }, { requiredKeys: ["params"] });
    const raw = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
      almostValid.map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 200 }),
    );
    await fc.assert(
      fc.asyncProperty(raw, fc.constantFrom("/api/jobs", "/api/compare"), async (body, path) => {
        const reply = await call(main, path, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
        });
        assert.ok(reply.status >= 400 && reply.status < 500, `${reply.status} for ${body}`);
        errorOf(reply);
      }),
      { numRuns: 300 },
    );
  });
});

describe("user code", () => {
  it("is refused with 403 unless the server allows it", async () => {
    const reply = await post(main, "/api/jobs", {
      workload: "code",
      params: { source: "return input", inputs: [1] },
    });
    assert.equal(reply.status, 403);
    assert.equal(errorOf(reply).code, "code_disabled");
    const invalid = await post(main, "/api/compare", { workload: "code" });
    assert.equal(invalid.status, 403);
  });

  it("runs in a child runtime process with --allow-code", slow, async () => {
    const coder = app({ allowCode: true });
    const reply = await call(coder, "/api/jobs?wait=true", {
      method: "POST",
      headers: { "content-type": "application/json", host: "127.0.0.1:8787" },
      body: JSON.stringify({
        workload: "code",
        params: { source: "return input * 2;", inputs: [1, 2, 3] },
        workers: 2,
      }),
    });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.state, "succeeded", JSON.stringify(reply.body.error));
    assert.deepEqual(reply.body.result.result.value, [2, 4, 6]);
  });

  it("reports a syntax error as 422 naming 'params.source'", async () => {
    const coder = app({ allowCode: true });
    const reply = await call(coder, "/api/jobs", {
      method: "POST",
      headers: { "content-type": "application/json", host: "localhost:8787" },
      body: JSON.stringify({ workload: "code", params: { source: "return (", inputs: [1] } }),
    });
    assert.equal(reply.status, 422);
    assert.equal(errorOf(reply).field, "params.source");
  });

  it("stops code that runs past its time limit", slow, async () => {
    const coder = app({ allowCode: true });
    const reply = await call(coder, "/api/jobs?wait=true", {
      method: "POST",
      headers: { "content-type": "application/json", host: "127.0.0.1" },
      body: JSON.stringify({
        workload: "code",
        params: { source: "for (;;) {}", inputs: [1] },
        timeoutMs: 1500,
      }),
    });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.state, "timed_out");
  });

  it("refuses other Host names and cross-site posts when code is allowed", async () => {
    const coder = app({ allowCode: true });
    const rebinding = await call(coder, "/api/health", { headers: { host: "evil.example:8787" } });
    assert.equal(rebinding.status, 403);
    assert.equal(errorOf(rebinding).code, "forbidden_host");
    const crossSite = await call(coder, "/api/jobs", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        host: "127.0.0.1:8787",
        origin: "http://evil.example",
      },
      body: JSON.stringify({ workload: "primes" }),
    });
    assert.equal(crossSite.status, 403);
    assert.equal(errorOf(crossSite).code, "forbidden_origin");
  });
});
