// A real playground server per runtime: `server/main.ts --port 0` started as a child process of
// node, deno and bun, asked for its health, runtime and a job over HTTP, then stopped by PID with
// SIGTERM — also in the middle of a job, which must be cancelled and let the server exit 0.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { runtimeBin, type ServerProcess, startServer } from "../fixtures/server_process.ts";

const slow = { timeout: 120_000 };
const started: ServerProcess[] = [];
after(() => {
  for (const server of started) server.kill();
});

async function json(url: string, init?: RequestInit): Promise<[number, Record<string, unknown>]> {
  const response = await fetch(url, init);
  return [response.status, await response.json()];
}

for (const name of ["node", "deno", "bun"] as const) {
  describe(`the server on ${name}`, () => {
    if (!runtimeBin(name)) {
      it.skip(`${name} is not installed in node_modules/.bin (run npm ci)`, () => {});
      return;
    }

    it("serves health, runtime, a job and the page, and stops on SIGTERM", slow, async () => {
      const server = await startServer(name, ["--quiet"]);
      started.push(server);
      const [status, health] = await json(`${server.url}/api/health`);
      assert.equal(status, 200);
      assert.equal(health.status, "ok");
      const [, info] = await json(`${server.url}/api/runtime`);
      assert.equal((info.runtime as { name: string }).name, name);
      const [jobStatus, job] = await json(`${server.url}/api/jobs?wait=true`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ workload: "primes", params: { n: 50_000 }, workers: 2 }),
      });
      assert.equal(jobStatus, 200, JSON.stringify(job));
      assert.equal(job.state, "succeeded");
      assert.equal((job.result as { result: { value: number } }).result.value, 5133);
      const page = await fetch(`${server.url}/`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /polycore/);
      const exit = await server.stop("SIGTERM");
      assert.equal(exit.code, 0, server.output());
      assert.match(server.output(), /stopped/);
    });

    it("SIGINT during a job cancels it and exits 0", slow, async () => {
      const server = await startServer(name, ["--quiet"]);
      started.push(server);
      const [status, job] = await json(`${server.url}/api/jobs`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ workload: "primes", params: { n: 20_000_000 }, mode: "sequential" }),
      });
      assert.equal(status, 202);
      const events = await fetch(`${server.url}/api/jobs/${job.id}/events`);
      const reader = events.body!.getReader();
      await reader.read(); // the snapshot: the job is running
      const t0 = performance.now();
      const exit = await server.stop("SIGINT");
      assert.equal(exit.code, 0, server.output());
      assert.ok(performance.now() - t0 < 15_000, "shut down promptly");
      let text = "";
      for (;;) {
        const chunk = await reader.read().catch(() => ({ done: true, value: undefined }));
        if (chunk.done) break;
        text += new TextDecoder().decode(chunk.value);
      }
      assert.match(text, /event: done\ndata: .*"state":"cancelled"/);
    });
  });
}
