/**
 * Serves a fetch handler on the current runtime, one small adapter each: `Deno.serve`,
 * `Bun.serve`, and `@hono/node-server` on Node (imported only there). `close()` stops
 * accepting connections and resolves once the open ones have ended (forced after a grace).
 *
 * @module
 */
import { runtime } from "../mod.ts";
import { withServerPeers } from "./_peers.ts";

/** Options of {@linkcode serve}. */
export interface ServeOptions {
  /** 8787 by default; 0 picks a free port. */
  readonly port?: number;
  /** `127.0.0.1` by default. */
  readonly hostname?: string;
  /** Milliseconds `close()` waits for open connections before cutting them. Default 3000. */
  readonly graceMs?: number;
}

/** A running server. */
export interface Server {
  /** The address it listens on. */
  readonly hostname: string;
  /** The port it listens on (the one picked, for port 0). */
  readonly port: number;
  /** `http://hostname:port`. */
  readonly url: string;
  /** Stops accepting; resolves when the open connections have ended. */
  close(): Promise<void>;
}

/** A fetch handler, such as a Hono app's `fetch`. */
export type Fetch = (request: Request) => Response | Promise<Response>;

// Minimal shapes of the runtime objects touched (no @types/bun or Deno types needed).
interface DenoServer {
  readonly addr: { readonly port: number };
  shutdown(): Promise<void>;
  readonly finished: Promise<void>;
}
interface DenoLike {
  serve(
    options: { port: number; hostname: string; onListen?: () => void },
    handler: Fetch,
  ): DenoServer;
}
interface BunServer {
  readonly port: number;
  stop(closeActiveConnections?: boolean): Promise<void> | void;
  readonly pendingRequests: number;
}
interface BunLike {
  serve(options: {
    port: number;
    hostname: string;
    fetch: Fetch;
    idleTimeout?: number;
    maxRequestBodySize?: number;
  }): BunServer;
}
interface NodeServer {
  close(callback?: (error?: Error) => void): void;
  closeAllConnections?(): void;
  closeIdleConnections?(): void;
  address(): { port: number } | string | null;
  once(event: "listening" | "error", listener: (error?: Error) => void): void;
}

const withGrace = (work: Promise<void>, graceMs: number, force: () => void): Promise<void> => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const forced = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      force();
      resolve();
    }, graceMs);
  });
  return Promise.race([work, forced]).finally(() => clearTimeout(timer));
};

/**
 * Serves `app.fetch` on this runtime.
 *
 * @example
 * ```ts
 * import { createApp } from "./app.ts";
 * import { serve } from "./serve.ts";
 * const server = await serve(createApp(), { port: 0 });
 * console.log(server.url);
 * await server.close();
 * ```
 */
export async function serve(app: { fetch: Fetch }, options: ServeOptions = {}): Promise<Server> {
  const hostname = options.hostname ?? "127.0.0.1";
  const port = options.port ?? 8787;
  const graceMs = options.graceMs ?? 3000;
  const fetch: Fetch = (request) => app.fetch(request);
  const make = (actual: number, close: () => Promise<void>): Server => {
    const host = hostname.includes(":") ? `[${hostname}]` : hostname;
    return { hostname, port: actual, url: `http://${host}:${actual}`, close };
  };

  if (runtime.name === "deno") {
    const Deno = (globalThis as unknown as { Deno: DenoLike }).Deno;
    const server = Deno.serve({ port, hostname, onListen: () => {} }, fetch);
    return make(server.addr.port, () => withGrace(server.shutdown(), graceMs, () => {}));
  }
  if (runtime.name === "bun") {
    const Bun = (globalThis as unknown as { Bun: BunLike }).Bun;
    // SSE streams may be quiet for a while: Bun's default idle timeout (10 s) would cut them.
    const server = Bun.serve({ port, hostname, fetch, idleTimeout: 120 });
    return make(server.port, async () => {
      await server.stop(false);
      await withGrace(
        (async () => {
          while (server.pendingRequests > 0) await new Promise((r) => setTimeout(r, 20));
        })(),
        graceMs,
        () => void server.stop(true),
      );
    });
  }
  const { serve: nodeServe } = await withServerPeers(
    "the Node server (@hono/node-server)",
    () => import("@hono/node-server"),
  );
  const server = nodeServe({ fetch, port, hostname }) as unknown as NodeServer;
  await new Promise<void>((resolve, reject) => {
    server.once("listening", () => resolve());
    server.once("error", (error) => reject(error));
  });
  const address = server.address();
  const actual = typeof address === "object" && address ? address.port : port;
  return make(actual, () => {
    // Connections that go idle after close() (an SSE stream that just ended) are closed too.
    const sweep = setInterval(() => server.closeIdleConnections?.(), 50);
    return withGrace(
      new Promise<void>((resolve) => server.close(() => resolve())),
      graceMs,
      () => server.closeAllConnections?.(),
    ).finally(() => clearInterval(sweep));
  });
}
