// Bun's workers start from generated/_entry.bun.cjs, whose bytecode (_entry.bun.cjs.jsc, made by
// scripts/build_entry.mjs with the pinned Bun) saves parsing the bundle in every new worker. Bun
// ignores bytecode it cannot use without a word: this runs the pinned Bun, from whichever runtime
// runs the suite, and checks that its threads and child processes do use it.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { runScript } from "../fixtures/run_runtime.ts";

const bun = fileURLToPath(new URL("../../node_modules/.bin/bun", import.meta.url));
const program = new URL("../fixtures/bun_bytecode_program.ts", import.meta.url);

describe("Bun's workers", () => {
  it("start from the bytecode bundle, and Bun accepts its bytecode", async () => {
    assert.ok(existsSync(bun), `the pinned Bun is missing (${bun}): run npm ci`);
    const run = await runScript(program, [], {
      binary: bun,
      env: { BUN_JSC_verboseDiskCache: "1" },
      timeoutMs: 30_000,
    });
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
