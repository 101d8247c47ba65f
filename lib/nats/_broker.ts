/**
 * The connection to NATS: the official `@nats-io/*` clients, loaded only when
 * a NATS pool, queue or worker host starts (they are optional peers, not part
 * of the core install), with reconnection set for a broker that restarts.
 *
 * @module
 */
import { invalid } from "../_validate.ts";

/**
 * Options of the NATS client's `connect()` (`@nats-io/transport-node`'s `ConnectionOptions`):
 * `token`, `user`/`pass`, `authenticator` (nkeys, JWT), `tls`, `name`, reconnection… Typed here
 * loosely so that polycore's declarations do not need the optional client to be installed.
 */
export type NatsConnectionOptions = { readonly [option: string]: unknown };

/** Where the broker is and how to authenticate: NATS's own connection options pass through. */
export interface NatsConnectOptions {
  /** `nats://host:port`, or several for a cluster. */
  readonly servers: string | readonly string[];
  /**
   * More options of the NATS client's `connect()`. A worker host runs any task its broker hands
   * it: give the broker auth and TLS, and bind it to loopback when it is local.
   */
  readonly connection?: NatsConnectionOptions;
}

/** A core NATS message, as polycore uses it. */
export interface NatsMessage {
  readonly data: Uint8Array;
  string(): string;
  json<T>(): T;
  respond(data?: Uint8Array): boolean;
}

/** A JetStream message, as polycore uses it. */
export interface JetStreamMessage {
  readonly data: Uint8Array;
  ack(): void;
  nak(delay?: number): void;
  term(): void;
  working(): void;
}

/** A JetStream pull consumer, as polycore uses it. */
export interface PullConsumer {
  consume(options: { max_messages: number }): Promise<
    AsyncIterable<JetStreamMessage> & { stop(): void }
  >;
  next(options: { expires: number }): Promise<JetStreamMessage | null>;
}

/** What polycore reads of a consumer's configuration. */
interface ConsumerInfo {
  readonly config: { readonly ack_wait?: number; readonly max_deliver?: number };
  readonly num_redelivered?: number;
  readonly num_ack_pending?: number;
}

/** The parts of the NATS client polycore calls (`@nats-io/transport-node`, `@nats-io/jetstream`). */
export interface NatsConnection {
  subscribe(
    subject: string,
    options: { callback(error: Error | null, msg: NatsMessage): void },
  ): unknown;
  publish(subject: string, data?: Uint8Array | string): void;
  request(subject: string, data: Uint8Array, options: { timeout: number }): Promise<NatsMessage>;
  flush(): Promise<void>;
  drain(): Promise<void>;
  close(): Promise<void>;
  readonly info?: { readonly max_payload: number };
}

/** The JetStream client's calls polycore makes. */
export interface JetStreamClient {
  publish(
    subject: string,
    data: Uint8Array,
    options?: { msgID?: string; timeout?: number },
  ): Promise<{ readonly seq: number }>;
  readonly consumers: { get(stream: string, name: string): Promise<PullConsumer> };
}

/** The JetStream manager's calls polycore makes. */
export interface JetStreamManager {
  readonly streams: {
    info(name: string): Promise<{ readonly state: { readonly messages: number } }>;
    add(config: Record<string, unknown>): Promise<unknown>;
    deleteMessage(stream: string, seq: number, erase?: boolean): Promise<boolean>;
  };
  readonly consumers: {
    info(stream: string, name: string): Promise<ConsumerInfo>;
    add(stream: string, config: Record<string, unknown>): Promise<ConsumerInfo>;
    update(stream: string, name: string, config: Record<string, unknown>): Promise<ConsumerInfo>;
  };
}

/** JetStream's configuration values polycore sets. */
export interface JetStreamEnums {
  readonly AckPolicy: { readonly Explicit: string };
  readonly RetentionPolicy: { readonly Workqueue: string };
  readonly StorageType: { readonly File: string };
  readonly DiscardPolicy: { readonly New: string };
}

/**
 * Checks the broker options every NATS entry point takes (`servers`, `connection`), throwing a
 * `TypeError` naming the option and the value received.
 */
export function checkConnectOptions(action: string, options: unknown): NatsConnectOptions {
  if (typeof options !== "object" || options === null) {
    invalid(action, "options", "must be an object", options);
  }
  const { servers, connection } = options as Partial<NatsConnectOptions>;
  const isList = Array.isArray(servers) && servers.length > 0 &&
    servers.every((s) => typeof s === "string");
  if (typeof servers !== "string" && !isList) {
    invalid(
      action,
      "servers",
      'must be the NATS server\'s URL, e.g. "nats://127.0.0.1:4222", or a list of them',
      servers,
    );
  }
  if (connection !== undefined && (typeof connection !== "object" || connection === null)) {
    invalid(action, "connection", "must be an object of NATS connection options", connection);
  }
  return options as NatsConnectOptions;
}

/** An open connection with its JetStream client and manager. */
export interface Broker {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  /** JetStream's enums (`AckPolicy`, …). */
  readonly jetstream: JetStreamEnums;
  /** A fresh inbox subject. */
  inbox(): string;
}

interface TransportModule {
  connect(options: Record<string, unknown>): Promise<NatsConnection>;
  createInbox(): string;
}

interface JetStreamModule extends JetStreamEnums {
  jetstream(nc: NatsConnection): JetStreamClient;
  jetstreamManager(nc: NatsConnection): Promise<JetStreamManager>;
}

// Not literal specifiers: bundlers must leave the optional client out.
const transportPackage = "@nats-io/transport-node";
const jetstreamPackage = "@nats-io/jetstream";

/** Loads the client packages; a clear error says what to install when they are missing. */
async function loadClient(): Promise<[TransportModule, JetStreamModule]> {
  try {
    return await Promise.all([
      import(transportPackage) as Promise<TransportModule>,
      import(jetstreamPackage) as Promise<JetStreamModule>,
    ]);
  } catch (error) {
    throw new Error(
      "The NATS backend needs the NATS client, an optional peer of polycore: " +
        "npm install @nats-io/transport-node@3 @nats-io/jetstream@3",
      { cause: error },
    );
  }
}

/** Connects, retrying forever after a lost connection (a restarted broker comes back). */
export async function openBroker(options: NatsConnectOptions): Promise<Broker> {
  const [transport, jetstream] = await loadClient();
  const servers = typeof options.servers === "string" ? options.servers : [...options.servers];
  const nc = await transport.connect({
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    ...options.connection,
    servers,
  });
  return {
    nc,
    js: jetstream.jetstream(nc),
    jsm: await jetstream.jetstreamManager(nc),
    jetstream,
    inbox: () => transport.createInbox(),
  };
}

/** Whether a request failed because nobody listens on its subject (the client is gone). */
export function isNoResponders(error: unknown): boolean {
  const check = (error as { isNoResponders?: () => boolean } | null)?.isNoResponders;
  if (typeof check === "function") return check.call(error);
  return error instanceof Error && /no responders/i.test(error.message);
}
