#!/usr/bin/env node
// Builds the npm package into dist/: one ES module per source module (the module structure is
// kept, so every module a program imports exists once), plus a `.d.ts` per module from
// `tsc -p tsconfig.build.json`, and the worker entry's bundles (state a worker's bundle shares
// with the modules its tasks import lives on globalThis, as in the repository).
//
//   mod.ts, lib/**, runtimes/**, server/** (.ts)  → dist/**/*.js + dist/**/*.d.ts
//   cli/**, bench/** (.ts: the `polycore` CLI and  → dist/cli/**.js, dist/bench/**.js (no .d.ts:
//     the benchmark suites it runs)                  they are programs, not API)
//   dist/cli.js (package.json "bin")              → written: `import "./cli/polycore.js"`
//   lib/_entry.ts and what it imports (what a     → dist/generated/ (scripts/build_entry.mjs), used
//     worker runs)                                   by the adapters as in the repository: a worker
//                                                    loads a bundle, not dist/lib/ module by module
//   runtimes/*.mjs (Node's TypeScript loader)     → copied
//   bench/fixtures/*.mjs, bench/python/*.py,      → copied
//     bench/report.md
//   server/public/{index.html,style.css}          → copied
//   server/public/app.ts (the page's script)      → dist/server/public/app.js, bundled for browsers
//                                                    (scripts/build_page.mjs, as for JSR)
//
// Node refuses to strip types under node_modules, so everything the installed package runs —
// the CLI and the suites too — must be JavaScript.
//
// The sources name each other with `.ts` specifiers; in dist those become `.js`:
// - static and dynamic `import`/`export … from` specifiers: rewritten by esbuild's resolver
//   (every import stays external);
// - `new URL("./x.ts", import.meta.url)` (how the worker entry and other modules loaded at run
//   time are found): rewritten when "./x.ts" names a module of the build; anything else (a
//   user's file named in an error message) is left as it is;
// - the same specifiers in the `.d.ts` files.
// The build fails if a relative `.ts` specifier of a built module survives in the output.
//
// Usage: node scripts/build_npm.mjs        (also run by `npm pack`/`npm publish` via prepack)

import { spawnSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { buildPage } from "./build_page.mjs";
import { buildWorkerEntry } from "./build_entry.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const DIST = join(ROOT, "dist");
/** Folders whose TypeScript modules are built (server/public/ is browser code, bundled apart). */
const SOURCE_DIRS = ["lib", "runtimes", "server", "cli", "bench"];
const BROWSER_DIR = join(ROOT, "server", "public");

/** Every `.ts` file under `dir`, recursively, skipping `skip`. */
function typeScriptFiles(dir, skip) {
  const files = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (path === skip) continue;
    if (entry.isDirectory()) files.push(...typeScriptFiles(path, skip));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) files.push(path);
  }
  return files.sort();
}

const sources = [
  join(ROOT, "mod.ts"),
  ...SOURCE_DIRS.flatMap((dir) => typeScriptFiles(join(ROOT, dir), BROWSER_DIR)),
];
const built = new Set(sources);

/** Whether `specifier`, written in `importer`, is a relative `.ts` specifier of a built module. */
function namesBuiltModule(specifier, importer) {
  return /^\.\.?\//.test(specifier) && specifier.endsWith(".ts") &&
    built.has(resolve(dirname(importer), specifier));
}

const toJs = (specifier) => specifier.replace(/\.ts$/, ".js");
const rel = (path) => relative(ROOT, path).split(sep).join("/");

/** Keeps every import external; relative `.ts` imports of built modules become `.js`. */
const externalImports = {
  name: "polycore-external-imports",
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === "entry-point") return undefined;
      if (/^\.\.?\//.test(args.path)) {
        if (args.path.endsWith(".ts")) {
          if (!namesBuiltModule(args.path, args.importer)) {
            return { errors: [{ text: `'${args.path}' is not a module of the npm build` }] };
          }
          return { path: toJs(args.path), external: true };
        }
        return { path: args.path, external: true };
      }
      return { path: args.path, external: true }; // node:*, npm packages
    });
  },
};

