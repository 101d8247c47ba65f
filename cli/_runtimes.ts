/**
 * The runtimes `polycore bench` runs suites under, and where their binaries are: the pinned ones
 * in a `node_modules/.bin` (the working directory's, then polycore's own package and the folders
 * above it), then `PATH`. A runtime that is missing or too old is skipped with a reason.
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import process from "node:process";

/** The runtimes, in column order. */
export const runtimeNames = ["node", "deno", "bun", "cpython"] as const;

/** A runtime's name. */
export type RuntimeName = typeof runtimeNames[number];

/** A runtime found and usable. */
export interface FoundRuntime {
  readonly name: RuntimeName;
  readonly bin: string;
  readonly version: string;
}

/** A runtime not used, and why. */
export interface SkippedRuntime {
  readonly name: RuntimeName;
  readonly reason: string;
}

interface Spec {
  /** Executable names, tried in order. */
  readonly bins: readonly string[];
  /** The version from `<bin> --version`'s output. */
  readonly version: (output: string) => string | undefined;
  /** The oldest major version that works, and why. */
  readonly minimum: readonly [major: number, what: string];
  /** The command line running `file` with `flags`. */
  readonly command: (file: string, flags: readonly string[]) => string[];
}

const specs: Record<RuntimeName, Spec> = {
  node: {
    bins: ["node"],
    version: (out) => /v(\d+\.\d+\.\d+)/.exec(out)?.[1],
    minimum: [22, "polycore needs Node ≥ 22"],
    command: (file, flags) => [file, ...flags],
  },
  deno: {
    bins: ["deno"],
    version: (out) => /deno (\d+\.\d+\.\d+)/.exec(out)?.[1],
    minimum: [2, "polycore needs Deno ≥ 2"],
    // manual: packages come from node_modules, as npm installed them (no npm: specifiers).
    command: (file, flags) => ["run", "-A", "--node-modules-dir=manual", file, ...flags],
  },
  bun: {
    bins: ["bun"],
    version: (out) => /(\d+\.\d+\.\d+)/.exec(out)?.[1],
    minimum: [1, "polycore needs Bun ≥ 1.2"],
    command: (file, flags) => [file, ...flags],
  },
  cpython: {
    bins: ["python3", "python"],
    version: (out) => /Python (\d+\.\d+\.\d+)/.exec(out)?.[1],
    minimum: [3, "the scripts need Python 3"],
    command: (file, flags) => [file, ...flags],
  },
};

/** The command line that runs `file` with `flags` on `runtime`. */
export function commandFor(
  runtime: FoundRuntime,
  file: string,
  flags: readonly string[],
): string[] {
  return specs[runtime.name].command(file, flags);
}

/** `node_modules/.bin` folders to look in: the working directory's, then `root` and above it. */
export function binFolders(root: string, cwd: string = process.cwd()): string[] {
  const folders = [join(cwd, "node_modules", ".bin")];
  for (let dir = root;; dir = dirname(dir)) {
    folders.push(join(dir, "node_modules", ".bin"));
    if (dirname(dir) === dir) break;
  }
  return [...new Set(folders)];
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function candidates(name: string): string[] {
  return process.platform === "win32" ? [`${name}.exe`, `${name}.cmd`] : [name];
}

/** The first executable `name` in `folders`, then on `PATH`. */
function which(name: string, folders: readonly string[]): string | undefined {
  const path = (process.env.PATH ?? "").split(delimiter).filter(Boolean);
  for (const dir of [...folders, ...path]) {
    for (const file of candidates(name)) {
      const full = join(dir, file);
      if (existsSync(full) && executable(full)) return full;
    }
  }
  return undefined;
}

/** Finds `name`'s binary and checks its version. */
export function findRuntime(name: RuntimeName, root: string): FoundRuntime | SkippedRuntime {
  const spec = specs[name];
  const folders = name === "cpython" ? [] : binFolders(root);
  const looked = name === "cpython" ? "PATH" : "node_modules/.bin or PATH";
  let bin: string | undefined;
  for (const candidate of spec.bins) {
    bin = which(candidate, folders);
    if (bin) break;
  }
  if (!bin) return { name, reason: `${spec.bins.join(" or ")} not found in ${looked}` };
  const probe = spawnSync(bin, ["--version"], { encoding: "utf8", timeout: 30_000 });
  const version = spec.version(`${probe.stdout ?? ""}${probe.stderr ?? ""}`);
  if (probe.status !== 0 || !version) {
    return { name, reason: `${bin} --version failed (${probe.error?.message ?? probe.status})` };
  }
  const [major, why] = spec.minimum;
  if (Number(version.split(".")[0]) < major) {
    return { name, reason: `${bin} is version ${version}: ${why}` };
  }
  return { name, bin, version };
}
