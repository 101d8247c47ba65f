/**
 * The manager's server, run in the manager's own worker (thread or child
 * process): it listens on a local socket, admits clients that present the
 * manager's key, and serves the objects they create (Python: the manager's
 * server process).
 *
 * @module
 */
import { runtime } from "../../runtimes/mod.ts";
import type { SocketConnection } from "../../runtimes/types.ts";
import { encodeThrown } from "../task/error_codec.ts";
import {
  type Managed,
  ManagedDict,
  ManagedList,
  ManagedNamespace,
  ManagedNumbers,
  ManagedPipe,
  ManagedQueue,
} from "./_data.ts";
import type { ManagedKind, ManagerListening, ManagerReply, ManagerRequest } from "./protocol.ts";
import {
  ManagedBarrier,
  ManagedCondition,
  ManagedEvent,
  ManagedLock,
  ManagedSemaphore,
} from "./_sync.ts";
import { resolveTask } from "../task/_task_runner.ts";
import type { TaskDescriptor } from "../task/task.ts";

const objects = new Map<number, Managed>();

async function create(kind: ManagedKind, args: readonly unknown[]): Promise<number> {
  let object: Managed;
  switch (kind) {
    case "dict":
      object = new ManagedDict(args[0]);
      break;
    case "list":
      object = new ManagedList(args[0]);
      break;
    case "Namespace":
      object = new ManagedNamespace(args[0]);
      break;
    case "Value":
      object = new ManagedNumbers(args[0], args[1], true);
      break;
    case "Array":
      object = new ManagedNumbers(args[0], args[1], false);
      break;
    case "Queue":
    case "JoinableQueue":
      object = new ManagedQueue(args[0], kind === "JoinableQueue");
      break;
    case "Lock":
    case "RLock":
      object = new ManagedLock(kind === "RLock");
      break;
    case "Semaphore":
    case "BoundedSemaphore":
      object = new ManagedSemaphore(args[0], kind === "BoundedSemaphore");
      break;
    case "Event":
      object = new ManagedEvent();
      break;
    case "Condition": {
      const lock = args[0] === undefined ? undefined : objects.get(args[0] as number);
      if (lock !== undefined && !(lock instanceof ManagedLock)) {
        throw new TypeError("Cannot create condition as 'lock' must be a manager Lock or RLock");
      }
      object = new ManagedCondition(lock);
      break;
    }
    case "Barrier": {
      const task = args[1] as TaskDescriptor | undefined;
      const action = task ? await resolveTask(task) : undefined;
      object = new ManagedBarrier(
        args[0],
        action as (() => unknown) | undefined,
        args[2] as number,
      );
      break;
    }
    case "Pipe":
      object = new ManagedPipe(args[0]);
      break;
    default:
      throw new TypeError(`Cannot create a managed '${String(kind)}': unknown kind`);
  }
  const ref = objects.size + 1;
  objects.set(ref, object);
  return ref;
}

function reply(connection: SocketConnection, id: number, run: () => unknown): void {
  let result: unknown;
  try {
    result = run();
  } catch (error) {
    connection.post(
      { tag: "reply", id, ok: false, error: encodeThrown(error) } satisfies ManagerReply,
    );
    return;
  }
  if (!(result instanceof Promise)) {
    connection.post({ tag: "reply", id, ok: true, value: result } satisfies ManagerReply);
    return;
  }
  result.then(
    (value) => connection.post({ tag: "reply", id, ok: true, value } satisfies ManagerReply),
    (error) =>
      connection.post(
        { tag: "reply", id, ok: false, error: encodeThrown(error) } satisfies ManagerReply,
      ),
  ).catch(() => {
    // The client went away while its call waited.
  });
}

/** Runs a one-way call: only a failure is answered (the client reports it on its next request). */
function replyOnFailure(connection: SocketConnection, id: number, run: () => unknown): void {
  const fail = (error: unknown) =>
    connection.post(
      { tag: "reply", id, ok: false, error: encodeThrown(error) } satisfies ManagerReply,
    );
  try {
    const result = run();
    if (result instanceof Promise) result.catch(fail).catch(() => {});
  } catch (error) {
    fail(error);
  }
}

/** Starts serving; `announce` tells the parent where, and `exit` ends the worker. */
export async function serveManager(
  announce: (listening: ManagerListening) => void,
  exit: () => void,
): Promise<void> {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const key = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  let callers = 0;
  const server = await runtime.listen((connection) => {
    const caller = ++callers;
    let admitted = false;
    const serve = (request: ManagerRequest): void => {
      switch (request.tag) {
        case "create":
          return reply(connection, request.id, () => create(request.kind, request.args));
        case "call":
          return (request.oneway ? replyOnFailure : reply)(connection, request.id, () => {
            const object = objects.get(request.ref);
            if (!object) throw new TypeError(`No managed object #${request.ref}`);
            return object.call(request.method, request.args, caller);
          });
        case "batch":
          for (const each of request.requests) serve(each);
          return;
        case "sync":
          return reply(connection, request.id, () => undefined);
        case "shutdown":
          reply(connection, request.id, () => undefined);
          void server.close().then(exit);
      }
    };
    connection.onMessage((data) => {
      const request = data as ManagerRequest;
      if (!admitted) {
        if (request.tag === "hello" && request.key === key) admitted = true;
        else connection.close();
        return;
      }
      serve(request);
    });
  });
  announce({ tag: "manager-listening", address: server.address, key });
}
