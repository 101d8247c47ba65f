/**
 * The code every polycore worker runs, thread or child process: it learns its
 * boot data (a thread's `workerData`, a child's first message), reports
 * uncaught errors, and runs the calls its parent sends. The parent side never
 * imports this module.
 *
 * @module
 */
import { runtime } from "../runtimes/mod.ts";
import type { MessageEndpoint, Transferable } from "../runtimes/types.ts";
import { DoorbellListener } from "./pool/_doorbell.ts";
import { HeldResults } from "./pool/_held_results.ts";
import { encodeThrown } from "./task/error_codec.ts";
import {
  type BootData,
  bootKey,
  type Call,
  type FromWorker,
  isBootData,
  type Outcome,
  type ToWorker,
} from "./task/_protocol.ts";
import { packedOutcome } from "./task/_packed.ts";
import { releaseRevivedHandles, transfersOf, uncloneablePart } from "./task/values.ts";
import {
  invoke,
  managerWritesPending,
  runCall,
  runCallNow,
  syncManagerWrites,
} from "./task/_task_runner.ts";

const thread = runtime.workerContext();
const parent: MessageEndpoint | null = thread?.parent ?? runtime.childContext();
if (!parent) {
  throw new Error(
    "lib/_entry.ts is polycore's worker entry: it runs only in workers polycore starts",
  );
}
let boot: BootData | undefined;
let initialized: Promise<boolean> = Promise.resolve(false);

function post(message: FromWorker): void {
  parent!.post(message);
}

/** Posts outcomes, moving values marked with transfer(); an unsendable result fails its call. */
function postSettled(outcomes: Outcome[], elapsedMs = 0): void {
  // A pool thread's plain result goes in its results box when the parent looks there.
  if (outcomes.length === 1 && doorbell?.postOutcome(outcomes[0], elapsedMs)) return;
  const transfers: Transferable[] = [];
  outcomes = outcomes.map((o) => {
    if (!o.ok) return o;
    const { outcome, buffer } = packedOutcome(o);
    if (buffer) return transfers.push(buffer), outcome;
    try {
      transfers.push(...transfersOf(o.value));
      return o;
    } catch (error) {
      return { id: o.id, ok: false, error: encodeThrown(error) }; // nested too deeply
    }
  });
  // A pool thread's results go back over its doorbell's port (see `Doorbell.onMessage`).
  const send = doorbell ?? parent!;
  try {
    send.post({ tag: "settled", outcomes, elapsedMs } satisfies FromWorker, transfers);
  } catch {
    send.post({ tag: "settled", outcomes: outcomes.map(sendable), elapsedMs } satisfies FromWorker);
  }
}

function sendable(outcome: Outcome): Outcome {
  if (!outcome.ok) {
    // Results around a failing item that cannot be sent are dropped: their chunk fails whole.
    const { before: _before, after: _after, ...failure } = outcome;
    return failure;
  }
  try {
    structuredClone(outcome);
    return outcome;
  } catch {
    const { at, what } = uncloneablePart(outcome.value, "the result");
    const failure = new TypeError(
      `Cannot send the result of call ${outcome.id} back from the worker as ${at} is ${what}, which cannot be copied to another thread or process: return plain data, typed arrays, Map, Set, Date or errors`,
    );
    return { id: outcome.id, ok: false, error: encodeThrown(failure) };
  }
}

function reportFatal(error: unknown): void {
  try {
    held.flush();
    post({ tag: "fatal", error: encodeThrown(error) });
  } finally {
    runtime.exit(1);
  }
}

runtime.onUncaughtError(reportFatal);

async function runAsProcess(message: ToWorker & { tag: "run" }): Promise<void> {
  let outcome = await runCall(message.calls[0]);
  // A manager call the target did not await still completes before the process ends.
  try {
    await syncManagerWrites(true);
  } catch (error) {
    if (outcome.ok) outcome = { id: outcome.id, ok: false, error: encodeThrown(error) };
  }
  releaseRevivedHandles();
  postSettled([outcome]);
  if (!outcome.ok) {
    const error = outcome.error;
    const text = error.kind === "error" ? error.error.stack : String(error.value);
    runtime.writeError(`Process ${boot!.name}:\n${text}\n`);
  }
  runtime.exit(outcome.ok ? 0 : 1);
}

