// An idle pool thread waits for its next call on a doorbell (lib/pool/_doorbell.ts). A call the event
// loop delivered must not count as a ring for the next wait: it once did, so every idle wait
// ended at once and the worker's next call woke its event loop instead (issue 14).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MessageChannel, Worker } from "node:worker_threads";
import { Doorbell, DoorbellListener } from "../../lib/pool/_doorbell.ts";

describe("a pool thread's doorbell", () => {
  it("an idle wait delivers a call already waiting on the port without blocking", () => {
    const bell = new Doorbell();
    const delivered: unknown[] = [];
    const listener = new DoorbellListener(bell.ends, (message) => delivered.push(message), 60_000);
    bell.post({ tag: "first" });
    bell.post({ tag: "second" });
    assert.equal(listener.waitIdle(), true);
    assert.deepEqual(delivered, [{ tag: "first" }, { tag: "second" }]);
    bell.close();
  });

  it("after the event loop delivered a call, the next idle wait blocks until a new call rings", async () => {
    const channel = new MessageChannel();
    const bell = new Int32Array(new SharedArrayBuffer(4));
    const waiting = new Int32Array(new SharedArrayBuffer(4));
    const delivered: unknown[] = [];
    let arrived: () => void = () => {};
    const first = new Promise<void>((resolve) => arrived = resolve);
    const listener = new DoorbellListener({ port: channel.port2, bell }, (message) => {
      delivered.push(message);
      arrived();
    }, 60_000);
    const ringer = new Worker(new URL("../fixtures/doorbell_ringer.mjs", import.meta.url), {
      workerData: { port: channel.port1, bell, waiting },
      transferList: [channel.port1],
    });
    const exited = new Promise((resolve) => ringer.once("exit", resolve));
    await first; // the event loop delivered it: the bell was rung and not read
    assert.deepEqual(delivered, [{ tag: "first" }]);
    // The ringer rings after posting: wait for that ring, so it cannot land inside the wait below.
    Atomics.wait(bell, 0, 0, 60_000);

    Atomics.store(waiting, 0, 1);
    Atomics.notify(waiting, 0);
    assert.equal(listener.waitIdle(), true, "the wait lasted until the second call rang");
    assert.deepEqual(delivered, [{ tag: "first" }, { tag: "second" }]);
    await exited;
    channel.port2.close();
  });
});
