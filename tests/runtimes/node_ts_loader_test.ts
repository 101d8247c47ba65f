// On a Node without type stripping, polycore hands its esbuild loader to worker threads
// (workers do not inherit hooks installed with register()). This runs the pinned Node with
// --no-experimental-strip-types from whichever runtime runs the suite.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import process from "node:process";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { nodeBinary } from "../fixtures/pinned_node.ts";

const root = new URL("../../", import.meta.url);

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env.NODE_TEST_CONTEXT;
    const child = spawn(nodeBinary(), args, { cwd: fileURLToPath(root), env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => stdout += chunk);
    child.stderr.on("data", (chunk) => stderr += chunk);
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("Node without type stripping", () => {
  it("runs a .ts module task (with an enum) in a worker through the esbuild loader", {
    timeout: 60_000,
  }, async () => {
    const { code, stdout, stderr } = await run([
      "--no-experimental-strip-types",
      "tests/fixtures/no_strip_main.mjs",
    ]);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /typescript=false exitCode=0 result=42/);
  });
});
