/**
 * Message connections over local sockets (a Unix domain socket per server),
 * framed as a 4-byte length and the runtime's structured-clone serialization
 * (`node:v8`). Both ends are always the same runtime: polycore never mixes
 * runtimes on one channel (V8 and JavaScriptCore serialize differently).
 *
 * @module
 */
import type { Socket } from "node:net";
import { cryptoModule, fsModule, netModule, osModule, pathModule, v8Module } from "./_builtins.ts";
import type { SocketConnection, SocketServer } from "./types.ts";

const headerBytes = 4;

function wrap(socket: Socket): SocketConnection {
  let handler: (message: unknown) => void = () => {};
  const closeHandlers: (() => void)[] = [];
  let pending: Buffer = Buffer.alloc(0);
  let closed = false;
  socket.setNoDelay(true);
  socket.on("data", (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= headerBytes) {
      const size = pending.readUInt32BE(0);
      if (pending.length < headerBytes + size) break;
      const body = pending.subarray(headerBytes, headerBytes + size);
      pending = pending.subarray(headerBytes + size);
      let message: unknown;
      try {
        message = v8Module().deserialize(body);
      } catch {
        socket.destroy();
        return;
      }
      handler(message);
    }
  });
  const onClose = () => {
    if (closed) return;
    closed = true;
    for (const run of closeHandlers.splice(0)) run();
  };
  socket.on("close", onClose);
  socket.on("error", () => socket.destroy());
  return {
    post(message: unknown) {
      if (closed) throw new Error("The connection is closed");
      const body = v8Module().serialize(message);
      const frame = Buffer.allocUnsafe(headerBytes + body.length);
      frame.writeUInt32BE(body.length, 0);
      body.copy(frame, headerBytes);
      socket.write(frame);
    },
    onMessage(next) {
      handler = next;
    },
    onClose(next) {
      if (closed) next();
      else closeHandlers.push(next);
    },
    close() {
      socket.end();
      socket.destroy();
    },
    ref() {
      socket.ref();
    },
    unref() {
      socket.unref();
    },
  };
}

/** Listens on a fresh Unix socket in the temporary folder. */
export function listenSocket(
  onConnection: (connection: SocketConnection) => void,
): Promise<SocketServer> {
  const address = pathModule().join(
    osModule().tmpdir(),
    `polycore-${process.pid}-${cryptoModule().randomBytes(6).toString("hex")}.sock`,
  );
  const server = netModule().createServer((socket) => onConnection(wrap(socket)));
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(address, () => {
      server.off("error", reject);
      resolve({
        address,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            try {
              fsModule().unlinkSync(address);
            } catch {
              // Already gone.
            }
          }),
        unref: () => void server.unref(),
      });
    });
  });
}

/** Connects to a server made by {@linkcode listenSocket}. */
export function connectSocket(address: string): Promise<SocketConnection> {
  return new Promise((resolve, reject) => {
    const socket = netModule().connect(address);
    socket.once("error", reject);
    socket.once("connect", () => {
      socket.off("error", reject);
      resolve(wrap(socket));
    });
  });
}
