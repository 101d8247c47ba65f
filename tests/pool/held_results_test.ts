// The results a worker holds back for its next batch's (lib/pool/_held_results.ts): the rule
// itself, which batches the scheduler lets hold (mayHoldBefore), and on each backend that the
// last chunks of a map come back together (except a Deno child's, which never hold) while a call
// of anything else does not wait.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { HeldResults } from "../../lib/pool/_held_results.ts";
import { type CallGroup, mayHoldBefore, type PoolCall } from "../../lib/pool/_pool_call.ts";
import { type CallInit, Scheduler } from "../../lib/pool/_scheduler.ts";
import type { CallMode } from "../../lib/task/_protocol.ts";
import { toTaskSpec } from "../../lib/task/task.ts";
import { encodeArgs } from "../../lib/task/values.ts";
import { runtime } from "../../runtimes/mod.ts";
import { onEachBackend } from "../fixtures/backends.ts";
import { slow } from "../fixtures/pool_helpers.ts";

/** A HeldResults whose sends are recorded and whose event loop polls when the test says. */
function heldResults() {
  const sent: string[] = [];
  const afterPoll: (() => void)[] = [];
  const held = new HeldResults<string>((message) => sent.push(message), (fn) => afterPoll.push(fn));
  const poll = () => afterPoll.splice(0).forEach((run) => run());
  return { held, sent, poll };
}

describe("HeldResults", () => {
  it("holds a batch's results while the batch in hand holds them, and sends them first", () => {
    const { held, sent } = heldResults();
    held.arrived(true);
    held.ended("a", true);
    assert.deepEqual(sent, []);
    held.ended("b", false);
    assert.deepEqual(sent, ["a", "b"]);
  });

  it("sends at once when the batch in hand does not hold, or none is in hand", () => {
    const { held, sent } = heldResults();
    held.arrived(false);
    held.ended("a", true);
    assert.deepEqual(sent, ["a"], "not held for a batch that does not hold");
    held.ended("b", false);
    assert.deepEqual(sent, ["a", "b"]);
  });

  it("sends what it holds before a batch that does not hold runs, and at flush()", () => {
    const { held, sent } = heldResults();
    held.arrived(true);
    held.ended("a", true);
    held.arrived(false);
    assert.deepEqual(sent, ["a"]);
    held.arrived(true);
    held.ended("b", true);
    held.flush();
    assert.deepEqual(sent, ["a", "b"]);
  });

  it("endedAwaiting: sends once the loop has polled, unless a batch that holds it came", () => {
    const { held, sent, poll } = heldResults();
    held.endedAwaiting("a");
    assert.deepEqual(sent, [], "not before the loop's next poll");
    poll();
    assert.deepEqual(sent, ["a"]);
    held.endedAwaiting("b");
    held.arrived(true);
    poll();
    assert.deepEqual(sent, ["a"], "held for the batch that came");
    held.ended("c", false);
    assert.deepEqual(sent, ["a", "b", "c"]);
    held.endedAwaiting("d");
    held.arrived(false);
    assert.deepEqual(sent, ["a", "b", "c", "d"], "sent before a batch that does not hold it");
    poll();
    assert.deepEqual(sent, ["a", "b", "c", "d"]);
  });

  it("endedAwaiting sends at once where the loop's next poll cannot be awaited", () => {
    const sent: string[] = [];
    const held = new HeldResults<string>((message) => sent.push(message));
    held.endedAwaiting("a");
    assert.deepEqual(sent, ["a"]);
  });
});

/** A call as mayHoldBefore sees it. */
function chunk(group: CallGroup | undefined, timeoutMs?: number): PoolCall {
  return { group, ...(timeoutMs !== undefined ? { timeoutMs } : {}) } as unknown as PoolCall;
}

