// The NATS backend with worker hosts in network namespaces of their own (tests/fixtures/netns.ts),
// joined to the broker's bridge by veth pairs: tasks and results cross a real interface, not
// loopback. Needs root and `ip netns` (skipped, saying why, where the machine has neither).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fromModule, Pool } from "../../mod.ts";
import {
  drainedCleanly,
  type NatsServer,
  natsServerBin,
  startNatsServer,
  startWorkerHost,
  type WorkerHostProcess,
} from "../fixtures/nats_server.ts";
import {
  bridgeAddress,
  makeNamespaces,
  type Namespaces,
  namespacesUnavailable,
} from "../fixtures/netns.ts";

const tasks = fromModule<typeof import("../fixtures/nats_tasks.ts")>(
  new URL("../fixtures/nats_tasks.ts", import.meta.url),
);
const { bin, problem } = natsServerBin();
const unavailable = bin ? namespacesUnavailable() : `no nats-server: ${problem}`;

describe("NATS hosts in network namespaces", { skip: unavailable ?? false }, () => {
  let namespaces: Namespaces;
  let server: NatsServer;
  const hosts: WorkerHostProcess[] = [];
  const temp = mkdtempSync(join(tmpdir(), "polycore-netns-"));

  before(async () => {
    namespaces = makeNamespaces(2);
    server = await startNatsServer(bin!, bridgeAddress);
  });
  after(async () => {
    await Promise.all(hosts.map((h) => h.stop("SIGKILL")));
    await server?.dispose();
    namespaces?.dispose();
    rmSync(temp, { recursive: true, force: true });
  });

  it(
    "two hosts, each in its own namespace, answer a map over the bridge",
    { timeout: 120_000 },
    async () => {
      for (const ns of namespaces.names) {
        hosts.push(
          await startWorkerHost("node", [
            "--servers",
            server.url,
            "--pool",
            "netns",
            "--processes",
            "1",
          ], ns),
        );
      }
      await using pool = new Pool({
        backend: "nats",
        servers: server.url,
        name: "netns",
        processes: 2,
      });
      const args = Array.from({ length: 400 }, (_, n) => [n, temp, 2] as [number, string, number]);
      const results = await pool.starmap(tasks.squareOnHost, args, { chunksize: 10 });
      assert.deepEqual(results, args.map(([n]) => n * n));
      const ran = readdirSync(temp).map(Number).sort();
      assert.deepEqual(ran, hosts.map((h) => h.pid).sort(), "both namespaced hosts ran tasks");
      for (const host of hosts.splice(0)) {
        assert.ok(drainedCleanly(host, await host.stop("SIGTERM")), host.output());
      }
    },
  );
});
