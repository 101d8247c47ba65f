// The packages as users get them.
//
// npm: `npm pack` (whose prepack script builds dist/ with scripts/build_npm.mjs), `npm install
// <tarball>` into an empty temporary folder, then a small program
// (tests/fixtures/package_app/main.mjs) that imports `polycore`, `polycore/runtimes` and
// `polycore/server` from that folder's node_modules, run on node, deno (with
// `--node-modules-dir=manual`: no `npm:` specifiers) and bun: first the core alone (the tarball
// installs no dependency; polycore/server names its missing optional peers), then with the
// playground's peers installed. It uses Pool.map with a function
// task and with module tasks from a `.js` and a `.ts` file, a Lock shared by two workers, the
// process backend, and the playground app in-process. Dependencies come from npm's cache when
// they are there (`--prefer-offline`), else from the registry.
//
// JSR: Deno imports JSR packages from https: URLs. jsr.io is out of reach of the tests, so the
// files `deno publish --dry-run` lists are served over loopback HTTP as `deno publish` uploads
// them (tests/fixtures/jsr_files.ts) and an import map points `polycore` at them; the same
// program's core part then runs on Deno. tests/project/jsr_server_test.ts runs the playground
// server from them.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { type JsrFileServer, serveJsrFiles } from "../fixtures/jsr_files.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const binDir = join(root, "node_modules", ".bin");
const appDir = fileURLToPath(new URL("../fixtures/package_app/", import.meta.url));
const slow = { timeout: 240_000 };
const core = {
  function: [1, 4, 9],
  js: [2, 4, 6],
  ts: [3, 6, 9],
  locked: 40,
  process: [12, 15],
};

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `command` in `cwd` with the pinned runtimes first on PATH (and Deno's cache in `denoDir`
 * when given); kills it after `timeoutMs`.
 */
function run(
  command: string,
  args: string[],
  cwd: string,
  timeoutMs: number,
  denoDir?: string,
): Promise<Run> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    PATH: `${binDir}${delimiter}${process.env.PATH ?? ""}`,
    NO_COLOR: "1",
    ...(denoDir ? { DENO_DIR: denoDir } : {}),
  };
  delete env.NODE_TEST_CONTEXT; // `node --test` sets it: the children are programs, not tests
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => stdout += chunk);
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => stderr += chunk);
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function ok(what: string, result: Run): Run {
  assert.equal(result.code, 0, `${what} failed:\n${result.stdout}\n${result.stderr}`);
  return result;
}

const commands: Record<string, string[]> = {
  node: ["node", "main.mjs"],
  deno: ["deno", "run", "-A", "--node-modules-dir=manual", "main.mjs"],
  bun: ["bun", "main.mjs"],
};

/** The exact versions this repository pins of the playground's optional peers. */
function serverPeers(): string[] {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    peerDependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };
  const forServer = ["hono", "@hono/zod-openapi", "@hono/node-server", "zod", "@scalar/"];
  return Object.keys(pkg.peerDependencies)
    .filter((name) => forServer.some((prefix) => name.startsWith(prefix)))
    .map((name) => `${name}@${pkg.devDependencies[name]}`);
}

/** A Node below 22 installed on the machine itself (engines says >= 20), if there is one. */
function olderNode(): { bin: string; version: string } | undefined {
  for (const bin of ["/usr/bin/node", "/usr/local/bin/node"]) {
    const result = spawnSync(bin, ["--version"], { encoding: "utf8" });
    const version = result.status === 0 ? result.stdout.trim() : "";
    if (/^v(20|21)\./.test(version)) return { bin, version };
  }
  return undefined;
}

const npmInstall = (packages: string[], dir: string) =>
  run(
    "npm",
    ["install", ...packages, "--no-audit", "--no-fund", "--prefer-offline", "--ignore-scripts"],
    dir,
    180_000,
  );

