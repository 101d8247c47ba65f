// How a polycore worker starts on Node: scripts/build_entry.mjs copies this file to
// generated/_entry.boot.cjs, beside the worker entry bundled as CommonJS (_entry.bundle.cjs).
//
// A worker that loads the entry as an ES module spends ~2 ms in Node's module loader and then
// compiles each function the first time it runs. Here the bundle is compiled as one script with
// a V8 code cache (_entry.bundle.cjs.cache): the first pool worker that runs a task on a machine
// saves the code compiled by then, and every later worker starts from it — a pool worker then runs
// its first task ~2.5 ms sooner (issue 14). A cache V8 rejects (another Node, other V8 flags) is
// replaced the same way; a folder that cannot be written only means no cache.
"use strict";
const { accessSync, constants, readFileSync, renameSync, rmSync, writeFileSync } = require(
  "node:fs",
);
const { join } = require("node:path");
const { pathToFileURL } = require("node:url");
const { Script } = require("node:vm");
const { threadId } = require("node:worker_threads");

const bundle = join(__dirname, "_entry.bundle.cjs");
const cacheFile = `${bundle}.cache`;

let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  // No cache yet: this worker may make it.
}
// One line, so the bundle's line numbers in stack traces stay its own. `__bundleUrl` is what the
// bundle's modules read as `import.meta.url`; `__import` makes their dynamic imports and
// `__evaluate` compiles tasks: a script compiled by node:vm has no module loader, nor has code it
// makes with `new Function`, so both are made here, in a module Node's loader compiled.
const wrapped =
  `(function (exports, require, module, __filename, __dirname, __bundleUrl, __import, __evaluate) {${
    readFileSync(bundle, "utf8")
  }\n})`;
const script = new Script(wrapped, { filename: bundle, cachedData });

/** Whether this worker can save a cache (a read-only install has none, and pays nothing). */
function mayWrite() {
  try {
    accessSync(__dirname, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

if ((cachedData === undefined || script.cachedDataRejected) && mayWrite()) {
  // Called by the Node adapter's `warmedUp()` once this pool worker has run its first batch, so
  // the cache holds the code of a task's whole path, not only the bundle's top level.
  globalThis[Symbol.for("polycore.saveCompiledCode")] = () => {
    const partial = `${cacheFile}.${process.pid}-${threadId}`;
    try {
      writeFileSync(partial, script.createCachedData());
      renameSync(partial, cacheFile); // whole or not at all, whichever worker writes last
    } catch {
      rmSync(partial, { force: true }); // workers go on without a cache
    }
  };
}

const module_ = { exports: {} };
const importModule = (url) => import(url);
const evaluate = (code) => new Function(`return ${code}`)();
script.runInThisContext()(
  module_.exports,
  require,
  module_,
  bundle,
  __dirname,
  pathToFileURL(bundle).href,
  importModule,
  evaluate,
);
