/**
 * The worker entry as prebuilt JavaScript, when there is a fresh build of it.
 * A new worker then loads one bundle instead of type-stripping and linking a
 * dozen modules (on Node that is ~25 ms of every worker start). The bundles are
 * made by `scripts/build_entry.mjs` into `generated/` (beside `lib/`, not in
 * it); they are used only when at least as new as every module they were
 * built from (all of `lib/`, its folders included, and `runtimes/`), so a
 * stale bundle is never run. The npm package has them in `dist/generated/`,
 * built with the rest of `dist/`, and always uses them. Node starts its
 * workers from a bootstrap that compiles the CommonJS bundle with a code cache
 * (`runtimes/node_worker_boot.cjs`); Bun from a CommonJS bundle with its bytecode.
 *
 * @module
 */
import { fileURLToPath, fsModule } from "./_builtins.ts";

const chosen = new Map<string, URL>();

/** The newest modification time of a module in `folders`. */
function newestSource(folders: readonly URL[]): number {
  let newest = 0;
  for (const folder of folders) {
    for (const entry of fsModule().readdirSync(folder, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        newest = Math.max(newest, newestSource([new URL(`${entry.name}/`, folder)]));
      } else if (/\.(?:ts|cjs)$/.test(entry.name)) { // the boot (.cjs) is copied too
        newest = Math.max(newest, fsModule().statSync(new URL(entry.name, folder)).mtimeMs);
      }
    }
  }
  return newest;
}

/**
 * `entry`'s fresh bundle (`lib/x.ts` → `generated/x.bundle.mjs`; in the npm package
 * `dist/lib/x.js` → `dist/generated/x.bundle.mjs`) if there is one, else `entry`.
 */
export function preferBundledEntry(entry: URL): URL {
  const known = chosen.get(entry.href);
  if (known) return known;
  let result = entry;
  if (entry.protocol === "file:" && /\.[jt]s$/.test(entry.pathname)) {
    const name = entry.pathname.slice(entry.pathname.lastIndexOf("/") + 1);
    const bundle = new URL(`../generated/${name.replace(/\.[jt]s$/, ".bundle.mjs")}`, entry);
    try {
      const built = fsModule().statSync(fileURLToPath(bundle)).mtimeMs;
      const sources = [new URL("./", entry), new URL("../runtimes/", entry)];
      // The npm package's bundles are built with its modules (npm does not keep their times).
      if (entry.pathname.endsWith(".js") || built >= newestSource(sources)) result = bundle;
    } catch {
      // No bundle (or no sources next to it): load the entry's modules.
    }
  }
  chosen.set(entry.href, result);
  return result;
}

/**
 * On Node: `entry`'s bootstrap (`lib/x.ts` → `generated/x.boot.cjs`, see
 * `runtimes/node_worker_boot.cjs`) when its build is fresh, else what
 * {@linkcode preferBundledEntry} chooses.
 */
export function preferNodeBoot(entry: URL): URL {
  return preferBesideBundle(entry, ".boot.cjs");
}

/**
 * On Bun: `entry`'s CommonJS bundle with bytecode (`lib/x.ts` → `generated/x.bun.cjs` and
 * `x.bun.cjs.jsc`, see `scripts/build_entry.mjs`) when its build is fresh, else what
 * {@linkcode preferBundledEntry} chooses.
 */
export function preferBunBundle(entry: URL): URL {
  return preferBesideBundle(entry, ".bun.cjs");
}

/** The file built beside `entry`'s fresh ES module bundle, named with `suffix`, if there is one. */
function preferBesideBundle(entry: URL, suffix: string): URL {
  const key = `${suffix}:${entry.href}`;
  const known = chosen.get(key);
  if (known) return known;
  const bundle = preferBundledEntry(entry);
  let result = bundle;
  if (bundle !== entry) {
    // Built with the ES module bundle, so as fresh as it.
    const beside = new URL(bundle.href.replace(/\.bundle\.mjs$/, suffix));
    if (fsModule().existsSync(fileURLToPath(beside))) result = beside;
  }
  chosen.set(key, result);
  return result;
}
