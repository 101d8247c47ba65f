/**
 * Child processes of the same runtime through `node:child_process.fork` with
 * `serialization: "advanced"` (structured clone over IPC), which works on
 * Node, Deno and Bun alike. Never mixes runtimes on one channel: the wire
 * format differs between V8 and JavaScriptCore.
 *
 * @module
 */
import type { ChildProcess, Serializable } from "node:child_process";
import { Worker } from "node:worker_threads";
import { childProcessModule, fileURLToPath, v8Module } from "./_builtins.ts";
import type { MessageEndpoint, SpawnOptions, WorkerChannel } from "./types.ts";

/** Tells a child its parent's pid, for the orphan watchdog. */
const parentPidVariable = "POLYCORE_PARENT_PID";

/** Tells a child the memory limit its watchdog enforces (runtimes without a heap flag). */
const memoryLimitVariable = "POLYCORE_MEMORY_LIMIT_MB";

/** How long after "exit" a missing "close" is given up on. */
const closeGraceMs = 250;

/** How long a child gets between SIGTERM and SIGKILL. */
const gracePeriodMs = 2000;

/** Extra options an adapter may add to a child. */
export interface ChildTweaks {
  /** Flags for the child runtime; the parent's own by default. */
  readonly execArgv?: string[];
  /** Whether `--max-old-space-size` is honoured. */
  readonly enforceHeapLimit: boolean;
  /**
   * Whether a message must be proven serializable before it is sent: where `send()` does not
   * throw for a value it cannot serialize but reports it later and leaves the IPC channel
   * broken for good (Deno 2), `post()` serializes it first so that it throws instead.
   */
  readonly checkSerializable?: boolean;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Children die with their parent: kill the ones still running when this program exits. */
function killChildrenAtExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const child of live) child.kill("SIGKILL");
  });
}

/** Starts `entry` in a child process of this runtime; `options.data` is its first message. */
export function spawnChildProcess(
  entry: URL,
  options: SpawnOptions,
  tweaks: ChildTweaks,
): WorkerChannel {
  const execArgv = [...(tweaks.execArgv ?? process.execArgv)];
  if (tweaks.enforceHeapLimit && options.maxHeapMb !== undefined) {
    execArgv.push(`--max-old-space-size=${options.maxHeapMb}`);
  }
  // A remote entry (polycore from JSR, on Deno) is passed as its URL: `deno run` loads it.
  const modulePath = entry.protocol === "file:" ? fileURLToPath(entry) : entry.href;
  const child = childProcessModule().fork(modulePath, [], {
    serialization: "advanced",
    execArgv,
    env: {
      ...process.env,
      [parentPidVariable]: String(process.pid),
      // No heap limit flag: the child's watchdog enforces the limit on its memory growth.
      ...(!tweaks.enforceHeapLimit && options.maxHeapMb !== undefined
        ? { [memoryLimitVariable]: String(options.maxHeapMb) }
        : {}),
    },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  live.add(child);
  killChildrenAtExit();
  let errorHandler: (error: unknown) => void = () => {};
  child.on("error", (error) => errorHandler(error));
  let exited = false;
  let exitHandler: (code: number | null, signal: string | null) => void = () => {};
  let announce!: (code: number | null, signal: string | null) => void;
  const closed = new Promise<void>((resolve) => {
    announce = (code, signal) => {
      if (exited) return;
      exited = true;
      live.delete(child);
      resolve();
      exitHandler(code, signal);
    };
  });
  // "close" comes after the last IPC message has been delivered, so it is the end; but Deno
  // may never emit it for a child killed with a message in flight: then "exit", shortly after.
  child.once("close", (code: number | null, signal: string | null) => announce(code, signal));
  child.once("exit", (code: number | null, signal: string | null) => {
    setTimeout(() => announce(code, signal), closeGraceMs).unref();
  });
  child.send(options.data as Serializable);
  return {
    threadId: 0,
    pid: child.pid ?? -1,
    post(message: unknown) {
      if (tweaks.checkSerializable) v8Module().serialize(message);
      if (child.connected) child.send(message as Serializable);
    },
    onMessage(handler) {
      child.on("message", handler);
    },
    onExit(handler) {
      exitHandler = handler;
    },
    onError(handler) {
      errorHandler = handler;
    },
    async terminate() {
      if (exited) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), gracePeriodMs);
      await closed;
      clearTimeout(timer);
    },
    kill() {
      if (!exited) child.kill("SIGKILL");
    },
    ref() {
      child.ref();
      (child.channel as { ref?: () => void } | undefined)?.ref?.();
    },
    unref() {
      child.unref();
      (child.channel as { unref?: () => void } | undefined)?.unref?.();
    },
  };
}

/**
 * A thread that kills this child when its parent dies, even while the main
 * thread is busy (an idle child also exits on IPC disconnect): an orphan is
 * re-parented, so its `ppid` changes. Where the runtime has no heap limit
 * flag, it also enforces the memory limit: when the process's resident memory
 * has grown by more than the limit since it started, it aborts the child
 * (SIGABRT, as V8 does at its heap limit). Inline (a base64 `data:` module) so
 * it survives bundling.
 */
const watchdogSource = `
import { workerData } from "node:worker_threads";
import process from "node:process";
const mib = 1024 * 1024;
const baseline = process.memoryUsage.rss();
const check = () => {
  if (process.ppid !== workerData.ppid) process.kill(process.pid, "SIGKILL");
  const limit = workerData.memoryGrowthMb;
  if (limit && process.memoryUsage.rss() - baseline > limit * mib) {
    process.kill(process.pid, "SIGABRT");
  }
};
check();
setInterval(check, workerData.memoryGrowthMb ? 50 : 250);
`;

function startOrphanWatchdog(): void {
  const url = new URL(`data:text/javascript;base64,${btoa(watchdogSource)}`);
  // The parent's pid comes from the parent: if it died before this ran, ppid has already changed.
  const ppid = Number(process.env[parentPidVariable]) || process.ppid;
  const memoryGrowthMb = Number(process.env[memoryLimitVariable]) || 0;
  const watchdog = new Worker(url, { workerData: { ppid, memoryGrowthMb } });
  watchdog.on("error", () => {});
  watchdog.unref();
}

/**
 * The current child process's channel to its parent, or `null` when not a forked child.
 * `tweaks.checkSerializable` as for {@linkcode spawnChildProcess}.
 */
export function currentChildContext(
  tweaks: Pick<ChildTweaks, "checkSerializable"> = {},
): MessageEndpoint | null {
  if (typeof process.send !== "function") return null;
  process.once("disconnect", () => process.exit(0));
  startOrphanWatchdog();
  return {
    post(message: unknown) {
      if (tweaks.checkSerializable) v8Module().serialize(message);
      process.send!(message as Serializable);
    },
    onMessage(handler) {
      process.on("message", handler);
    },
  };
}