describe("the npm package, installed from its tarball", slow, () => {
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "polycore-package-"));
    const packed = ok(
      "npm pack",
      await run("npm", ["pack", "--pack-destination", dir, "--json"], root, 120_000),
    );
    const [{ filename }] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf("[")));
    for (const name of readdirSync(appDir)) copyFileSync(join(appDir, name), join(dir, name));
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({ name: "polycore-package-test", private: true, type: "module" }),
    );
    ok("npm install (the tarball alone)", await npmInstall([`./${filename}`], dir));
    assert.ok(existsSync(join(dir, "node_modules", "polycore", "dist", "lib", "_entry.js")));
  }, slow);

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("installs the core alone: no dependency comes with it", slow, async () => {
    const listed = ok("npm ls", await run("npm", ["ls", "--all", "--parseable"], dir, 60_000));
    const installed = listed.stdout.trim().split("\n").slice(1); // the first line is the folder
    assert.deepEqual(installed.map((path) => path.split("node_modules/").at(-1)), ["polycore"]);
  });

  for (const [name, [command]] of Object.entries(commands)) {
    it(`runs the core on ${name}, and polycore/server names its missing peers`, slow, async () => {
      const args = [...commands[name].slice(1, -1), "core_only.mjs"];
      const result = ok(`${name} core_only.mjs`, await run(command, args, dir, 60_000));
      const line = result.stdout.trim().split("\n").at(-1) ?? "";
      const { context: _c, processContext: _p, ...report } = JSON.parse(line);
      assert.deepEqual(report, {
        runtime: name,
        adapter: name,
        ...core,
        server: "names its peers",
        workers: name === "deno" ? "modules" : "bundle",
      });
    });
  }

  it("has declarations a strict nodenext TypeScript project compiles against", slow, async () => {
    const compilerOptions = {
      strict: true,
      module: "nodenext",
      moduleResolution: "nodenext",
      target: "es2022",
      lib: ["es2024"],
      noEmit: true,
      types: ["node"],
      typeRoots: [join(root, "node_modules", "@types")],
    };
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({ compilerOptions, files: ["typed.ts"] }),
    );
    const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
    ok("tsc -p .", await run("node", [tsc, "-p", "."], dir, 120_000));
  });

  it("runs the polycore command from the installed package", slow, async () => {
    const result = ok(
      "polycore help",
      await run("node", ["node_modules/polycore/dist/cli.js", "help"], dir, 30_000),
    );
    assert.match(result.stdout, /polycore worker --servers URL/);
  });

  const oldNode = olderNode();
  it(
    `runs the core on the machine's older Node (${oldNode?.version ?? "none found"})`,
    { ...slow, skip: oldNode ? false : "no Node < 22 outside node_modules on this machine" },
    async () => {
      const result = ok("old node", await run(oldNode!.bin, ["old_node.mjs"], dir, 60_000));
      const report = JSON.parse(result.stdout.trim().split("\n").at(-1) ?? "");
      assert.deepEqual(report, {
        node: oldNode!.version.split(".")[0].slice(1),
        function: [1, 4, 9],
        js: [2, 4, 6],
        ts: "names esbuild",
        process: 5,
      });
    },
  );

  describe("with the playground's optional peers installed", slow, () => {
    before(async () => {
      ok("npm install (the server's peers)", await npmInstall(serverPeers(), dir));
    }, slow);

    for (const [name, [command, ...args]] of Object.entries(commands)) {
      it(
        `runs a program using Pool, module tasks, a Lock and the server on ${name}`,
        slow,
        async () => {
          const result = ok(`${name} main.mjs`, await run(command, args, dir, 60_000));
          const line = result.stdout.trim().split("\n").at(-1) ?? "";
          assert.deepEqual(JSON.parse(line), {
            runtime: name,
            adapter: name,
            function: [1, 4, 9],
            context: [`${name}:10`, `${name}:20`],
            processContext: name,
            js: [2, 4, 6],
            ts: [3, 6, 9],
            locked: 40,
            process: [12, 15],
            server: 5133,
            page: 200,
          }, result.stderr);
        },
      );
    }
  });
});

describe("the JSR package's files, loaded from https-like URLs", slow, () => {
  let dir: string;
  let files: JsrFileServer;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "polycore-jsr-"));
    for (const name of readdirSync(appDir)) copyFileSync(join(appDir, name), join(dir, name));
    files = await serveJsrFiles();
    const imports = {
      polycore: `${files.base}mod.ts`,
      "polycore/runtimes": `${files.base}runtimes/mod.ts`,
    };
    writeFileSync(join(dir, "import_map.json"), JSON.stringify({ imports }));
  }, slow);

  after(async () => {
    await files?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("runs a program using Pool, module tasks and a Lock on deno", slow, async () => {
    const args = ["run", "-A", "--no-lock", "--import-map=import_map.json", "jsr.mjs"];
    // A DENO_DIR of its own: nothing cached from an earlier run.
    const result = ok("deno jsr.mjs", await run("deno", args, dir, 60_000, join(dir, "deno_dir")));
    const line = result.stdout.trim().split("\n").at(-1) ?? "";
    assert.deepEqual(
      JSON.parse(line),
      {
        runtime: "deno",
        adapter: "deno",
        context: ["deno:10", "deno:20"],
        processContext: "deno",
        ...core,
      },
      result.stderr,
    );
  });
});
