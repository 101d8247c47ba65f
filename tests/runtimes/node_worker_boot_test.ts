// Node's workers start from runtimes/node_worker_boot.cjs, which compiles the worker bundle with
// a V8 code cache that the first worker to run a task saves. These run the pinned Node (from
// whichever runtime runs the suite) on a copy of the boot beside a stand-in bundle, then check a
// real pool's workers on Node start from the boot.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { Pool, runtime } from "../../mod.ts";
import { until } from "../fixtures/pool_helpers.ts";
import { nodeBinary } from "../fixtures/pinned_node.ts";

const root = new URL("../../", import.meta.url);

/** What the stand-in bundle reports: see `standIn`. */
interface Report {
  mayMakeCache: boolean;
  bundleUrl: string;
  filename: string;
  strict: boolean;
  imported: string;
}

// Reports what the boot gave it, then does what the Node adapter's `warmedUp()` does.
const standIn = `// stand-in bundle
"use strict";
const save = globalThis[Symbol.for("polycore.saveCompiledCode")];
const strict = (function () { return this === undefined; })();
__import("node:path").then((path) => {
  console.log(JSON.stringify({
    mayMakeCache: typeof save === "function",
    bundleUrl: __bundleUrl,
    filename: __filename,
    strict,
    imported: typeof path.join,
  }));
  save?.();
});
`;

function boot(folder: string): Promise<Report> {
  return new Promise((resolve, reject) => {
    const child = spawn(nodeBinary(), [join(folder, "_entry.boot.cjs")]);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => stdout += chunk);
    child.stderr.on("data", (chunk) => stderr += chunk);
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve(JSON.parse(stdout) as Report);
      else reject(new Error(`the boot exited with code ${code}: ${stderr}`));
    });
  });
}

describe("Node's worker boot", () => {
  const folder = mkdtempSync(join(tmpdir(), "polycore-boot-"));
  const bundle = join(folder, "_entry.bundle.cjs");
  const cache = `${bundle}.cache`;
  copyFileSync(new URL("runtimes/node_worker_boot.cjs", root), join(folder, "_entry.boot.cjs"));
  writeFileSync(bundle, standIn);
  after(() => rmSync(folder, { recursive: true, force: true }));

  it("runs the bundle as strict CommonJS, with its own URL for import.meta.url and a module loader for imports", async () => {
    const report = await boot(folder);
    assert.equal(report.filename, bundle);
    assert.equal(report.bundleUrl, pathToFileURL(bundle).href);
    assert.equal(report.strict, true);
    assert.equal(report.imported, "function");
  });

  it("makes the code cache once, uses it after, and replaces one V8 rejects", async () => {
    rmSync(cache, { force: true });
    assert.equal(
      (await boot(folder)).mayMakeCache,
      true,
      "no cache yet: the first worker makes it",
    );
    assert.ok(readFileSync(cache).length > 0);
    assert.equal((await boot(folder)).mayMakeCache, false, "a valid cache is used as it is");

    writeFileSync(cache, "not a code cache");
    assert.equal((await boot(folder)).mayMakeCache, true, "a rejected cache is made anew");
    assert.notEqual(readFileSync(cache, "utf8"), "not a code cache");
    assert.equal((await boot(folder)).mayMakeCache, false);
  });
});

/** Where each runtime's workers run polycore from (the frame of its task runner). */
function expectedEntry(backend: "thread" | "process"): RegExp {
  if (runtime.name === "node") return /generated\/_entry\.bundle\.cjs/; // through the boot
  // Deno starts its threads from the TypeScript modules (see runtimes/deno.ts).
  if (runtime.name === "deno" && backend === "thread") return /lib\/task\/_task_runner\.ts/;
  if (runtime.name === "bun") return /generated\/_entry\.bun\.cjs/; // with its bytecode
  return /generated\/chunks\/chunk-[\w-]+\.mjs/; // the ES module bundle
}

describe("A pool's workers", () => {
  for (const backend of ["thread", "process"] as const) {
    it(`start from the entry built for the runtime (${backend} backend)`, async () => {
      await using pool = new Pool({ processes: 1, backend });
      const stack = await pool.apply(() => new Error("where").stack ?? "");
      assert.match(
        stack,
        expectedEntry(backend),
        "a worker ran polycore from elsewhere: is generated/ stale? (npm run build:entry)",
      );
      if (runtime.name === "node") {
        // Saved by the first worker to run a task, after it sent the result.
        const cache = new URL("generated/_entry.bundle.cjs.cache", root);
        await until(() => existsSync(cache), "a worker saves the code cache");
      }
    });

    it(`run tasks that import modules themselves, with import() (${backend} backend)`, async () => {
      await using pool = new Pool({ processes: 1, backend });
      const separator = async () => (await import("node:path")).sep;
      const joined = async (parts: string[]) => {
        const { posix } = await import("node:path");
        return posix.join(...parts);
      };
      assert.equal(await pool.apply(separator), "/");
      assert.deepEqual(await pool.map(joined, [["a", "b"], ["c"]]), ["a/b", "c"]);
    });
  }
});
