/**
 * The static assets: the playground page (`public/index.html`, `public/style.css` and the page's
 * script, `public/app.ts` bundled for browsers) and the API docs UI's bundle, Scalar's, served by
 * the server itself so the docs work offline.
 *
 * Every file is found relative to this module's URL, so the assets load the same from the
 * repository, from the npm package and from the JSR package (remote modules, read with `fetch`).
 * The page's script comes, in order of preference, from `public/app.js` (the npm package ships
 * it prebuilt), from esbuild (the repository: the script as it is now), or from
 * `page_script.bundle.js` (prebuilt by `scripts/build_page.mjs` for the JSR package, where there
 * is no esbuild).
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { isMissingPackage } from "./_peers.ts";
import { existsLocally, isLocal, readModuleBytes, readModuleText } from "./_module_file.ts";

const publicUrl = new URL("./public/", import.meta.url);
const prebuiltBundle = new URL("./page_script.bundle.js", import.meta.url);
const javascript = "text/javascript; charset=utf-8";

/** A served file. */
export interface Asset {
  readonly body: Uint8Array | string;
  readonly type: string;
}

const cache = new Map<string, Promise<Asset>>();

function once(key: string, load: () => Promise<Asset>): Promise<Asset> {
  let asset = cache.get(key);
  if (!asset) {
    asset = load();
    cache.set(key, asset);
    asset.catch(() => cache.delete(key)); // try again next time
  }
  return asset;
}

/** `public/index.html`. */
export function indexHtml(): Promise<Asset> {
  return once("index.html", async () => ({
    body: await readModuleText(new URL("index.html", publicUrl)),
    type: "text/html; charset=utf-8",
  }));
}

/** `public/style.css`. */
export function styleCss(): Promise<Asset> {
  return once("style.css", async () => ({
    body: await readModuleText(new URL("style.css", publicUrl)),
    type: "text/css; charset=utf-8",
  }));
}

/** `public/app.ts` and its imports bundled by esbuild, or `undefined` without esbuild. */
async function bundleWithEsbuild(): Promise<string | undefined> {
  let esbuild: typeof import("esbuild");
  try {
    esbuild = await import("esbuild");
  } catch (error) {
    if (isMissingPackage(error)) return undefined;
    throw error;
  }
  try {
    const result = await esbuild.build({
      entryPoints: [fileURLToPath(new URL("app.ts", publicUrl))],
      bundle: true,
      write: false,
      format: "esm",
      target: "es2022",
      minify: true,
      sourcemap: false,
      logLevel: "silent",
    });
    return result.outputFiles[0].text;
  } finally {
    await esbuild.stop();
  }
}

/**
 * The page's script, one ES module: `public/app.js` where it is prebuilt (the npm package), else
 * `public/app.ts` bundled by esbuild (the repository), else `page_script.bundle.js` (the JSR
 * package, or a repository without esbuild once `scripts/build_page.mjs` made it).
 */
export function appJs(): Promise<Asset> {
  return once("app.js", async () => {
    const prebuilt = new URL("app.js", publicUrl);
    if (existsLocally(prebuilt)) return { body: await readModuleText(prebuilt), type: javascript };
    if (isLocal(publicUrl)) {
      const built = await bundleWithEsbuild();
      if (built !== undefined) return { body: built, type: javascript };
      if (!existsLocally(prebuiltBundle)) {
        throw new Error(
          "Cannot build the page's script: esbuild is not installed. Install it with: " +
            "npm install esbuild (or run node scripts/build_page.mjs where it is)",
        );
      }
    }
    try {
      return { body: await readModuleText(prebuiltBundle), type: javascript };
    } catch (error) {
      throw new Error(
        `Cannot load the page's prebuilt script (${(error as Error).message}): the JSR package ` +
          "ships it when published with deno task publish, which runs scripts/build_page.mjs",
        { cause: error },
      );
    }
  });
}

/**
 * Never called: it names Scalar's package in the module graph. Deno installs the npm packages a
 * program's modules import before it runs them, and only then does `import.meta.resolve` find
 * their files; without a `node_modules` folder (polycore run from JSR) nothing else would have
 * Scalar installed, as its bundle is served, not run.
 */
// deno-lint-ignore no-unused-vars
function scalarInModuleGraph(): Promise<unknown> {
  return import("@scalar/api-reference");
}

/** The URL of Scalar's standalone bundle, resolved as a module is, or a clear error. */
function scalarStandalone(): URL {
  let main: string | undefined;
  let cause: unknown;
  try {
    // A literal, so that `deno publish` rewrites it to the `npm:` specifier deno.json maps it to.
    main = import.meta.resolve("@scalar/api-reference");
  } catch (error) {
    cause = error; // not installed
  }
  // Deno answers with the `npm:` specifier itself for a package it has not installed.
  if (!main?.startsWith("file:")) {
    throw new Error(
      "@scalar/api-reference is not installed (the API docs page's bundle comes from it). " +
        "Install it with: npm install @scalar/api-reference@1",
      { cause: cause ?? main },
    );
  }
  return new URL("./browser/standalone.js", main); // `main` is the package's dist/index.js
}

/** Scalar's API reference, the standalone (UMD) bundle, from `@scalar/api-reference`. */
export function docsJs(): Promise<Asset> {
  return once("docs.js", async () => ({
    body: await readModuleBytes(scalarStandalone()),
    type: javascript,
  }));
}
