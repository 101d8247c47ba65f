/**
 * The options a {@linkcode Pool} or executor takes for the NATS backend, and
 * their checks.
 *
 * @module
 */
import { checkPositiveInteger, checkTimeout, invalid } from "../_validate.ts";
import type { NatsPoolSettings } from "./_nats_scheduler.ts";
import { checkConnectOptions, type NatsConnectionOptions } from "./_broker.ts";
import { checkPoolName, defaultRedelivery } from "./_pool_stream.ts";

/** Options of a pool whose `backend` is `"nats"`: its workers are hosts that ran `polycore worker`. */
export interface NatsPoolOptions {
  /** The NATS server(s): `"nats://127.0.0.1:4222"`. Required with `backend: "nats"`. */
  readonly servers?: string | readonly string[];
  /** The pool's name, shared with its worker hosts (`polycore worker --pool NAME`); `"default"`. */
  readonly name?: string;
  /** How long a host may hold a task without acknowledging it before it is redelivered; 10 s. */
  readonly ackWaitMs?: number;
  /** Deliveries of a task before it fails with `TaskDeliveryError`; 5. */
  readonly maxDeliver?: number;
  /** Calls in flight at most (published and not answered); `max(64, 4 × processes)`. */
  readonly window?: number;
  /** More options of the NATS client: `token`, `user`/`pass`, `authenticator`, `tls`… */
  readonly connection?: NatsConnectionOptions;
}

/** The keys that only the NATS backend reads. */
const natsKeys = ["servers", "name", "ackWaitMs", "maxDeliver", "window", "connection"] as const;

/** The local backends' keys, which a NATS pool's hosts decide for themselves. */
const hostKeys = ["initializer", "initargs", "maxTasksPerChild", "maxHeapMb"] as const;

/** Checks the options of a pool on the NATS backend. */
export function natsPoolSettings(
  action: string,
  given: NatsPoolOptions & { readonly processes?: number; readonly taskTimeoutMs?: number },
): NatsPoolSettings {
  const options = given as typeof given & Readonly<Record<string, unknown>>;
  const { servers, connection } = checkConnectOptions(action, options);
  for (const key of hostKeys) {
    if (options[key] !== undefined) {
      invalid(
        action,
        key,
        'is not supported with backend "nats": each worker host\'s local pool decides it',
        options[key],
      );
    }
  }
  const name = checkPoolName(action, "name", options.name, "default");
  const processes = checkPositiveInteger(action, "processes", options.processes) ?? 4;
  const taskTimeoutMs = checkTimeout(action, "taskTimeoutMs", options.taskTimeoutMs);
  return {
    servers,
    name,
    processes,
    window: checkPositiveInteger(action, "window", options.window) ?? Math.max(64, 4 * processes),
    redelivery: {
      ackWaitMs: checkPositiveInteger(action, "ackWaitMs", options.ackWaitMs) ??
        defaultRedelivery.ackWaitMs,
      maxDeliver: checkPositiveInteger(action, "maxDeliver", options.maxDeliver) ??
        defaultRedelivery.maxDeliver,
    },
    ...(connection ? { connection } : {}),
    ...(taskTimeoutMs !== undefined ? { taskTimeoutMs } : {}),
  };
}

/** Whether options name NATS-only settings without `backend: "nats"` (a likely mistake). */
export function strayNatsKey(options: Record<string, unknown>): string | undefined {
  return natsKeys.find((key) => options[key] !== undefined);
}
