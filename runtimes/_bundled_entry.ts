/**
 * The worker entry as one prebuilt JavaScript file, when there is a fresh one.
 * A new worker then loads one module instead of type-stripping and linking a
 * dozen (on Node that is ~25 ms of every worker start). The bundle is made by
 * `scripts/build_entry.mjs` into `generated/` (beside `lib/`, not in it); it
 * is used only when newer than every source file it was built from (all of
 * `lib/`, its folders included, and `runtimes/`), so a stale bundle is never
 * run.
 *
 * @module
 */
import { fileURLToPath, fsModule } from "./_builtins.ts";

const chosen = new Map<string, URL>();

/** The newest modification time of a `.ts` file in `folders`, their subfolders included. */
function newestSource(folders: readonly URL[]): number {
  let newest = 0;
  for (const folder of folders) {
    for (const entry of fsModule().readdirSync(folder, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        newest = Math.max(newest, newestSource([new URL(`${entry.name}/`, folder)]));
      } else if (entry.name.endsWith(".ts")) {
        newest = Math.max(newest, fsModule().statSync(new URL(entry.name, folder)).mtimeMs);
      }
    }
  }
  return newest;
}

/** `entry`'s fresh bundle (`lib/x.ts` → `generated/x.bundle.mjs`) if there is one, else `entry`. */
export function preferBundledEntry(entry: URL): URL {
  const known = chosen.get(entry.href);
  if (known) return known;
  let result = entry;
  if (entry.protocol === "file:" && entry.pathname.endsWith(".ts")) {
    const name = entry.pathname.slice(entry.pathname.lastIndexOf("/") + 1);
    const bundle = new URL(`../generated/${name.replace(/\.ts$/, ".bundle.mjs")}`, entry);
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
