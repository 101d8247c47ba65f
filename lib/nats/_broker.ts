/**
 * The connection to NATS: the official `@nats-io/*` clients, loaded only when
 * a NATS pool, queue or worker host starts (they are optional peers, not part
 * of the core install), with reconnection set for a broker that restarts.
 *
 * @module
 */
import type { ConnectionOptions, NatsConnection } from "@nats-io/transport-node";
import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";

/** Where the broker is and how to authenticate: NATS's own connection options pass through. */
export interface NatsConnectOptions {
  /** `nats://host:port`, or several for a cluster. */
  readonly servers: string | readonly string[];
  /**
   * More options of the NATS client (`@nats-io/transport-node`'s `ConnectionOptions`): `token`,
   * `user`/`pass`, `authenticator` (nkeys, JWT), `tls`, `name`… A worker host runs any task its
   * broker hands it: give the broker auth and TLS, and bind it to loopback when it is local.
   */
  readonly connection?: Partial<ConnectionOptions>;
}

/** An open connection with its JetStream client and manager. */
export interface Broker {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  /** The JetStream module, for its enums (`AckPolicy`, …). */
  readonly jetstream: typeof import("@nats-io/jetstream");
  /** A fresh inbox subject. */
  inbox(): string;
}

const transportPackage = "@nats-io/transport-node";
const jetstreamPackage = "@nats-io/jetstream";

/** Loads the client packages; a clear error says what to install when they are missing. */
async function loadClient(): Promise<
  [typeof import("@nats-io/transport-node"), typeof import("@nats-io/jetstream")]
> {
  try {
    return await Promise.all([
      import(transportPackage) as Promise<typeof import("@nats-io/transport-node")>,
      import(jetstreamPackage) as Promise<typeof import("@nats-io/jetstream")>,
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
