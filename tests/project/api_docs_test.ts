// `npm run docs`: the API reference generated from the JSDoc (deno doc --html) builds, with a
// page for each main export of the three entry points.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runtimeBin } from "../fixtures/server_process.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));

describe("the API reference (npm run docs)", () => {
  const out = mkdtempSync(join(tmpdir(), "polycore-docs-"));
  after(() => rmSync(out, { recursive: true, force: true }));

  it("is generated from the JSDoc of mod.ts, runtimes/mod.ts and server/mod.ts", () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
    const args = (pkg.scripts.docs as string).split(" ").slice(1)
      .map((arg) => arg.startsWith("--output=") ? `--output=${out}` : arg);
    const result = spawnSync(runtimeBin("deno") ?? "deno", args, { cwd: root, encoding: "utf8" });
    assert.equal(result.status, 0, result.stderr);
    for (
      const page of ["index.html", "~/Pool.html", "~/serveWorkers.html", "~/IMapIterator.html"]
    ) {
      assert.ok(existsSync(join(out, page)), `${page} is missing`);
    }
    const pool = readFileSync(join(out, "~/Pool.html"), "utf8");
    assert.ok(pool.includes("multiprocessing.Pool"), "Pool's page carries its JSDoc");
    assert.ok(pool.includes("Square numbers on every core"), "and its example");
  });
});
