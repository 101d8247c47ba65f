// Bun's workers start from generated/_entry.bun.cjs, whose bytecode (_entry.bun.cjs.jsc, made by
// scripts/build_entry.mjs with the pinned Bun) saves parsing the bundle in every new worker. Bun
// ignores bytecode it cannot use without a word: this runs the pinned Bun, from whichever runtime
// runs the suite, and checks that its threads and child processes do use it.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import process from "node:process";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const bun = fileURLToPath(new URL("../../node_modules/.bin/bun", import.meta.url));
const program = fileURLToPath(new URL("../fixtures/bun_bytecode_program.ts", import.meta.url));

/** Runs the program on the pinned Bun, logging the bytecode cache's hits and misses. */
function runOnBun(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string | undefined> = {
      ...process.env,
      BUN_JSC_verboseDiskCache: "1",
    };
    delete env.NODE_TEST_CONTEXT;
    const child = spawn(bun, [program], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => stdout += chunk);
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => stderr += chunk);
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("Bun's workers", () => {
  it("start from the bytecode bundle, and Bun accepts its bytecode", async () => {
    assert.ok(existsSync(bun), `the pinned Bun is missing (${bun}): run npm ci`);
    const run = await runOnBun();
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.stdout.trim().split("\n"), [
      "thread: bytecode bundle",
      "process: bytecode bundle",
    ]);
    // The program itself is TypeScript, run from source: the hits are the two workers' bundle.
    const hits = run.stderr.match(/\[Disk Cache\] Cache hit for sourceCode/g) ?? [];
    assert.equal(hits.length, 2, `bytecode used by ${hits.length} of 2 workers`);
  });
});
