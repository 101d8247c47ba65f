#!/usr/bin/env node
// Bundles the playground page's script (server/public/app.ts and what it imports) for browsers
// into server/page_script.bundle.js, the file the JSR package serves as /assets/app.js: a server
// loaded from remote modules (JSR) has no esbuild to build the page's script from its TypeScript.
// The file is build output (gitignored, published through deno.json's `publish.exclude` "!"
// pattern): `deno task publish` and `deno task publish:dry` run this first, and the JSR-layout
// tests build it afresh. The npm build (scripts/build_npm.mjs) bundles the same script with the
// same options into dist/server/public/app.js.
//
// Usage: node scripts/build_page.mjs

import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

/** The page script's source. */
export const pageEntry = new URL("../server/public/app.ts", import.meta.url);
/** Where the JSR package's prebuilt page script goes. */
export const pageBundle = new URL("../server/page_script.bundle.js", import.meta.url);

/** esbuild's options for the page script: one minified ES module for browsers. */
export const pageBuildOptions = {
  bundle: true,
  format: "esm",
  target: "es2022",
  minify: true,
  logLevel: "warning",
};

/**
 * Bundles the page script into `outfile` (the JSR package's bundle by default), replacing it
 * whole: a test reading it while another builds it never sees half a file.
 */
export async function buildPage(outfile = fileURLToPath(pageBundle)) {
  const result = await build({
    ...pageBuildOptions,
    entryPoints: [fileURLToPath(pageEntry)],
    outfile,
    write: false,
  });
  const partial = `${outfile}.${process.pid}.tmp`;
  mkdirSync(dirname(outfile), { recursive: true });
  writeFileSync(partial, result.outputFiles[0].contents);
  renameSync(partial, outfile);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  await buildPage();
  console.log(
    `build_page: server/page_script.bundle.js (${Math.round(performance.now() - started)} ms)`,
  );
}
