/**
 * `Process`: run one function in its own worker (Python: `multiprocessing.Process`).
 *
 * @module
 */
import type { WorkerChannel } from "../../runtimes/types.ts";
import { decodeRemoteError, decodeThrown } from "../task/error_codec.ts";
import type { FromWorker, ToWorker } from "../task/_protocol.ts";
import { encodeArgs, findUncloneable } from "../task/values.ts";
import {
  checkArray,
  checkBackend,
  checkBoolean,
  checkHeapLimit,
  checkString,
  checkTimeout,
  invalid,
} from "../_validate.ts";
import type { Backend } from "../context.ts";
import { definePythonRepr } from "../_repr.ts";
import { ProcessError, WorkerExitedError } from "../errors.ts";
import { bootData, checkHandlesFor, exitCodeOf, looksOutOfMemory, spawnWorker } from "./_spawn.ts";
import { type Task, taskDescriptor, type TaskSpec, toTaskSpec } from "../task/task.ts";

/** Options of {@linkcode Process} (Python: `Process(target, args, name, daemon)`). */
export interface ProcessOptions<A extends unknown[] = unknown[]> {
  /** The function to run: self-contained, or a module task from `fromModule()`. */
  readonly target: Task<A>;
  /** Arguments for `target`; handles (locks, shared values, queues) arrive live. */
  readonly args?: A;
  /** Defaults to `"Process-N"`. */
  readonly name?: string;
  /** A daemon never keeps the program alive, and is stopped when it ends. */
  readonly daemon?: boolean;
  /** `"thread"` (default) or `"process"`. */
  readonly backend?: Backend;
  /**
   * Heap limit of the worker in MiB: enforced for child processes on every runtime
   * and for threads where the runtime can; exceeding it ends the worker with a
   * `WorkerExitedError` as its `error`. Refused (`RangeError`) for threads where the runtime
   * cannot limit them (`runtime.canLimitThreadMemory`; see the README's runtime table).
   */
  readonly maxHeapMb?: number;
}

const children = new Set<Process<never[]>>();
let created = 0;

const sigterm = 15;
const sigkill = 9;
const maxTimerMs = 2 ** 31 - 1;

type State = "initial" | "started" | "closed";

/**
 * Runs `target(...args)` in a worker of its own (Python: `multiprocessing.Process`).
 * `exitCode` is `null` while running, `0` after success, `1` after an uncaught
 * error, `n` after `process.exit(n)`, and `-15`/`-9` after `terminate()`/`kill()`.
 *
 * @example Start, join, read the exit code
 * ```ts
 * import { Process } from "./process.ts";
 * const p = new Process({ target: (who: string) => console.log(`hello ${who}`), args: ["bob"] });
 * p.start();
 * await p.join();
 * console.log(p.exitCode); // 0
 * ```
 */
export class Process<A extends unknown[] = unknown[]> {
  /** The process's name (Python: `Process.name`). */
  name: string;
  #daemon: boolean;
  readonly #backend: Backend;
  readonly #maxHeapMb: number | undefined;
  readonly #spec: TaskSpec;
  readonly #args: A;
  #state: State = "initial";
  #channel?: WorkerChannel;
  #exitCode: number | null = null;
  #error: unknown;
  #settled = false;
  #signal = 0;
  #exited?: Promise<void>;
  #joiners = 0;

  /**
   * Creates the process; `start()` starts it (Python: `Process(target, args, name, daemon)`).
   *
   * @param options What to run, and how.
   */
  constructor(options: ProcessOptions<A>) {
    const action = "create process";
    if (typeof options !== "object" || options === null) {
      invalid(action, "options", "must be an object with a 'target'", options);
    }
    this.#spec = toTaskSpec(options.target, action, "target");
    this.#args = (checkArray(action, "args", options.args) ?? []) as A;
    this.name = checkString(action, "name", options.name) ?? `Process-${++created}`;
    this.#daemon = checkBoolean(action, "daemon", options.daemon) ?? false;
    this.#backend = checkBackend(action, options.backend, "thread");
    this.#maxHeapMb = checkHeapLimit(action, this.#backend, options.maxHeapMb);
  }