describe("mayHoldBefore", () => {
  const map = { failed: false };
  it("lets the chunks of one map wait for a later chunk of it", () => {
    assert.equal(mayHoldBefore([chunk(map), chunk(map)], [chunk(map)]), true);
  });
  it("not across maps, for calls outside a map, or with a time limit", () => {
    const other = { failed: false };
    assert.equal(mayHoldBefore([chunk(other)], [chunk(map)]), false);
    assert.equal(mayHoldBefore([chunk(undefined)], [chunk(undefined)]), false);
    assert.equal(mayHoldBefore([chunk(map)], [chunk(undefined)]), false);
    assert.equal(mayHoldBefore([chunk(map, 1000)], [chunk(map)]), false);
    assert.equal(mayHoldBefore([chunk(map)], [chunk(map, 1000)]), false);
  });
});

/** Spins for `ms`; when it ended (Date.now(): one clock for every thread and process). */
const spin = (ms: number): number => {
  for (const end = Date.now() + ms; Date.now() < end;);
  return Date.now();
};

/** Submits `spin(ms)` (of `group`'s map when given); when it settled, and with what. */
function submit(scheduler: Scheduler, ms: number, group?: CallGroup) {
  let record!: (settled: { at: number; ok: boolean; value: unknown }) => void;
  const settled = new Promise<{ at: number; ok: boolean; value: unknown }>((r) => record = r);
  const mode: CallMode = group ? "map" : "apply";
  const init: CallInit = {
    spec: toTaskSpec(spin, "map task", "fn"),
    mode,
    args: encodeArgs([ms]),
    items: 1,
    offset: 0,
    resolve: (value) => record({ at: Date.now(), ok: true, value }),
    reject: (value) => record({ at: Date.now(), ok: false, value }),
    ...(group ? { group } : {}),
  };
  scheduler.submit(init);
  return settled;
}

onEachBackend((backend) => {
  describe(`a worker's held results (${backend})`, () => {
    const schedulers: Scheduler[] = [];
    after(async () => {
      for (const scheduler of schedulers) await scheduler.terminate();
    });
    const start = async () => {
      const scheduler = new Scheduler({ workers: 1, backend, namePrefix: "held-test" });
      schedulers.push(scheduler);
      // Measured: a call of spin takes ~100 ms, so the next is sent while one runs (two batches
      // measured are not yet steady: a map's two chunks go one at a time, see steady_tail_test.ts).
      for (let i = 0; i < 2; i++) await submit(scheduler, 100);
      return scheduler;
    };

    // A child process holds only where it can wait for its loop's next poll in a few µs.
    const holds = backend === "thread" || runtime.afterNextPoll !== undefined;
    it(
      `a map's chunk ended before the map's last one comes back ${
        holds ? "with it" : "at once (a Deno child)"
      }`,
      slow,
      async () => {
        const scheduler = await start();
        const group = { failed: false };
        // The second goes while the first runs (~85 ms in): the map's last, it holds the first's.
        const [first, last] = [submit(scheduler, 150, group), submit(scheduler, 100, group)];
        const [a, b] = await Promise.all([first, last]);
        assert.deepEqual([a.ok, b.ok], [true, true]);
        const lastEnded = b.value as number;
        assert.ok((a.value as number) <= lastEnded - 80, "the first chunk ended first");
        if (holds) {
          assert.ok(
            a.at >= lastEnded - 5,
            `the first chunk settled ${lastEnded - a.at} ms before the last one ended`,
          );
        } else {
          assert.ok(a.at <= lastEnded - 50, `the first chunk settled at ${a.at - lastEnded} ms`);
        }
      },
    );

    it("a call of anything else does not hold the results before it", slow, async () => {
      const scheduler = await start();
      const group = { failed: false };
      const [first, other] = [submit(scheduler, 150, group), submit(scheduler, 100)];
      const [a, b] = await Promise.all([first, other]);
      assert.deepEqual([a.ok, b.ok], [true, true]);
      assert.ok(
        a.at <= (b.value as number) - 50,
        `the map's chunk settled only ${(b.value as number) - a.at} ms before the other call ended`,
      );
    });
  });
});
