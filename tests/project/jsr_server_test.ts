// The playground server from the JSR package: the files `deno publish --dry-run` lists, unfurled
// as `deno publish` uploads them (tests/fixtures/jsr_files.ts), served over loopback HTTP, and
// `deno run -A http://127.0.0.1:<port>/server/main.ts --port 0` — what
// `deno run -A https://jsr.io/@polycore/polycore/<version>/server/main.ts` does. The server must
// answer its page, the page's script, the API docs and the OpenAPI document, and run a job, with
// every file of its own read from those URLs, not from the repository.
//
// Deno runs in an empty folder holding a package.json and a link to the repository's
// node_modules, with `--node-modules-dir=manual`: the `npm:` packages deno.json maps the server's
// imports to come from there (no registry needed); a DENO_DIR of its own caches nothing from an
// earlier run.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { type ReadyChild, spawnUntilReady } from "../fixtures/child_output.ts";
import { type JsrFileServer, packageImports, serveJsrFiles } from "../fixtures/jsr_files.ts";
import { runtimeBin } from "../fixtures/server_process.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const slow = { timeout: 180_000 };
const deno = runtimeBin("deno");

/** The server's packages, each mapped by deno.json to `npm:<name>@<version>`. */
const serverPackages = [
  "hono",
  "@hono/zod-openapi",
  "@hono/node-server",
  "zod",
  "@scalar/hono-api-reference",
  "@scalar/api-reference",
];

describe("the JSR package's imports", () => {
  it("map the server's packages to npm: at the versions package.json pins", () => {
    const { devDependencies } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
      devDependencies: Record<string, string>;
    };
    const imports = packageImports();
    for (const name of serverPackages) {
      assert.equal(imports[name], `npm:${name}@${devDependencies[name]}`, `deno.json: ${name}`);
    }
  });
});

describe("the playground server from the JSR package's files, on deno", slow, () => {
  let files: JsrFileServer;
  let dir: string;
  let server: ReadyChild | undefined;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "polycore-jsr-server-"));
    writeFileSync(join(dir, "package.json"), JSON.stringify({ private: true, type: "module" }));
    symlinkSync(join(root, "node_modules"), join(dir, "node_modules"), "junction");
  });

  after(async () => {
    const child = server?.child;
    if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await files?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it(
    "serves the page, its script, the API docs and OpenAPI, runs a job, and stops on SIGTERM",
    { ...slow, skip: deno ? false : "deno is not installed in node_modules/.bin (run npm ci)" },
    async () => {
      files = await serveJsrFiles();
      const env: Record<string, string | undefined> = {
        ...process.env,
        NO_COLOR: "1",
        DENO_DIR: join(dir, "deno_dir"),
      };
      delete env.NODE_TEST_CONTEXT; // `node --test` sets it: the child is a program, not a test
      const main = `${files.base}server/main.ts`;
      server = await spawnUntilReady(
        deno!,
        ["run", "-A", "--no-lock", "--node-modules-dir=manual", main, "--port", "0", "--quiet"],
        /listening on (http:\/\/127\.0\.0\.1:\d+)\//,
        "the playground from the JSR files",
        { cwd: dir, env, timeoutMs: 120_000 },
      );
      const url = server.match[1];

      const page = await fetch(`${url}/`);
      assert.equal(page.status, 200, server.output());
      assert.match(await page.text(), /<script type="module" src="\/assets\/app\.js">/);
      const script = await fetch(`${url}/assets/app.js`);
      assert.equal(script.status, 200, server.output());
      assert.equal(
        await script.text(),
        readFileSync(join(root, "server", "page_script.bundle.js"), "utf8"),
        "the page's script is the prebuilt bundle the JSR package ships",
      );
      const docs = await fetch(`${url}/docs`);
      assert.equal(docs.status, 200, server.output());
      assert.match(await docs.text(), /src="\/docs\/assets\/scalar\.js"/);
      const scalar = await fetch(`${url}/docs/assets/scalar.js`);
      assert.equal(scalar.status, 200, server.output());
      assert.ok((await scalar.arrayBuffer()).byteLength > 100_000, "Scalar's bundle");
      const openapi = await fetch(`${url}/openapi.json`);
      assert.equal(openapi.status, 200, server.output());
      assert.equal((await openapi.json()).openapi, "3.1.0");

      const job = await fetch(`${url}/api/jobs?wait=true`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ workload: "primes", params: { n: 50_000 }, workers: 2 }),
      });
      const done = await job.json();
      assert.equal(job.status, 200, JSON.stringify(done));
      assert.equal(done.state, "succeeded", JSON.stringify(done));
      assert.equal(done.result.result.value, 5133);

      for (
        const path of [
          "server/main.ts",
          "server/assets.ts",
          "server/public/index.html",
          "server/page_script.bundle.js",
          "server/workloads/primes.ts",
        ]
      ) {
        assert.ok(files.requested.includes(path), `${path} was loaded from the JSR files`);
      }

      process.kill(server.child.pid!, "SIGTERM");
      const exit = await server.exited;
      assert.equal(exit.code, 0, server.output());
      assert.match(server.output(), /stopped/);
    },
  );
});