// `new URL("<relative>.ts", import.meta.url)`, as esbuild prints it.
const moduleUrl = /new URL\((["'])(\.\.?\/[^"'\n]*?\.ts)\1, import\.meta\.url\)/g;
// Relative `.ts` specifiers in declarations: `from "…"`, `import("…")`, `import "…"`.
const declarationSpecifier =
  /(\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)(["'])(\.\.?\/[^"'\n]*?\.ts)\2/g;
// Any string literal that still looks like a relative `.ts` specifier.
const leftover = /(["'`])(\.\.?\/[^"'`\n]*?\.ts)\1/g;

function rewriteModuleUrls(code, source) {
  return code.replace(
    moduleUrl,
    (match, quote, specifier) =>
      namesBuiltModule(specifier, source)
        ? `new URL(${quote}${toJs(specifier)}${quote}, import.meta.url)`
        : match,
  );
}

function rewriteDeclarations(code, source) {
  return code.replace(
    declarationSpecifier,
    (match, lead, quote, specifier) =>
      namesBuiltModule(specifier, source) ? `${lead}${quote}${toJs(specifier)}${quote}` : match,
  );
}

/** Fails on a relative `.ts` specifier of a built module left in `code`, outside comments. */
function checkNoLeftovers(code, source, output) {
  const withoutComments = code.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  for (const [, , specifier] of withoutComments.matchAll(leftover)) {
    if (namesBuiltModule(specifier, source)) {
      throw new Error(
        `${rel(output)} still names '${specifier}' (a module of the build, which is .js in ` +
          `dist): write it as an import, or as new URL("${specifier}", import.meta.url)`,
      );
    }
  }
}

function write(path, text) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

async function buildModules() {
  const result = await build({
    entryPoints: sources,
    outdir: DIST,
    outbase: ROOT,
    outExtension: { ".js": ".js" },
    bundle: true, // only so that the plugin sees every import; each stays external
    plugins: [externalImports],
    write: false,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    // Class names are part of the protocol (error classes travel by name).
    keepNames: true,
    legalComments: "inline",
    logLevel: "warning",
  });
  for (const file of result.outputFiles) {
    const source = join(ROOT, relative(DIST, file.path)).replace(/\.js$/, ".ts");
    if (!built.has(source)) throw new Error(`unexpected output ${file.path}`);
    const code = rewriteModuleUrls(file.text, source);
    checkNoLeftovers(code, source, file.path);
    write(file.path, code);
  }
  return result.outputFiles.length;
}

async function buildBrowserScript() {
  await buildPage(join(DIST, "server", "public", "app.js"));
  for (const name of ["index.html", "style.css"]) {
    copyFileSync(join(BROWSER_DIR, name), join(DIST, "server", "public", name));
  }
}

function copyLoaders() {
  for (const name of readdirSync(join(ROOT, "runtimes"))) {
    if (name.endsWith(".mjs")) {
      copyFileSync(join(ROOT, "runtimes", name), join(DIST, "runtimes", name));
    }
  }
}

/** The bench suites' other files: worker scripts for the peers, the CPython scripts, the template. */
function copyBenchFiles() {
  let count = 0;
  for (const [dir, keep] of [["fixtures", /\.mjs$/], ["python", /\.py$/], [".", /^report\.md$/]]) {
    const from = join(ROOT, "bench", dir);
    for (const name of readdirSync(from)) {
      if (!keep.test(name)) continue;
      mkdirSync(join(DIST, "bench", dir), { recursive: true });
      copyFileSync(join(from, name), join(DIST, "bench", dir, name));
      count++;
    }
  }
  return count;
}

/** dist/cli.js, the package's `bin`: an executable that loads the CLI. */
function writeBin() {
  const bin = join(DIST, "cli.js");
  write(
    bin,
    '#!/usr/bin/env node\n// The `polycore` command (package.json "bin"): cli/polycore.js.\n' +
      'import "./cli/polycore.js";\n',
  );
  chmodSync(bin, 0o755);
}

function buildDeclarations() {
  const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
  const run = spawnSync(process.execPath, [tsc, "-p", join(ROOT, "tsconfig.build.json")], {
    cwd: ROOT,
    encoding: "utf8",
  });
  if (run.status !== 0) {
    throw new Error(`tsc -p tsconfig.build.json failed:\n${run.stdout}${run.stderr}`);
  }
  let count = 0;
  const visit = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (entry.name.endsWith(".d.ts")) {
        const source = join(ROOT, relative(DIST, path)).replace(/\.d\.ts$/, ".ts");
        const code = rewriteDeclarations(readFileSync(path, "utf8"), source);
        checkNoLeftovers(code, source, path);
        writeFileSync(path, code);
        count++;
      }
    }
  };
  visit(DIST);
  return count;
}

const started = performance.now();
rmSync(DIST, { recursive: true, force: true });
const modules = await buildModules();
// After dist/lib/ and dist/runtimes/: the adapters use a bundle only when it is the newest.
await buildWorkerEntry(pathToFileURL(join(DIST, "generated") + sep));
await buildBrowserScript();
copyLoaders();
const benchFiles = copyBenchFiles();
writeBin();
const declarations = buildDeclarations();
console.log(
  `build_npm: ${modules} modules, ${benchFiles} bench files and ${declarations} declaration ` +
    `files in dist/, and the worker entry's bundles in dist/generated/ ` +
    `(${Math.round(performance.now() - started)} ms)`,
);
