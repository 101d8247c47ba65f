/**
 * Which module called into polycore: the first stack frame outside this
 * folder. A function handed to a Pool or a Process is, nearly always, written
 * in the module that hands it over — its module context comes from there.
 *
 * @module
 */

const libraryFolder = new URL("./", import.meta.url).href;
/** `file:///a/b.ts:3:9`, `https://x/b.ts:3:9` (V8), or `/a/b.ts:3:9` (JavaScriptCore). */
const frameLocation = /((?:file|https?):\/\/[^\s()]+?|\/[^\s():]+?[^\s()]*?):\d+:\d+\)?\s*$/;

function frameUrl(line: string): string | undefined {
  const match = frameLocation.exec(line);
  if (!match) return undefined;
  const location = match[1];
  try {
    return location.startsWith("/") ? new URL(`file://${location}`).href : new URL(location).href;
  } catch {
    return undefined;
  }
}

/** The URL of the module that called polycore's public API, if the stack tells. */
export function callerModuleUrl(): string | undefined {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 50;
  const stack = new Error().stack ?? "";
  Error.stackTraceLimit = limit;
  for (const line of stack.split("\n")) {
    const url = frameUrl(line);
    if (url !== undefined && !url.startsWith(libraryFolder)) return url;
  }
  return undefined;
}
