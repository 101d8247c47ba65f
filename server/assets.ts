/**
 * The static assets: the playground page (`public/index.html`, `public/style.css`, and
 * `public/app.ts` bundled by esbuild once, on first request, unless prebuilt) and the API docs
 * UI's bundle, served from `node_modules` so the docs work offline.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const publicDir = fileURLToPath(new URL("./public/", import.meta.url));

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
    body: await readFile(join(publicDir, "index.html"), "utf8"),
    type: "text/html; charset=utf-8",
  }));
}

/** `public/style.css`. */
export function styleCss(): Promise<Asset> {
  return once("style.css", async () => ({
    body: await readFile(join(publicDir, "style.css"), "utf8"),
    type: "text/css; charset=utf-8",
  }));
}

/**
 * `public/app.ts` and its imports, bundled by esbuild into one ES module; or `public/app.js`,
 * that bundle prebuilt, where there is one (the npm package ships it, and not esbuild).
 */
export function appJs(): Promise<Asset> {
  return once("app.js", async () => {
    const type = "text/javascript; charset=utf-8";
    const prebuilt = join(publicDir, "app.js");
    if (existsSync(prebuilt)) return { body: await readFile(prebuilt, "utf8"), type };
    const esbuild = await import("esbuild");
    try {
      const result = await esbuild.build({
        entryPoints: [join(publicDir, "app.ts")],
        bundle: true,
        write: false,
        format: "esm",
        target: "es2022",
        minify: true,
        sourcemap: false,
        logLevel: "silent",
      });
      return { body: result.outputFiles[0].text, type };
    } finally {
      await esbuild.stop();
    }
  });
}

function findUp(start: string, relative: string): string | undefined {
  let dir = start;
  for (;;) {
    const candidate = join(dir, "node_modules", relative);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Scalar's API reference, the standalone (UMD) bundle, from `@scalar/api-reference`. */
export function docsJs(): Promise<Asset> {
  return once("docs.js", async () => {
    const path = findUp(publicDir, "@scalar/api-reference/dist/browser/standalone.js");
    if (!path) throw new Error("@scalar/api-reference is not installed: run npm ci");
    return { body: await readFile(path), type: "text/javascript; charset=utf-8" };
  });
}