  /** Whether this is a daemon; settable only before `start()` (Python: `Process.daemon`). */
  get daemon(): boolean {
    return this.#daemon;
  }

  set daemon(value: boolean) {
    if (this.#state !== "initial") {
      throw new ProcessError("Cannot set daemon of a process that has started");
    }
    this.#daemon = checkBoolean("set daemon", "daemon", value) ?? false;
  }

  /** The backend it runs on. */
  get backend(): Backend {
    return this.#backend;
  }

  /** OS process id once started, else `null`. Thread workers share the program's pid. */
  get pid(): number | null {
    return this.#channel?.pid ?? null;
  }

  /**
   * The worker's thread id once started, else `null`: a worker thread's own id, or 0 for a
   * child process, whose target runs on its main thread.
   */
  get threadId(): number | null {
    return this.#channel?.threadId ?? null;
  }

  /** `null` while running or before start; see the class description. */
  get exitCode(): number | null {
    return this.#exitCode;
  }

  /** The error that ended the process, if one did (not in Python, which prints it). */
  get error(): unknown {
    return this.#error;
  }

  /** Starts the worker (Python: `Process.start()`); throws if already started or closed. */
  start(): void {
    this.#checkOpen("start");
    if (this.#state === "started") throw new ProcessError("Cannot start a process twice");
    const encoded = encodeArgs(this.#args);
    checkHandlesFor(this.#backend, encoded.handles, `process '${this.name}'`);
    const boot = bootData("process", this.name, this.#daemon);
    const channel = spawnWorker(this.#backend, boot, this.#maxHeapMb);
    const run: ToWorker = {
      tag: "run",
      calls: [{
        id: 0,
        task: taskDescriptor(this.#spec, true),
        args: encoded.args,
        ...(encoded.handles ? { handles: encoded.handles } : {}),
      }],
    };
    try {
      channel.post(run, encoded.transfer);
    } catch (error) {
      // Nothing has started as far as the caller can tell: the process stays unstarted.
      void channel.terminate();
      const { index, at, what } = findUncloneable(this.#args);
      const culprit = index < 0 ? "" : `: ${at} is ${what}`;
      throw new TypeError(
        `Cannot start process '${this.name}' as argument ${index} of task '${this.#spec.label}' cannot be cloned to a worker${culprit}, which cannot be copied to another thread or process; pass plain data, typed arrays, Map, Set, Date, a function, or a polycore handle`,
        { cause: error },
      );
    }
    this.#channel = channel;
    this.#state = "started";
    this.#exited = new Promise((resolve) =>
      channel.onExit((code, signal) => resolve(this.#onExit(code, signal)))
    );
    channel.onError((error) => this.#error ??= error);
    channel.onMessage((message) => this.#onMessage(message as FromWorker));
    if (this.#daemon) channel.unref();
    children.add(this as unknown as Process<never[]>);
  }

  #onMessage(message: FromWorker): void {
    if (message.tag === "settled") {
      const outcome = message.outcomes[0];
      this.#settled = true;
      if (!outcome.ok) {
        this.#error = decodeRemoteError(
          outcome.error,
          `Task '${this.#spec.label}' failed in process '${this.name}'`,
        );
      }
    } else if (message.tag === "fatal") {
      this.#error ??= decodeThrown(message.error);
    }
  }

  #onExit(code: number | null, signal: string | null): void {
    // A worker that died of an uncaught error may still exit 0 (Bun does, for errors raised
    // in event handlers): an exit without a result but with an error is a crash.
    const crashed = code === 0 && !this.#settled && this.#error !== undefined;
    this.#exitCode = this.#signal && !this.#settled
      ? -this.#signal
      : crashed
      ? 1
      : exitCodeOf(code, signal);
    if (this.#maxHeapMb !== undefined && looksOutOfMemory(code, signal)) {
      this.#error ??= new WorkerExitedError(
        `Process '${this.name}' ran out of memory (its heap limit is ${this.#maxHeapMb} MiB)`,
        { exitCode: code, signal },
      );
    }
    children.delete(this as unknown as Process<never[]>);
  }

  /**
   * Waits until the process ends, or `timeoutMs` passes (Python: `Process.join(timeout)`);
   * check `exitCode` to tell which. No `timeoutMs` (or `Infinity`) waits for the end, and
   * keeps the program alive meanwhile, even for a daemon.
   */
  async join(timeoutMs?: number): Promise<void> {
    const timeout = checkTimeout("join process", "timeoutMs", timeoutMs);
    this.#checkOpen("join");
    if (!this.#exited) throw new ProcessError("Cannot join a process that has not been started");
    // A daemon's worker does not keep the program alive, but waiting for it must.
    if (this.#joiners++ === 0 && this.#daemon) this.#channel?.ref();
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      // Timers cannot wait longer than 2^31 - 1 ms (Node fires at once instead): wait for the end.
      if (timeout === undefined || timeout > maxTimerMs) return await this.#exited;
      await Promise.race([
        this.#exited,
        new Promise<void>((resolve) => timer = setTimeout(resolve, timeout)),
      ]);
    } finally {
      clearTimeout(timer);
      if (--this.#joiners === 0 && this.#daemon && this.#exitCode === null) this.#channel?.unref();
    }
  }

  /** Whether it has started and not yet ended (Python: `Process.is_alive()`). */
  isAlive(): boolean {
    this.#checkOpen("query");
    return this.#state === "started" && this.#exitCode === null;
  }

  /**
   * Stops the process (Python: `Process.terminate()`, SIGTERM): `exitCode`
   * becomes -15. On Deno a thread spinning in JavaScript keeps its CPU until
   * the program ends: use the process backend for runaway work there.
   */
  terminate(): void {
    this.#stop(sigterm);
  }

  /** Stops the process at once (Python: `Process.kill()`, SIGKILL): `exitCode` becomes -9. */
  kill(): void {
    this.#stop(sigkill);
  }

  #stop(signal: number): void {
    this.#checkOpen("stop");
    if (!this.#channel || this.#exitCode !== null) return;
    this.#signal ||= signal;
    if (signal === sigkill) this.#channel.kill();
    else void this.#channel.terminate();
  }

  /**
   * Releases the process's resources (Python: `Process.close()`); throws if it
   * is still running. Most methods throw afterwards.
   */
  close(): void {
    if (this.#state === "started" && this.#exitCode === null) {
      throw new ProcessError(
        `Cannot close process '${this.name}' while it is still running: join() or terminate() it first`,
      );
    }
    this.#state = "closed";
    this.#channel = undefined;
  }

  /** `await using p = new Process(…)`: terminates it if still running, waits, and closes it. */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#state === "closed") return;
    if (this.#state === "started") {
      this.terminate();
      await this.join();
    }
    this.close();
  }

  #checkOpen(what: string): void {
    if (this.#state === "closed") {
      throw new ProcessError(`Cannot ${what} process '${this.name}' as it is closed`);
    }
  }
}

/**
 * The started processes of this program that have not ended yet (Python:
 * `multiprocessing.active_children()`).
 *
 * @example
 * ```ts
 * import { activeChildren } from "./process.ts";
 * console.log(activeChildren().length); // 0
 * ```
 */
export function activeChildren(): Process<unknown[]>[] {
  return [...children] as unknown as Process<unknown[]>[];
}

definePythonRepr(Process, (p) => {
  const status = p.exitCode !== null
    ? `stopped exitcode=${p.exitCode}`
    : p.pid !== null
    ? "started"
    : "initial";
  const pid = p.pid !== null ? ` pid=${p.pid}` : "";
  return `<Process name='${p.name}'${pid} ${status}${p.daemon ? " daemon" : ""}>`;
});
