// User code (`--allow-code`) runs confined (server/confinement.ts): without the server's
// environment, unable to signal the server, and nothing it starts outlives its job — not even a
// process that leaves the job's process group (issue 20, item 4).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import process from "node:process";
import { confinement } from "../../server/confinement.ts";
import { appsShutDownAfter, call, until } from "../fixtures/server_helpers.ts";

const app = appsShutDownAfter();
const slow = { timeout: 120_000 };
const json = { "content-type": "application/json", host: "127.0.0.1:8787" };
const onLinuxAsRoot = process.platform === "linux" && process.getuid?.() === 0;

/** Runs a code job to its end; its per-input values. */
async function runCode(source: string, inputs: unknown[], mode = "thread"): Promise<unknown[]> {
  const reply = await call(app({ allowCode: true }), "/api/jobs?wait=true", {
    method: "POST",
    headers: json,
    body: JSON.stringify({ workload: "code", params: { source, inputs }, mode, workers: 1 }),
  });
  assert.equal(reply.status, 200, reply.text);
  assert.equal(reply.body.state, "succeeded", JSON.stringify(reply.body.error));
  return reply.body.result.result.value as unknown[];
}

/** The ids of the processes of this machine whose command line contains `marker`. */
function processesWith(marker: string): number[] {
  if (process.platform !== "linux") return [];
  const found: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, "latin1").includes(marker)) found.push(+name);
    } catch {
      // It ended meanwhile.
    }
  }
  return found;
}

describe("user code runs confined", () => {
  it("on Linux as root, in a PID namespace of its own as the nobody user", () => {
    const { layers } = confinement();
    assert.ok(layers.includes("an environment of its own"), String(layers));
    if (process.platform !== "win32") assert.ok(layers.includes("its own process group"));
    // The machines this project tests on (and CI) run as root: the layers must be there.
    if (onLinuxAsRoot) {
      assert.ok(layers.includes("a PID namespace of its own"), String(layers));
      assert.ok(layers.includes("the nobody user"), String(layers));
    }
  });

  it("a code job sees none of the server's environment and cannot signal it", slow, async () => {
    process.env.POLYCORE_TEST_SECRET = "do not leak";
    try {
      const source = [
        "const [serverPid] = input;",
        "let secret;",
        "try { secret = process.env.POLYCORE_TEST_SECRET ?? null; } catch (e) { secret = e.name; }",
        "let signal;",
        'try { process.kill(serverPid, 0); signal = "reached"; } catch (e) { signal = e.code ?? e.name; }',
        "return { secret, signal };",
      ].join("\n");
      const [seen] = await runCode(source, [[process.pid]]) as {
        secret: unknown;
        signal: string;
      }[];
      assert.notEqual(seen.secret, "do not leak");
      if (confinement().layers.includes("a PID namespace of its own")) {
        assert.notEqual(seen.signal, "reached", "the server's process is out of the job's reach");
      }
    } finally {
      delete process.env.POLYCORE_TEST_SECRET;
    }
  });

  it(
    "a process a code job starts ends with the job, even one that leaves its process group",
    slow,
    async () => {
      const marker = `polycore-outlive-${process.pid}-${Date.now()}`;
      const [kept, left] = [`${marker}-kept`, `${marker}-left`];
      // The process backend: Node and Deno allow child processes only there.
      const source = [
        'const { spawn } = await import("node:child_process");',
        'const deno = typeof Deno !== "undefined";',
        'const script = "setTimeout(() => {}, 60000)";',
        "const args = (tag) => deno ? ['eval', script, tag] : ['-e', script, tag];",
        "const kept = spawn(process.execPath, args(input[0]), { stdio: 'ignore' });",
        "const left = spawn(process.execPath, args(input[1]), { stdio: 'ignore', detached: true });",
        "kept.unref(); left.unref();",
        "await new Promise((resolve) => setTimeout(resolve, 300));",
        "return [kept.exitCode, left.exitCode];",
      ].join("\n");
      const [codes] = await runCode(source, [[kept, left]], "process");
      assert.deepEqual(codes, [null, null], "both were running when the job returned");
      await until(() => processesWith(kept).length === 0, "the job's process group ended", 15_000);
      // Only a PID namespace ends a process that left the group (see the README).
      if (confinement().layers.includes("a PID namespace of its own")) {
        await until(() => processesWith(left).length === 0, "the detached one ended too", 15_000);
      }
    },
  );
});