/** Runs a pool's initializer; on failure the worker reports it and takes no work. */
async function initialize(init: BootData["init"]): Promise<boolean> {
  if (!init) return true;
  try {
    await invoke(init);
    await syncManagerWrites();
    return true;
  } catch (error) {
    post({ tag: "init-failed", error: encodeThrown(error) });
    return false;
  }
}

let warm = false;

/**
 * After a pool worker's first batch: lets the runtime keep the code compiled so far for later
 * workers (a `Process`'s run, which takes another path, does not: a cache it made would leave
 * the pool's path to be compiled in every pool worker).
 */
function warmUp(): void {
  if (warm) return;
  warm = true;
  runtime.warmedUp();
}

/** Batches delivered here and not yet settled, and a pool thread's doorbell (see `_doorbell.ts`). */
let running = 0;
let doorbell: DoorbellListener | undefined;
/** Settled batches whose results wait for the next batch's (see `_held_results.ts`). */
const held = new HeldResults<{ outcomes: Outcome[]; elapsedMs: number }>(
  ({ outcomes, elapsedMs }) => postSettled(outcomes, elapsedMs),
  runtime.afterNextPoll,
);

/** Whether a batch is chunks of a map (whose results a later chunk may hold). */
function isMapChunks(calls: readonly Call[]): boolean {
  return calls.every((call) => call.mode === "map" || call.mode === "starmap");
}

/**
 * Runs a delivered batch (counted in `running` since its delivery); `last`: no call was left for
 * this worker when it was sent (see `ToWorker`), so no batch will come to hold its results.
 */
async function runBatch(calls: readonly Call[], last: boolean): Promise<void> {
  const start = performance.now();
  // A lone call that ends at once (most) settles without a turn of the promise machinery; only
  // when no other batch is under way, whose calls (still resolving their task) must run first.
  const now = calls.length === 1 && running === 1 ? runCallNow(calls[0]) : undefined;
  const outcomes = now !== undefined && !(now instanceof Promise)
    ? [now]
    : calls.length === 1
    ? [await (now ?? runCall(calls[0]))]
    : await Promise.all(calls.map(runCall));
  // Alone in the worker, a batch also waits for manager calls its tasks did not await. Their
  // failures are reported elsewhere: a write's by its task's own sync (runCall), an unawaited
  // call's as the worker's unhandled rejection; so the result goes out regardless.
  if (running === 1 && managerWritesPending()) await syncManagerWrites(true).catch(() => {});
  const settled = { outcomes, elapsedMs: performance.now() - start };
  const mapChunks = running === 1 && isMapChunks(calls);
  // A thread takes the calls sent to it meanwhile now: the next may hold a map chunk's results.
  if (mapChunks) doorbell?.deliverQueued();
  // About to be idle: the next call may go in the call box while the result goes back.
  if (running === 1) doorbell?.listen();
  if (mapChunks && !doorbell && !last) held.endedAwaiting(settled);
  else held.ended(settled, running > 1);
  warmUp();
  // Idle: wait for the next call on the doorbell, briefly, instead of the event loop.
  if (--running === 0) doorbell?.waitIdle();
}

function start(data: BootData): void {
  boot = data;
  (globalThis as Record<symbol, unknown>)[bootKey] = data;
  if (data.role === "manager") {
    // Loaded only by a manager's worker: other workers start without it.
    void import("./manager/_server.ts").then(({ serveManager }) =>
      serveManager(post, () => runtime.exit(0))
    );
    return;
  }
  if (data.calls) doorbell = new DoorbellListener(data.calls, (m) => receive(m as ToWorker));
  initialized = initialize(data.init);
  void initialized.then((ok) => ok && post({ tag: "ready" }));
}

function receive(message: ToWorker): void {
  switch (message.tag) {
    case "run":
      if (boot!.role === "process") void runAsProcess(message);
      else {
        held.arrived(message.holdPrevious === true);
        // Counted from now: a batch delivered behind this one must not find the worker idle.
        running++;
        void initialized.then((ok) => {
          if (ok) void runBatch(message.calls, message.last === true);
          else running--;
        });
      }
      break;
    case "shutdown":
      held.flush();
      runtime.exit(0);
  }
}

parent.onMessage((data) => {
  if (boot) receive(data as ToWorker);
  else if (isBootData(data)) start(data);
});

if (thread) {
  if (!isBootData(thread.data)) {
    throw new Error(
      "lib/_entry.ts is polycore's worker entry: it runs only in workers polycore starts",
    );
  }
  start(thread.data);
}
