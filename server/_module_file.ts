/**
 * Reading a file that ships next to a module, wherever the module was loaded from: from disk for
 * a `file:` URL (the repository, the npm package), with `fetch` for an `http:` or `https:` URL (the
 * JSR package, whose modules Deno loads from the registry).
 *
 * @module
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";

/** Whether `url` is a file on this machine's disk. */
export function isLocal(url: URL): boolean {
  return url.protocol === "file:";
}

/** Whether `url` is a file on disk that exists (`false` for a remote URL: it is not looked up). */
export function existsLocally(url: URL): boolean {
  return isLocal(url) && existsSync(url);
}

async function fetchOk(url: URL): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new Error(`Cannot fetch ${url.href}: ${(error as Error).message}`, { cause: error });
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`Cannot fetch ${url.href}: expected 200 OK, received ${response.status}`);
  }
  return response;
}

/**
 * The text of the file at `url`, a `file:`, `http:` or `https:` URL.
 *
 * @example
 * ```ts
 * import { readModuleText } from "./_module_file.ts";
 * const html = await readModuleText(new URL("./public/index.html", import.meta.url));
 * console.log(html.includes("<html")); // true
 * ```
 */
export async function readModuleText(url: URL): Promise<string> {
  if (isLocal(url)) return await readFile(url, "utf8");
  return await (await fetchOk(url)).text();
}

/** The bytes of the file at `url`, a `file:`, `http:` or `https:` URL. */
export async function readModuleBytes(url: URL): Promise<Uint8Array> {
  if (isLocal(url)) return await readFile(url);
  return new Uint8Array(await (await fetchOk(url)).arrayBuffer());
}
