// A steady map's last calls on an idle pool go in one message per worker (lib/pool/_batching.ts
// tailShare): when a task runs steadily (TaskEstimates.runsSteadily), which queues qualify
// (tailShare), and on each backend that a pool's map of such calls runs each worker's share back
// to back: a, a, b, b (sent one call at a time, as before, they ran a, b, a, b).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { tailShare } from "../../lib/pool/_batching.ts";
import { Deque } from "../../lib/pool/_deque.ts";
import type { CallGroup, PoolCall } from "../../lib/pool/_pool_call.ts";
import type { PoolWorker } from "../../lib/pool/_pool_worker.ts";
import { TaskEstimates } from "../../lib/pool/_task_estimates.ts";
import type { TaskSpec } from "../../lib/task/task.ts";
import { onEachBackend } from "../fixtures/backends.ts";
import { poolOn, slow } from "../fixtures/pool_helpers.ts";

const spec = { label: "spin", key: 1, source: "" } as TaskSpec;

/** A queued call of `spec` as the estimates and tailShare see it. */
function call(options: { group?: CallGroup; items?: number; done?: boolean; timeoutMs?: number }) {
  return { spec, items: 1, done: false, ...options } as unknown as PoolCall;
}

describe("TaskEstimates.runsSteadily", () => {
  it("once three batches took about the same time per item, and a call lasts 5 ms or more", () => {
    const estimates = new TaskEstimates();
    const head = call({});
    assert.equal(estimates.runsSteadily(head), false, "not measured");
    estimates.record([spec], 40, 1);
    estimates.record([spec], 82, 2);
    assert.equal(estimates.runsSteadily(head), false, "two batches are not enough");
    estimates.record([spec], 39, 1);
    assert.equal(estimates.runsSteadily(head), true);
    assert.equal(estimates.runsSteadily(call({ items: 3 })), true, "a chunk of three items");
  });

  it("not once a batch strays far from the estimate, nor for calls too short for the timer", () => {
    const estimates = new TaskEstimates();
    for (const ms of [40, 40, 40, 40, 60]) estimates.record([spec], ms, 1);
    assert.equal(estimates.runsSteadily(call({})), false, "a batch took 50% longer");
    const short = new TaskEstimates();
    for (let i = 0; i < 5; i++) short.record([spec], 2, 1);
    assert.equal(short.runsSteadily(call({})), false, "2 ms calls are prefetched instead");
    assert.equal(short.runsSteadily(call({ items: 3 })), true, "a chunk of three takes 6 ms");
  });
});

describe("tailShare", () => {
  const steady = { runsSteadily: () => true };
  const idle = () => ({ ready: true, retiring: false, batches: 0 }) as PoolWorker;
  const twoIdle = () => new Set([idle(), idle()]);
  const queueOf = (calls: PoolCall[]) => {
    const queue = new Deque<PoolCall>();
    for (const queued of calls) queue.push(queued);
    return queue;
  };
  const mapOf = (length: number, group: CallGroup = { failed: false }) =>
    Array.from({ length }, () => call({ group }));

  it("shares a steady map's last calls out, at most two to each idle worker", () => {
    assert.equal(tailShare(queueOf(mapOf(4)), 4, twoIdle(), steady), 2);
    assert.equal(tailShare(queueOf(mapOf(3)), 3, twoIdle(), steady), 2);
    assert.equal(tailShare(queueOf(mapOf(6)), 6, new Set([idle(), idle(), idle()]), steady), 2);
  });

  it("settled calls of anything else in the queue do not count", () => {
    const queue = queueOf([...mapOf(4), call({ done: true }), call({ done: true, timeoutMs: 9 })]);
    assert.equal(tailShare(queue, 4, twoIdle(), steady), 2);
  });

  it("0 (one call a message) in every other case", () => {
    const group = { failed: false };
    const cases: [string, PoolCall[], Set<PoolWorker>, boolean][] = [
      ["one call a worker or fewer", mapOf(2), twoIdle(), true],
      ["more than two a worker", mapOf(5), twoIdle(), true],
      ["not steady", mapOf(4), twoIdle(), false],
      ["calls outside a map", [call({}), call({}), call({})], twoIdle(), true],
      ["calls of two maps", [...mapOf(2), ...mapOf(2)], twoIdle(), true],
      [
        "a call with a time limit",
        [...mapOf(3, group), call({ group, timeoutMs: 9 })],
        twoIdle(),
        true,
      ],
      ["a busy worker", mapOf(4), new Set([idle(), { ...idle(), batches: 1 } as PoolWorker]), true],
      [
        "a worker still starting",
        mapOf(4),
        new Set([idle(), { ...idle(), ready: false } as PoolWorker]),
        true,
      ],
      [
        "a worker retiring",
        mapOf(4),
        new Set([idle(), { ...idle(), retiring: true } as PoolWorker]),
        true,
      ],
    ];
    for (const [why, calls, workers, runsSteadily] of cases) {
      const share = tailShare(queueOf(calls), calls.length, workers, {
        runsSteadily: () => runsSteadily,
      });
      assert.equal(share, 0, why);
    }
  });
});

/** Spins for `ms`; which worker ran it (an id each worker draws once). */
const spinOn = (ms: number): string => {
  for (const end = Date.now() + ms; Date.now() < end;);
  const g = globalThis as { workerTag?: string };
  return g.workerTag ??= Math.random().toString(36).slice(2);
};

onEachBackend((backend) => {
  const newPool = poolOn(backend);

  describe(`a steady map's last calls (${backend})`, () => {
    it("go two to a worker in one message, once the task is measured steady", slow, async () => {
      await using pool = newPool(2);
      const first = await pool.map(spinOn, [40, 40, 40, 40]);
      assert.equal(new Set(first).size, 2, "both workers ran the first map");
      await pool.map(spinOn, [40, 40, 40, 40]);
      const steady = await pool.map(spinOn, [40, 40, 40, 40]);
      assert.deepEqual(
        steady,
        [steady[0], steady[0], steady[2], steady[2]],
        "each worker ran two calls in a row",
      );
      assert.notEqual(steady[0], steady[2], "on both workers");
    });
  });
});
