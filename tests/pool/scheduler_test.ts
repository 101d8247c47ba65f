// The pool's scheduler, directly (lib/pool/_scheduler.ts) and its building blocks: the queue
// (Deque) against an array, the batching rule (takeBatch) as properties, and the Scheduler on
// thread workers under random calls, failures and cancellations (fast-check): every submitted
// call settles exactly once, with its own result, and one worker runs calls in submission order.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { Deque } from "../../lib/pool/_deque.ts";
import { takeBatch } from "../../lib/pool/_batching.ts";
import type { PoolCall } from "../../lib/pool/_pool_call.ts";
import type { PoolWorker } from "../../lib/pool/_pool_worker.ts";
import { type CallInit, Scheduler } from "../../lib/pool/_scheduler.ts";
import { toTaskSpec } from "../../lib/task/task.ts";
import { encodeArgs } from "../../lib/task/values.ts";
import { CancelledError, PoolTerminatedError } from "../../mod.ts";
import { until } from "../fixtures/pool_helpers.ts";

describe("the scheduler's queue (Deque)", () => {
  it("push, shift, peek and drain behave as an array (fast-check)", () => {
    const op = fc.oneof(
      fc.record({ push: fc.integer({ min: 1, max: 3000 }) }),
      fc.record({ shift: fc.integer({ min: 1, max: 3000 }) }),
      fc.constant("drain" as const),
    );
    fc.assert(fc.property(fc.array(op, { maxLength: 30 }), (ops) => {
      const deque = new Deque<number>();
      const model: number[] = [];
      let next = 0;
      for (const o of ops) {
        if (o === "drain") {
          assert.deepEqual(deque.drain(), model.splice(0));
        } else if ("push" in o) {
          for (let i = 0; i < o.push; i++) deque.push(next), model.push(next++);
        } else {
          for (let i = 0; i < o.shift; i++) assert.equal(deque.shift(), model.shift());
        }
        assert.equal(deque.length, model.length);
        assert.equal(deque.peek(), model[0]);
      }
    }));
  });
});

/** A queued call as takeBatch sees it. */
function queuedCall(id: number, items: number, exclusive: boolean, done: boolean): PoolCall {
  return {
    id,
    items,
    done,
    ...(exclusive ? { timeoutMs: 1000 } : {}),
  } as unknown as PoolCall;
}

