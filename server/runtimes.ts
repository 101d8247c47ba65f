/**
 * The runtimes a job can run on: the server's own (in this process) and node, deno and bun as
 * child processes (`runner.ts`), each resolved from the project's `node_modules/.bin`, then
 * `PATH`. A runtime that is missing, or too old, is reported unavailable — not an error. Loaded
 * from remote modules (the JSR package), the server's runner is a URL only Deno can run: node and
 * bun are then reported unavailable.
 *
 * @module
 */
import { spawn } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { runtime } from "../mod.ts";
import { codeWorkload } from "./code.ts";
import { confinement, permissionFlags, readableFolders, realBinary } from "./confinement.ts";
import type { RunResult, RunSpec } from "./execute.ts";

/** The runtimes polycore supports. */
export type RuntimeName = "node" | "deno" | "bun";

/** Every runtime, in display order. */
export const runtimeNames: readonly RuntimeName[] = ["node", "deno", "bun"];

/** Whether and how a runtime can run jobs here. */
export interface RuntimeStatus {
  /** The runtime. */
  readonly name: RuntimeName;
  /** Whether jobs can run on it here. */
  readonly available: boolean;
  /** The runtime this server runs on (its jobs run in-process). */
  readonly current: boolean;
  /** Its version, when found. */
  readonly version: string | null;
  /** Its binary, when found. */
  readonly path: string | null;
  /** Whether polycore enforces `maxHeapMb` there for processes / threads. */
  readonly heapLimit: { readonly process: boolean; readonly thread: boolean };
  /** Why it is unavailable. */
  readonly reason?: string;
}

/** Options of {@linkcode Runtimes}. */
export interface RuntimesOptions {
  /** The project root, whose `node_modules/.bin` is searched first. */
  readonly root?: string;
  /** Fixed binaries (tests): a path, or `null` for "not installed". */
  readonly bins?: Partial<Record<RuntimeName, string | null>>;
  /** Directories to search after `node_modules/.bin`; `PATH` by default. */
  readonly searchPath?: string;
}

/** A message from a runner child process (one JSON line on its stdout). */
export type RunnerMessage =
  | {
    readonly type: "progress";
    readonly run: number;
    readonly done: number;
    readonly total: number;
  }
  | { readonly type: "result"; readonly run: number; readonly result: RunResult }
  | {
    readonly type: "error";
    readonly run: number;
    readonly error: { readonly name: string; readonly message: string };
  };

/** What a runner child process reads on its stdin. */
export interface RunnerInput {
  readonly runs: readonly RunSpec[];
  readonly taskTimeoutMs?: number;
}

/** Options of {@linkcode Runtimes.run}. */
export interface SpawnOptions {
  readonly signal?: AbortSignal;
  readonly onMessage: (message: RunnerMessage) => void;
}

// Written as a module URL so that the npm build points it at the built `runner.js`.
const runnerUrl = new URL("./runner.ts", import.meta.url);
// From remote modules (the JSR package) the runner is a URL, and the project the current folder.
const runnerLocal = runnerUrl.protocol === "file:";
const runnerPath = runnerLocal ? fileURLToPath(runnerUrl) : runnerUrl.href;
const defaultRoot = runnerLocal ? join(fileURLToPath(runnerUrl), "..", "..") : process.cwd();
/** Whether a runtime runs a module given by an `http:`/`https:` URL (a remote runner). */
const runsRemoteModules: Record<RuntimeName, boolean> = { node: false, deno: true, bun: false };
const minimum: Record<RuntimeName, [number, number]> = {
  node: [22, 6],
  deno: [2, 0],
  bun: [1, 2],
};

function isExecutable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function run(bin: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => out += chunk);
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`'${bin} ${args.join(" ")}' exited with code ${code}`));
    });
  });
}

