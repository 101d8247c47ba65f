// An idle pool thread waits for its next call on a doorbell (lib/pool/_doorbell.ts). A call the event
// loop delivered must not count as a ring for the next wait: it once did, so every idle wait
// ended at once and the worker's next call woke its event loop instead (issue 14).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MessageChannel, Worker } from "node:worker_threads";
import { Doorbell, DoorbellListener } from "../../lib/pool/_doorbell.ts";
import { Mailbox } from "../../lib/pool/_mailbox.ts";
import type { Call, FromWorker, ToWorker } from "../../lib/task/_protocol.ts";

/** A call of a function task the worker has compiled (so it is sent without its source). */
function knownCall(id: number, args: unknown[]): Call {
  return { id, task: { kind: "function", key: 3, name: "add" }, args };
}

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
    const boxes = { calls: new Mailbox().buffer, results: new Mailbox().buffer };
    const listener = new DoorbellListener({ port: channel.port2, bell, ...boxes }, (message) => {
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

  it("a lone plain call goes in the box while the worker looks there, and arrives as sent", () => {
    const bell = new Doorbell();
    const delivered: unknown[] = [];
    const listener = new DoorbellListener(bell.ends, (message) => delivered.push(message), 60_000);
    assert.equal(bell.postCall(knownCall(1, [2, 3])), false, "not looking: it goes by port");
    listener.listen();
    assert.equal(bell.postCall(knownCall(2, [-0, "a ✓", null, undefined, true])), true);
    assert.equal(bell.postCall(knownCall(3, [4])), false, "the box holds one call");
    bell.post({ tag: "run", calls: [knownCall(3, [4])] } satisfies ToWorker);
    assert.equal(listener.waitIdle(), true);
    assert.deepEqual(delivered, [
      { tag: "run", calls: [knownCall(2, [-0, "a ✓", null, undefined, true])] },
      { tag: "run", calls: [knownCall(3, [4])] }, // sent after the box's call: delivered after it
    ]);
    const module = { kind: "module", url: "file:///tasks.ts", exportName: "double" } as const;
    listener.listen();
    assert.equal(bell.postCall({ id: 4, task: module, args: [21] }), true);
    assert.equal(listener.waitIdle(), true);
    assert.deepEqual(delivered.at(-1), {
      tag: "run",
      calls: [{ id: 4, task: module, args: [21] }],
    });
    bell.close();
  });

  it("a call that carries its source, its handles, a chunk or other than plain values goes by port", () => {
    const bell = new Doorbell();
    new DoorbellListener(bell.ends, () => {}, 60_000).listen();
    const fresh: Call = {
      id: 1,
      task: { kind: "function", key: 3, name: "f", source: "() => 1" },
      args: [],
    };
    assert.equal(bell.postCall(fresh), false, "the source");
    assert.equal(bell.postCall({ ...knownCall(2, [1]), mode: "map" }), false, "a map chunk");
    assert.equal(
      bell.postCall({ ...knownCall(3, []), args: new Float64Array(2) }),
      false,
      "packed",
    );
    assert.equal(bell.postCall({ ...knownCall(4, [1]), handles: [] }), false, "handles");
    assert.equal(bell.postCall(knownCall(5, [{ a: 1 }])), false, "an object");
    assert.equal(bell.postCall(knownCall(6, [1])), true, "a plain one still goes in");
    bell.close();
  });

  it("a plain result goes in the results box only while the parent looks there", () => {
    const bell = new Doorbell();
    const heard: unknown[] = [];
    bell.onMessage((message) => heard.push(message));
    const listener = new DoorbellListener(bell.ends, () => {}, 60_000);
    assert.equal(listener.postOutcome({ id: 1, ok: true, value: 5 }, 0.5), false, "not looking");
    bell.results.open();
    assert.equal(listener.postOutcome({ id: 2, ok: true, value: { a: 1 } }, 0.5), false);
    const error = { kind: "value", value: 1 } as const;
    assert.equal(listener.postOutcome({ id: 3, ok: false, error }, 0.5), false, "a failure");
    assert.equal(listener.postOutcome({ id: 4, ok: true, value: "four" }, 0.5), true);
    assert.equal(listener.postOutcome({ id: 5, ok: true, value: 5 }, 0.5), false, "one at a time");
    assert.equal(bell.results.poll(), true);
    assert.equal(bell.results.poll(), false);
    assert.deepEqual(
      heard,
      [
        { tag: "settled", outcomes: [{ id: 4, ok: true, value: "four" }], elapsedMs: 0.5 },
      ] satisfies FromWorker[],
    );
    assert.equal(listener.postOutcome({ id: 5, ok: true, value: 5 }, 0.5), true, "still looking");
    assert.equal(bell.results.close(), false, "a result is waiting: take it first");
    bell.results.poll();
    assert.equal(bell.results.close(), true);
    assert.equal(listener.postOutcome({ id: 6, ok: true, value: 6 }, 0.5), false, "closed");
    bell.close();
  });
});
