/**
 * The worker entry as one prebuilt JavaScript file, when there is a fresh one.
 * A new worker then loads one module instead of type-stripping and linking a
 * dozen (on Node that is ~25 ms of every worker start). The bundle is made by
 * `scripts/build_entry.mjs`; it is used only when newer than every source
 * file it was built from, so a stale bundle is never run.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { fsModule } from "./_builtins.ts";

const chosen = new Map<string, URL>();

function newestSource(folders: readonly URL[]): number {
  let newest = 0;
  for (const folder of folders) {
    for (const name of fsModule().readdirSync(folder)) {
      if (name.endsWith(".ts")) {
        newest = Math.max(newest, fsModule().statSync(new URL(name, folder)).mtimeMs);
      }
    }
  }
  return newest;
}

/** `entry`'s fresh `.bundle.mjs` sibling if there is one, else `entry`. */
export function preferBundledEntry(entry: URL): URL {
  const known = chosen.get(entry.href);
  if (known) return known;
  let result = entry;
  if (entry.protocol === "file:" && entry.pathname.endsWith(".ts")) {
    const bundle = new URL(entry.href.replace(/\.ts$/, ".bundle.mjs"));
    try {
      const built = fsModule().statSync(fileURLToPath(bundle)).mtimeMs;
      const sources = [new URL("./", entry), new URL("../runtimes/", entry)];
      if (built >= newestSource(sources)) result = bundle;
    } catch {
      // No bundle (or no sources next to it): load the TypeScript entry.
    }
  }
  chosen.set(entry.href, result);
  return result;
}
