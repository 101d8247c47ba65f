// Inputs that used to break the playground (issue 20): Origin headers that are not URLs, wrong
// methods, and code-job inputs nested thousands of levels deep. Each gets a 4xx with the
// security headers, and the app keeps answering afterwards.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { appsShutDownAfter, call, errorOf } from "../fixtures/server_helpers.ts";

const app = appsShutDownAfter();

const slow = { timeout: 120_000 };
const json = { "content-type": "application/json", host: "127.0.0.1:8787" };

/** `[[[…[1]…]]]`, `depth` arrays deep, as JSON text (built without recursion). */
function nested(depth: number): string {
  return "[".repeat(depth) + "1" + "]".repeat(depth);
}

describe("the playground refuses what used to break it", () => {
  it("an Origin that is not a URL gets 403 with the security headers, not 500", async () => {
    const coder = app({ allowCode: true });
    for (const origin of ["null", "garbage", "http://["]) {
      const reply = await call(coder, "/api/jobs", {
        method: "POST",
        headers: { ...json, origin },
        body: JSON.stringify({ workload: "primes", params: { n: 10 } }),
      });
      assert.equal(reply.status, 403, `${origin}: ${reply.text}`);
      assert.equal(errorOf(reply).code, "forbidden_origin");
      assert.equal(reply.headers.get("x-content-type-options"), "nosniff", origin);
      assert.ok(reply.headers.get("content-security-policy"), origin);
    }
    const same = await call(coder, "/api/health", { headers: { host: "127.0.0.1:8787" } });
    assert.equal(same.status, 200);
  });

  it("a wrong method gets 405 with Allow; an unknown path still 404", async () => {
    const main = app();
    const put = await call(main, "/api/jobs", { method: "PUT" });
    assert.equal(put.status, 405, put.text);
    assert.equal(errorOf(put).code, "method_not_allowed");
    assert.match(put.headers.get("allow") ?? "", /GET/);
    assert.match(put.headers.get("allow") ?? "", /POST/);
    const deleteHealth = await call(main, "/api/health", { method: "DELETE" });
    assert.equal(deleteHealth.status, 405);
    assert.equal(deleteHealth.headers.get("allow"), "GET, HEAD");
    const missing = await call(main, "/api/nothing-here", { method: "PUT" });
    assert.equal(missing.status, 404);
  });

  it("code inputs nested 5,000 levels deep get 422, and listing jobs still works", async () => {
    const coder = app({ allowCode: true });
    const body = `{"workload":"code","params":{"source":"return 1;","inputs":[${nested(5_000)}]}}`;
    const reply = await call(coder, "/api/jobs", { method: "POST", headers: json, body });
    assert.equal(reply.status, 422, reply.text);
    assert.match(errorOf(reply).message, /at most 64 levels deep/);
    const listed = await call(coder, "/api/jobs", { headers: { host: "127.0.0.1:8787" } });
    assert.equal(listed.status, 200, listed.text);
    const shallow = `{"workload":"code","params":{"source":"return 1;","inputs":[${nested(60)}]}}`;
    const accepted = await call(coder, "/api/jobs", {
      method: "POST",
      headers: json,
      body: shallow,
    });
    assert.equal(accepted.status, 202, accepted.text);
  });

  it(
    "a code job's `input` is its parameter, never a same-named variable of a server module",
    slow,
    async () => {
      // The job names something undefined, so its module context is looked up; the runner's own
      // top-level `input` (read from its stdin) must not be initialized in the worker for it.
      const coder = app({ allowCode: true });
      const reply = await call(coder, "/api/jobs?wait=true", {
        method: "POST",
        headers: json,
        body: JSON.stringify({
          workload: "code",
          params: { source: "return [typeof notDefinedAnywhere, input * 2];", inputs: [21] },
          workers: 1,
        }),
      });
      assert.equal(reply.status, 200, reply.text);
      assert.equal(reply.body.state, "succeeded", JSON.stringify(reply.body.error));
      assert.deepEqual(reply.body.result.result.value, [["undefined", 42]]);
    },
  );
});
