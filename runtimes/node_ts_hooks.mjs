// Node module hooks that compile `.ts`/`.mts`/`.cts` files with esbuild.
// Used only where Node has no type stripping of its own.
import { readFile } from "node:fs/promises";

const typeScriptFile = /\.[cm]?ts$/;

/** @type {Promise<typeof import("esbuild")> | undefined} */
let esbuild;

function loadEsbuild() {
  esbuild ??= import("esbuild").catch((error) => {
    throw new Error(
      "polycore needs the 'esbuild' package to load TypeScript in workers on a Node without type stripping: install it, or use Node >= 22.18",
      { cause: error },
    );
  });
  return esbuild;
}

export async function load(url, context, nextLoad) {
  if (!typeScriptFile.test(new URL(url).pathname)) return nextLoad(url, context);
  const { transform } = await loadEsbuild();
  const source = await readFile(new URL(url), "utf8");
  const { code } = await transform(source, {
    loader: "ts",
    format: "esm",
    target: "es2022",
    sourcefile: new URL(url).pathname,
    sourcemap: "inline",
  });
  return { format: "module", source: code, shortCircuit: true };
}