function parseVersion(text: string): [number, number] | undefined {
  const match = /(\d+)\.(\d+)\.\d+/.exec(text);
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

/** Finds the runtimes and runs runs on them. */
export class Runtimes {
  readonly #root: string;
  readonly #options: RuntimesOptions;
  #statuses?: Promise<RuntimeStatus[]>;

  constructor(options: RuntimesOptions = {}) {
    this.#root = options.root ?? defaultRoot;
    this.#options = options;
  }

  /** Where `name`'s binary is, or `undefined`. */
  locate(name: RuntimeName): string | undefined {
    const fixed = this.#options.bins?.[name];
    if (fixed !== undefined) return fixed ?? undefined;
    const dirs = [
      join(this.#root, "node_modules", ".bin"),
      ...(this.#options.searchPath ?? process.env.PATH ?? "").split(delimiter).filter(Boolean),
    ];
    for (const dir of dirs) {
      const path = join(dir, name);
      if (isExecutable(path)) return path;
    }
    return undefined;
  }

  /** Every runtime's status (probed once, by running `--version`). */
  statuses(): Promise<RuntimeStatus[]> {
    this.#statuses ??= Promise.all(runtimeNames.map((name) => this.#probe(name)));
    return this.#statuses;
  }

  /** One runtime's status. */
  async status(name: RuntimeName): Promise<RuntimeStatus> {
    return (await this.statuses()).find((s) => s.name === name)!;
  }

  async #probe(name: RuntimeName): Promise<RuntimeStatus> {
    const current = runtime.name === name;
    const heapLimit = { process: true, thread: name === "node" };
    const unavailable = (
      reason: string,
      path: string | null = null,
      version: string | null = null,
    ): RuntimeStatus => ({ name, available: false, current, version, path, heapLimit, reason });
    if (current && this.#options.bins?.[name] === undefined) {
      return {
        name,
        available: true,
        current,
        version: runtime.version,
        path: process.execPath,
        heapLimit,
      };
    }
    if (!runnerLocal && !runsRemoteModules[name]) {
      return unavailable(
        `${name} cannot run the playground's runner from ${runnerPath}: the server runs from ` +
          `remote modules (JSR); run it from the npm package (npm install polycore) to use ` +
          `${name} too`,
      );
    }
    const path = this.locate(name);
    if (!path) {
      return unavailable(`${name} is not installed (not in node_modules/.bin nor on PATH)`);
    }
    let version: [number, number] | undefined;
    let text = "";
    try {
      text = await run(path, ["--version"], 15_000);
      version = parseVersion(text);
    } catch (error) {
      return unavailable(`'${path} --version' failed: ${(error as Error).message}`, path);
    }
    const full = /\d+\.\d+\.\d+\S*/.exec(text)?.[0] ?? null;
    const [major, minor] = minimum[name];
    if (!version || version[0] < major || (version[0] === major && version[1] < minor)) {
      const found = full ?? "(unknown version)";
      return unavailable(
        `${name} ${found} is older than the ${major}.${minor} polycore needs`,
        path,
        full,
      );
    }
    return { name, available: true, current, version: full, path, heapLimit };
  }

  /**
   * The command line that runs `runner.ts` on `status`'s runtime; for user code, narrowed by the
   * runtime's permissions (`confinement.ts`).
   */
  #command(status: RuntimeStatus, code?: { readonly processes: boolean }): string[] {
    const version = parseVersion(status.version ?? "") ?? [0, 0];
    const permissions = code
      ? permissionFlags(status.name, version, {
        readable: readableFolders(this.#root),
        processes: code.processes,
        binary: realBinary(status.path!),
      })
      : [];
    switch (status.name) {
      case "node": {
        const strip = version[0] < 23 || (version[0] === 23 && version[1] < 6)
          ? ["--experimental-strip-types"]
          : [];
        return [status.path!, ...strip, ...permissions, runnerPath];
      }
      case "deno": {
        // A remote runner's modules are imports to allow.
        const remote = code && !runnerLocal ? [`--allow-import=${runnerUrl.host}`] : [];
        return [
          status.path!,
          "run",
          ...(code ? permissions : ["-A"]),
          ...remote,
          "--quiet",
          runnerPath,
        ];
      }
      case "bun":
        return [status.path!, runnerPath];
    }
  }

  /**
   * Runs `input` in a child process of runtime `name`, passing each message it prints to
   * `onMessage`. Aborting kills the child. Rejects when it cannot start or exits non-zero.
   */
  async run(name: RuntimeName, input: RunnerInput, options: SpawnOptions): Promise<void> {
    const status = await this.status(name);
    if (!status.available) throw new Error(`Cannot run on ${name}: ${status.reason}`);
    const { signal } = options;
    signal?.throwIfAborted();
    // User code runs confined (`confinement.ts`); the built-in workloads need no confinement.
    const code = input.runs.some((run) => run.workload === codeWorkload)
      ? { processes: input.runs.some((run) => run.mode === "process") }
      : undefined;
    const confined = code ? confinement() : undefined;
    const [bin, ...args] = [...(confined?.wrapper ?? []), ...this.#command(status, code)];
    const encoded = JSON.stringify(input); // before spawning: a failure here leaves no child
    const child = spawn(bin, args, {
      cwd: this.#root,
      stdio: ["pipe", "pipe", "pipe"],
      env: confined ? { ...confined.env } : { ...process.env, NO_COLOR: "1" },
      // Its own process group: whatever the job starts is killed with it at the end.
      detached: process.platform !== "win32",
    });
    let stderr = "";
    let pending = "";
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => stderr = (stderr + chunk).slice(-8192));
    child.stdout.on("data", (chunk: string) => {
      pending += chunk;
      let newline;
      while ((newline = pending.indexOf("\n")) >= 0) {
        const line = pending.slice(0, newline).trim();
        pending = pending.slice(newline + 1);
        if (!line.startsWith("{")) continue;
        try {
          options.onMessage(JSON.parse(line) as RunnerMessage);
        } catch {
          // Not a runner message (a stray log line that looked like JSON): skip it.
        }
      }
    });
    child.stdin.on("error", () => {}); // the child may exit before reading all of its input
    child.stdin.end(encoded);
    let killTimer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = () => {
      child.kill("SIGTERM");
      killTimer = setTimeout(() => child.kill("SIGKILL"), 2000);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const [code, exitSignal] = await new Promise<[number | null, string | null]>(
        (resolve, reject) => {
          child.on("error", reject);
          child.on("close", (c, s) => resolve([c, s]));
        },
      );
      signal?.throwIfAborted();
      if (code !== 0) {
        const why = exitSignal ? `was killed by ${exitSignal}` : `exited with code ${code}`;
        const tail = stderr.trim().split("\n").slice(-5).join("\n");
        throw new Error(`The ${name} runner ${why}${tail ? `: ${tail}` : ""}`);
      }
    } finally {
      clearTimeout(killTimer);
      signal?.removeEventListener("abort", onAbort);
      killGroup(child.pid);
    }
  }
}

/** Kills what is left of a runner's process group (processes its job started). */
function killGroup(pid: number | undefined): void {
  if (pid === undefined || process.platform === "win32") return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // ESRCH: nothing is left in the group.
  }
}