describe("batching (takeBatch)", () => {
  const callArb = fc.record({
    items: fc.integer({ min: 1, max: 50 }),
    exclusive: fc.boolean(),
    done: fc.boolean(),
  });

  it("takes a prefix of the live queue, in order, within the batch's limits (fast-check)", () => {
    fc.assert(
      fc.property(
        fc.array(callArb, { maxLength: 20 }),
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 1, max: 10 }),
        fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }),
        fc.integer({ min: 0, max: 3 }),
        fc.boolean(),
        (specs, budget, fairShare, maxTasksPerChild, completed, holdsExclusive) => {
          const calls = specs.map((c, i) => queuedCall(i, c.items, c.exclusive, c.done));
          const queue = new Deque<PoolCall>();
          for (const call of calls) queue.push(call);
          const inFlight = new Map<number, PoolCall>();
          if (holdsExclusive) inFlight.set(-1, queuedCall(-1, 1, true, false));
          const worker = { inFlight, completed } as unknown as PoolWorker;
          const skipDone = () => {
            while (queue.peek()?.done) queue.shift();
          };
          const batch = takeBatch(queue, worker, { budget, fairShare, maxTasksPerChild, skipDone });

          const live = calls.filter((c) => !c.done);
          assert.deepEqual(batch, live.slice(0, batch.length), "a prefix of the live calls");
          const rest: PoolCall[] = [];
          for (let c = queue.shift(); c; c = queue.shift()) if (!c.done) rest.push(c);
          assert.deepEqual(rest, live.slice(batch.length), "the rest stays queued, in order");
          if (holdsExclusive) assert.equal(batch.length, 0, "nothing beside a stoppable call");
          const quota = maxTasksPerChild === undefined ? Infinity : maxTasksPerChild - completed;
          assert.ok(batch.length <= Math.max(0, quota), "never past maxTasksPerChild");
          if (batch.some((c) => c.timeoutMs !== undefined)) {
            assert.equal(batch.length, 1, "a stoppable call goes alone");
          }
          if (batch.length > 1) {
            assert.ok(batch.length <= fairShare, "at most the fair share");
            assert.ok(batch.reduce((n, c) => n + c.items, 0) <= budget, "within the budget");
          }
          const next = rest[0];
          if (batch.length === 0 && next && !holdsExclusive && quota > 0) {
            assert.fail("a free worker with quota left takes at least the head of the queue");
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

/** What one submitted call saw: how many times it was settled, and how. */
interface Seen {
  settled: number;
  ok?: boolean;
  value?: unknown;
  done: Promise<void>;
}

/** Submits `fn(...args)` and records every settlement of it. */
function submit(scheduler: Scheduler, fn: (...args: never[]) => unknown, args: unknown[]) {
  let finished!: () => void;
  const seen: Seen = { settled: 0, done: new Promise((resolve) => finished = resolve) };
  const record = (ok: boolean) => (value: unknown) => {
    seen.settled++;
    seen.ok = ok;
    seen.value = value;
    finished();
  };
  const init: CallInit = {
    spec: toTaskSpec(fn, "apply task", "fn"),
    mode: "apply",
    args: encodeArgs(args),
    items: 1,
    offset: 0,
    resolve: record(true),
    reject: record(false),
  };
  return { call: scheduler.submit(init), seen };
}

const double = (x: number, fail: boolean): number => {
  if (fail) throw new RangeError(`no double of ${x}`);
  return x * 2;
};

/** The running count of calls this worker ran, and the input: shows the order they ran in. */
const numbered = (x: number): [number, number] => {
  const g = globalThis as { ranSoFar?: number };
  g.ranSoFar = (g.ranSoFar ?? 0) + 1;
  return [g.ranSoFar, x];
};

/** Spins for `ms`, or (0) blocks until the test releases `gate`. */
const long = (gate: Int32Array, ms: number): number => {
  if (ms === 0) Atomics.wait(gate, 0, 0);
  for (const end = Date.now() + ms; Date.now() < end;);
  return ms;
};

describe("Scheduler on thread workers", () => {
  const schedulers: Scheduler[] = [];
  const start = (workers: number) => {
    const scheduler = new Scheduler({ workers, backend: "thread", namePrefix: "scheduler-test" });
    schedulers.push(scheduler);
    return scheduler;
  };
  after(async () => {
    for (const scheduler of schedulers) await scheduler.terminate();
  });

  it("every call settles exactly once: its result, its error, or the cancellation (fast-check)", async () => {
    const scheduler = start(3);
    const callArb = fc.record({
      x: fc.integer({ min: -1000, max: 1000 }),
      fail: fc.boolean(),
      cancel: fc.constantFrom("no", "queued", "racing"),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(callArb, { minLength: 1, maxLength: 40 }), async (plans) => {
        const reason = new CancelledError("withdrawn by the test");
        const calls = plans.map((plan) => ({
          plan,
          ...submit(scheduler, double, [plan.x, plan.fail]),
        }));
        const cancelled = new Map<number, boolean>();
        // Nothing is dispatched before the next microtask: these are surely still queued.
        for (const [i, { plan, call }] of calls.entries()) {
          if (plan.cancel === "queued") cancelled.set(i, scheduler.cancel(call, reason));
        }
        await calls[0].seen.done; // others are queued, running or done: cancel() may lose the race
        for (const [i, { plan, call }] of calls.entries()) {
          if (plan.cancel === "racing") cancelled.set(i, scheduler.cancel(call, reason));
        }
        await Promise.all(calls.map((c) => c.seen.done));
        await submit(scheduler, double, [0, false]).seen.done; // room for a stray second settlement

        for (const [i, { plan, seen }] of calls.entries()) {
          assert.equal(seen.settled, 1, `call ${i} settled ${seen.settled} times`);
          if (plan.cancel === "queued") assert.equal(cancelled.get(i), true);
          if (cancelled.get(i)) {
            assert.deepEqual([seen.ok, seen.value], [false, reason]);
          } else if (plan.fail) {
            assert.equal(seen.ok, false);
            assert.match(
              String((seen.value as Error).message),
              new RegExp(`no double of ${plan.x}`),
            );
          } else {
            assert.deepEqual([seen.ok, seen.value], [true, plan.x * 2]);
          }
        }
        const stats = scheduler.stats();
        assert.deepEqual([stats.queued, stats.busy], [0, 0]);
      }),
      { numRuns: 15 },
    );
  });

  it("one worker runs the calls in the order they were submitted (fast-check)", async () => {
    const scheduler = start(1);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.boolean(), { minLength: 1, maxLength: 50 }),
        async (withdraw) => {
          const calls = withdraw.map((_, x) => submit(scheduler, numbered, [x]));
          withdraw.forEach((w, x) => w && scheduler.cancel(calls[x].call, new CancelledError()));
          await Promise.all(calls.map((c) => c.seen.done));
          const ran = calls.filter((_, x) => !withdraw[x]).map((c) => c.seen.value as number[]);
          assert.deepEqual(ran.map(([, x]) => x), withdraw.flatMap((w, x) => w ? [] : [x]));
          for (let i = 1; i < ran.length; i++) {
            assert.equal(ran[i][0], ran[i - 1][0] + 1, "one after the other, none skipped");
          }
        },
      ),
      { numRuns: 20 },
    );
  });

  // The next call is queued with the long one, or only once the long one runs (nothing queued
  // when it went out: the worker's next is planned when a call comes).
  for (const queuedWhen of ["with the long one", "while the long one runs"]) {
    it(`a worker on a long call gets its next call (queued ${queuedWhen}) just before the long one ends, not sooner`, async () => {
      const scheduler = start(1);
      const gate = new Int32Array(new SharedArrayBuffer(4));
      await submit(scheduler, long, [gate, 60]).seen.done; // measured: one call takes ~60 ms
      const running = submit(scheduler, long, [gate, 0]);
      const queueNext = () => submit(scheduler, long, [gate, 5]);
      let next = queuedWhen === "with the long one" ? queueNext() : undefined;
      await until(() => scheduler.stats().busy === 1, "the worker runs the long call");
      next ??= queueNext();
      assert.equal(scheduler.stats().queued, 1, "the next waits in the queue (still cancellable)");
      await until(() => scheduler.stats().busy === 2, "the next is sent while the long one runs");
      assert.equal(running.seen.settled, 0, "the long call has not ended");
      Atomics.store(gate, 0, 1);
      Atomics.notify(gate, 0);
      await Promise.all([running.seen.done, next.seen.done]);
      assert.deepEqual([running.seen.value, next.seen.value], [0, 5]);
      assert.deepEqual([running.seen.settled, next.seen.settled], [1, 1]);
    });
  }

  it("terminate() settles each call still queued or running once, with PoolTerminatedError", async () => {
    const scheduler = start(2);
    const never = () => new Promise(() => {});
    const calls = Array.from({ length: 20 }, () => submit(scheduler, never, []));
    await until(() => scheduler.stats().busy === 2, "both workers run a call");
    assert.ok(scheduler.stats().queued > 0, "and others wait in the queue");
    await scheduler.terminate();
    await Promise.all(calls.map((c) => c.seen.done));
    for (const { seen } of calls) {
      assert.equal(seen.settled, 1);
      assert.ok(seen.value instanceof PoolTerminatedError);
    }
    const late = submit(scheduler, double, [1, false]);
    await late.seen.done;
    assert.equal(late.seen.ok, false, "a terminated scheduler refuses new calls");
  });
});
