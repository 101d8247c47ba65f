/**
 * How the playground confines the child process that runs user code (`--allow-code`). Layers,
 * each used where the machine offers it:
 *
 * - **its own process group**, killed whole when the job ends (every platform but Windows);
 * - **an environment of its own**: `PATH`, `HOME` (a temporary folder) and `NO_COLOR` only, so
 *   the server's variables (tokens, keys) are not readable;
 * - **a PID namespace of its own** (Linux, `unshare`): the code sees no process of the server's
 *   — `process.ppid` is 0 and no signal reaches the server — and every process it starts, even
 *   one that leaves the process group (`detached: true`), is killed when the job ends;
 * - **the `nobody` user** (Linux, when the server runs as root, `setpriv`): no access to files
 *   only root may read or write, and no signal to root's processes;
 * - **the runtime's permissions**: Deno runs with `--allow-read` of the project only (plus
 *   `--allow-env` and `--allow-run` of deno itself when a run uses the process backend, which
 *   needs them; a deno started that way has every permission), Node with its permission model
 *   (`--permission`, reading the project only, threads allowed, child processes only for the
 *   process backend). Bun has no permission model.
 *
 * What a job can still do is in docs/guide/server.md (Safety).
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import { realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, sep } from "node:path";
import process from "node:process";

/** Linux's `nobody` user and group. */
const nobody = 65534;

/** How a user-code runner is started: what wraps its command line, and its environment. */
export interface Confinement {
  /** Words put before the runner's command line (`unshare …`), or none. */
  readonly wrapper: readonly string[];
  /** The runner's whole environment. */
  readonly env: Readonly<Record<string, string>>;
  /** The layers in use, one phrase each (reported by `GET /api/runtime`). */
  readonly layers: readonly string[];
}

/** What the runtime-permission layer needs to know about a job. */
export interface PermissionRequest {
  /** Folders the runner must read (the project, its `node_modules`). */
  readonly readable: readonly string[];
  /** Whether a run uses the process backend (child processes of the runtime). */
  readonly processes: boolean;
  /** The runtime's binary (Deno may run only itself). */
  readonly binary: string;
}

let detected: Confinement | undefined;

/**
 * The confinement this machine offers for user code, found once (a probe of `unshare`).
 *
 * @example
 * ```ts
 * import { confinement } from "./confinement.ts";
 * console.log(confinement().layers.includes("its own process group")); // true, except on Windows
 * ```
 */
export function confinement(): Confinement {
  return detected ??= detect();
}

function detect(): Confinement {
  const env = {
    PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
    HOME: tmpdir(),
    NO_COLOR: "1",
  };
  const layers = process.platform === "win32"
    ? ["an environment of its own"]
    : ["its own process group", "an environment of its own"];
  if (process.platform !== "linux") return { wrapper: [], env, layers };
  const namespace = ["unshare", "--pid", "--fork", "--kill-child"];
  const asRoot = process.getuid?.() === 0;
  const candidates: { wrapper: string[]; layers: string[] }[] = asRoot
    ? [{
      wrapper: [
        ...namespace,
        "setpriv",
        `--reuid=${nobody}`,
        `--regid=${nobody}`,
        "--clear-groups",
        "--",
      ],
      layers: ["a PID namespace of its own", "the nobody user"],
    }, { wrapper: [...namespace, "--"], layers: ["a PID namespace of its own"] }]
    : [{
      wrapper: ["unshare", "--user", "--map-root-user", ...namespace.slice(1), "--"],
      layers: ["a PID namespace of its own"],
    }];
  for (const candidate of candidates) {
    if (works(candidate.wrapper)) {
      return { wrapper: candidate.wrapper, env, layers: [...layers, ...candidate.layers] };
    }
  }
  return { wrapper: [], env, layers };
}

/** Whether `wrapper` can start a program here (the tool exists and the kernel allows it). */
function works(wrapper: readonly string[]): boolean {
  try {
    const probe = spawnSync(wrapper[0], [...wrapper.slice(1), "true"], {
      stdio: "ignore",
      timeout: 5_000,
    });
    return probe.status === 0;
  } catch {
    return false;
  }
}

/**
 * The runtime flags that narrow what a user-code runner may do (Deno's and Node's permission
 * models; none for Bun, or for a Node older than 22.13 without `--permission`).
 *
 * @example
 * ```ts
 * import { permissionFlags } from "./confinement.ts";
 * const flags = permissionFlags("deno", [2, 6], {
 *   readable: ["/srv/app"],
 *   processes: false,
 *   binary: "/usr/bin/deno",
 * });
 * console.log(flags); // ["--allow-read=/srv/app"]
 * ```
 */
export function permissionFlags(
  name: "node" | "deno" | "bun",
  version: readonly [number, number],
  request: PermissionRequest,
): string[] {
  switch (name) {
    case "deno":
      return [
        `--allow-read=${request.readable.join(",")}`,
        ...(request.processes ? ["--allow-env", `--allow-run=${request.binary}`] : []),
      ];
    case "node": {
      const [major, minor] = version;
      if (major < 22 || (major === 22 && minor < 13)) return [];
      return [
        "--permission",
        ...request.readable.map((folder) => `--allow-fs-read=${folder}`),
        "--allow-worker",
        ...(request.processes ? ["--allow-child-process"] : []),
        "--disable-warning=SecurityWarning",
      ];
    }
    case "bun":
      return [];
  }
}

/**
 * What a runner must read: `root`, the real folders behind it and its `node_modules` (either may
 * be a link), and the `node_modules` folder an installed package sits in (its peers are there).
 */
export function readableFolders(root: string): string[] {
  const folders = new Set([root]);
  for (const path of [root, join(root, "node_modules")]) {
    try {
      folders.add(realpathSync(path));
    } catch {
      // No such folder (an installed package has no node_modules of its own).
    }
  }
  for (const folder of [...folders]) {
    const at = folder.lastIndexOf(`${sep}node_modules${sep}`);
    if (at >= 0) folders.add(folder.slice(0, at + `${sep}node_modules`.length));
  }
  return [...folders];
}

/** The real path of a binary (Deno's `--allow-run` matches the file it runs). */
export function realBinary(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
