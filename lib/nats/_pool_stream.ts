/**
 * A NATS pool's JetStream objects: a work-queue stream of task messages on
 * file storage, one durable pull consumer that every worker host shares, and
 * the subjects around them. Creating them is idempotent; the client sets the
 * redelivery settings, a host takes what it finds.
 *
 * @module
 */
import { outOfRange } from "../_validate.ts";
import type { Broker } from "./_broker.ts";

/** The subjects and JetStream names of one pool. */
export interface PoolNames {
  readonly name: string;
  readonly stream: string;
  readonly consumer: string;
  /** Where task messages are published. */
  readonly tasks: string;
  /** Where clients announce calls they gave up on (timeout, abort, terminate). */
  readonly cancel: string;
  /** JetStream's advisory for a task message that exhausted `maxDeliver`. */
  readonly maxDeliveries: string;
}

/** How long an unacknowledged task waits before redelivery, and how many deliveries it gets. */
export interface Redelivery {
  readonly ackWaitMs: number;
  readonly maxDeliver: number;
}

/** The defaults: a lost host's tasks come back after 10 s, and a task is tried 5 times. */
export const defaultRedelivery: Redelivery = { ackWaitMs: 10_000, maxDeliver: 5 };

const namePattern = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * A pool's or queue's name (it becomes part of subjects and stream names), `fallback` when
 * absent; a `RangeError` naming option `key` otherwise.
 */
export function checkPoolName(
  action: string,
  key: string,
  value: unknown,
  fallback?: string,
): string {
  const name = value ?? fallback;
  if (typeof name !== "string" || !namePattern.test(name)) {
    outOfRange(action, key, "must be 1–64 letters, digits, '_' or '-'", value);
  }
  return name;
}

/** The names of pool `name`. */
export function poolNames(name: string): PoolNames {
  const stream = `POLYCORE_${name}`;
  const consumer = "workers";
  return {
    name,
    stream,
    consumer,
    tasks: `polycore.${name}.tasks`,
    cancel: `polycore.${name}.cancel`,
    maxDeliveries: `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${stream}.${consumer}`,
  };
}

const nanosPerMs = 1_000_000;

/**
 * Creates the pool's stream and consumer when missing. With `wanted` (a client), an existing
 * consumer is updated to those settings; without (a host), it is taken as it is.
 * Resolves to the settings in force.
 */
export async function ensurePool(
  broker: Broker,
  names: PoolNames,
  wanted?: Redelivery,
): Promise<Redelivery> {
  const { jsm, jetstream } = broker;
  try {
    await jsm.streams.info(names.stream);
  } catch {
    await jsm.streams.add({
      name: names.stream,
      subjects: [names.tasks],
      retention: jetstream.RetentionPolicy.Workqueue,
      storage: jetstream.StorageType.File,
    }).catch(async (error) => {
      // Another client or host created it meanwhile.
      await jsm.streams.info(names.stream).catch(() => Promise.reject(error));
    });
  }
  const settings = wanted ?? defaultRedelivery;
  const config = {
    ack_wait: settings.ackWaitMs * nanosPerMs,
    max_deliver: settings.maxDeliver,
  };
  let info;
  try {
    info = await jsm.consumers.info(names.stream, names.consumer);
    if (
      wanted &&
      (info.config.ack_wait !== config.ack_wait || info.config.max_deliver !== config.max_deliver)
    ) {
      info = await jsm.consumers.update(names.stream, names.consumer, config);
    }
  } catch {
    info = await jsm.consumers.add(names.stream, {
      durable_name: names.consumer,
      ack_policy: jetstream.AckPolicy.Explicit,
      ...config,
    }).catch(() => jsm.consumers.info(names.stream, names.consumer));
  }
  return {
    ackWaitMs: Math.round((info.config.ack_wait ?? config.ack_wait) / nanosPerMs),
    maxDeliver: info.config.max_deliver ?? config.max_deliver,
  };
}
