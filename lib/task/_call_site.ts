/**
 * Which module called into polycore: the first stack frame outside this
 * folder. A function handed to a Pool or a Process is, nearly always, written
 * in the module that hands it over — its module context comes from there.
 *
 * @module
 */

/** Frames looked at: polycore's own are a few (the public method, the task check). */
const frames = 12;
/** `lib/`: frames in any of its folders are polycore's own. */
const libraryFolder = new URL("../", import.meta.url).href;
/** `file:///a/b.ts:3:9`, `https://x/b.ts:3:9` (V8), or `/a/b.ts:3:9` (JavaScriptCore). */
const frameLocation = /((?:file|https?):\/\/[^\s()]+?|\/[^\s():]+?[^\s()]*?):\d+:\d+\)?\s*$/;

function frameUrl(line: string): string | undefined {
  const match = frameLocation.exec(line);
  if (!match) return undefined;
  return toUrl(match[1]);
}

function toUrl(location: string): string | undefined {
  try {
    return location.startsWith("/") ? new URL(`file://${location}`).href : new URL(location).href;
  } catch {
    return undefined;
  }
}

interface CallSite {
  getFileName(): string | null | undefined;
}

type ErrorConstructorWithCallSites = ErrorConstructor & {
  captureStackTrace?(target: object, below?: unknown): void;
  prepareStackTrace?: (error: Error, sites: CallSite[]) => unknown;
};

/** The call sites of the stack, from V8's and JavaScriptCore's API (no formatting). */
function callSites(): CallSite[] | undefined {
  const E = Error as ErrorConstructorWithCallSites;
  if (typeof E.captureStackTrace !== "function") return undefined;
  const prepare = E.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  const holder: { stack?: unknown } = {};
  let sites: unknown;
  try {
    Error.stackTraceLimit = frames;
    E.prepareStackTrace = (_error, sites) => sites;
    E.captureStackTrace(holder, callerModuleUrls);
    sites = holder.stack; // formatted on first read, by the prepareStackTrace in force then
  } finally {
    E.prepareStackTrace = prepare;
    Error.stackTraceLimit = limit;
  }
  return Array.isArray(sites) ? sites : undefined;
}

const libraryPath = decodeURIComponent(new URL(libraryFolder).pathname);
const urls = new Map<string, string | undefined>();

/** A frame's file (a URL or, on JavaScriptCore, a path) as a URL, unless it is in this folder. */
function outsideUrl(file: string): string | undefined {
  if (file.startsWith(libraryFolder) || file.startsWith(libraryPath)) return undefined;
  let url = urls.get(file);
  if (url === undefined && !urls.has(file)) {
    url = toUrl(file);
    if (urls.size > 1_000) urls.clear();
    urls.set(file, url);
  }
  return url;
}

/** How many distinct modules of the caller's stack are looked at. */
const modules = 4;

/**
 * The modules on the stack above polycore's public API, nearest first (at most a few): the one
 * that called it, then the ones that called that (a helper of the user's may pass on a function
 * written elsewhere).
 */
export function callerModuleUrls(): string[] {
  const found: string[] = [];
  const add = (url: string | undefined) => {
    if (url !== undefined && found.at(-1) !== url && !found.includes(url)) found.push(url);
  };
  const sites = callSites();
  if (sites) {
    for (const site of sites) {
      const file = site.getFileName?.();
      add(file ? outsideUrl(file) : undefined);
      if (found.length === modules) break;
    }
    return found;
  }
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = frames;
  const stack = new Error().stack ?? "";
  Error.stackTraceLimit = limit;
  for (const line of stack.split("\n")) {
    const url = frameUrl(line);
    if (url !== undefined && !url.startsWith(libraryFolder)) add(url);
    if (found.length === modules) break;
  }
  return found;
}
