/**
 * Suite "sync": the cost of polycore's shared-memory locks, events and conditions, and what
 * shared memory saves over copying.
 *
 * - uncontended Lock / RLock: `acquireSync()` + `release()` and `await acquire()` + `release()`
 *   on the main thread, µs per pair (1 / that = ops/s).
 * - 4 workers × 10⁵ locked increments: four long-lived worker Processes, started once, meet at a
 *   Barrier, each does 100,000 `counter.value += 1` under `counter.getLock()` (an RLock), with
 *   `acquireSync()` or `using _ = await lock.hold()`, and meet again; ms per round of 400,000.
 *   CPython's `Value.get_lock()` does about 0.36 M/s on this machine (issue 5).
 * - wake latency: a round trip main → worker → main, the main thread awaiting (`waitAsync`), the
 *   worker blocking (`Atomics.wait`): bare Atomics (the floor), Event set/wait, and Condition
 *   notify/waitFor. On a VM whose other vCPU is idle, most of it is waking that vCPU.
 * - 64 MiB of bytes summed: sequentially on the main thread; by 2 Pool workers each summing half
 *   of one SharedMemory (passed as a handle: no copy); by 2 Pool workers each given a copy of
 *   its half as an ArrayBuffer (structured clone, what pickling the data costs in Python).
 *
 * Run: `node bench/sync_bench.ts`, `deno run -A bench/sync_bench.ts`, `bun bench/sync_bench.ts`
 * (flags: `--quick`, `--json <file>`), or `npm run bench -- sync`.
 *
 * @module
 */
import {
  Barrier,
  Condition,
  Event,
  fromModule,
  Lock,
  Pool,
  Process,
  RLock,
  SharedMemory,
  Value,
} from "../mod.ts";
import { type BenchTask, runSuite } from "./_harness.ts";

const tasks = fromModule<typeof import("./fixtures/sync_tasks.ts")>(
  new URL("./fixtures/sync_tasks.ts", import.meta.url),
);

const pairs = 10_000;
const workers = 4;
const increments = 100_000;
const pings = 200;
const bytes = 64 * 1024 * 1024;

const names = {
  lockSync: "Lock: acquireSync() + release(), uncontended",
  lockAsync: "Lock: await acquire() + release(), uncontended",
  rlockSync: "RLock: acquireSync() + release(), uncontended",
  contendSync: "4 workers × 10⁵ increments under getLock(), acquireSync()",
  contendAsync: "4 workers × 10⁵ increments under getLock(), await hold()",
  raw: "bare Atomics round trip: notify → worker wait → notify → await waitAsync",
  event: "Event round trip: set() → worker waitSync() → set() → await wait()",
  condition: "Condition round trip: notify() → worker waitForSync() → notify() → await waitFor()",
  sequential: "64 MiB summed: sequential, main thread",
  shared: "64 MiB summed: 2 workers, one SharedMemory",
  copied: "64 MiB summed: 2 workers, each given a copy of its half",
  speedup: "speedup: sequential ÷ 2 workers on SharedMemory",
  copyCost: "2 workers on copies ÷ 2 workers on SharedMemory",
};

const lock = new Lock();
const rlock = new RLock();

const lockSync: BenchTask = {
  name: names.lockSync,
  unit: "µs",
  opsPerSample: pairs,
  fn: () => {
    for (let i = 0; i < pairs; i++) {
      lock.acquireSync();
      lock.release();
    }
    return lock.locked();
  },
};

const lockAsync: BenchTask = {
  name: names.lockAsync,
  unit: "µs",
  opsPerSample: pairs,
  fn: async () => {
    for (let i = 0; i < pairs; i++) {
      await lock.acquire();
      lock.release();
    }
    return lock.locked();
  },
};

const rlockSync: BenchTask = {
  name: names.rlockSync,
  unit: "µs",
  opsPerSample: pairs,
  fn: () => {
    for (let i = 0; i < pairs; i++) {
      rlock.acquireSync();
      rlock.release();
    }
    return rlock;
  },
};

/** Four long-lived workers that do a round of locked increments per sample. */
function contention(name: string, sync: boolean): { task: BenchTask; stop: () => Promise<void> } {
  const start = new Barrier(workers + 1);
  const done = new Barrier(workers + 1);
  const stop = new Event();
  const counter = new Value("i", 0);
  const processes = Array.from({ length: workers }, () =>
    new Process({
      target: tasks.contend,
      args: [start, done, stop, counter, counter.getLock(), increments, sync],
    }));
  for (const p of processes) p.start();
  return {
    task: {
      name,
      fn: async () => {
        const before = counter.value;
        await start.wait();
        await done.wait();
        if (counter.value - before !== workers * increments) {
          throw new Error(`lost increments: ${counter.value - before}`);
        }
        return counter.value;
      },
    },
    stop: async () => {
      stop.set();
      await start.wait();
      await Promise.all(processes.map((p) => p.join()));
    },
  };
}

function eventRoundTrip(): { task: BenchTask; stop: () => Promise<void> } {
  const ping = new Event();
  const pong = new Event();
  const stop = new Event();
  const p = new Process({ target: tasks.echoEvent, args: [ping, pong, stop] });
  p.start();
  return {
    task: {
      name: names.event,
      unit: "µs",
      opsPerSample: pings,
      fn: async () => {
        for (let i = 0; i < pings; i++) {
          ping.set();
          await pong.wait();
          pong.clear();
        }
        return pong.isSet();
      },
    },
    stop: async () => {
      stop.set();
      ping.set();
      await p.join();
    },
  };
}

function rawRoundTrip(): { task: BenchTask; stop: () => Promise<void> } {
  const cells = new Int32Array(new SharedArrayBuffer(12));
  const p = new Process({ target: tasks.echoRaw, args: [cells] });
  p.start();
  const keepAlive = setInterval(() => {}, 2 ** 30);
  return {
    task: {
      name: names.raw,
      unit: "µs",
      opsPerSample: pings,
      fn: async () => {
        for (let i = 0; i < pings; i++) {
          Atomics.store(cells, 0, 1);
          Atomics.notify(cells, 0);
          const result = Atomics.waitAsync(cells, 1, 0);
          if (result.async) await result.value;
          Atomics.store(cells, 1, 0);
        }
        return cells[1];
      },
    },
    stop: async () => {
      Atomics.store(cells, 2, 1);
      Atomics.store(cells, 0, 1);
      Atomics.notify(cells, 0);
      await p.join();
      clearInterval(keepAlive);
    },
  };
}

function conditionRoundTrip(): { task: BenchTask; stop: () => Promise<void> } {
  const cond = new Condition(new Lock());
  const turn = new Int32Array(new SharedArrayBuffer(4));
  const stop = new Event();
  const p = new Process({ target: tasks.echoCondition, args: [cond, turn, stop] });
  p.start();
  return {
    task: {
      name: names.condition,
      unit: "µs",
      opsPerSample: pings,
      fn: async () => {
        await cond.acquire();
        try {
          for (let i = 0; i < pings; i++) {
            Atomics.store(turn, 0, 1);
            cond.notify();
            await cond.waitFor(() => Atomics.load(turn, 0) === 0);
          }
        } finally {
          cond.release();
        }
        return turn[0];
      },
    },
    stop: async () => {
      await cond.acquire();
      stop.set();
      cond.notifyAll();
      cond.release();
      await p.join();
    },
  };
}

const shm = new SharedMemory({ size: bytes });
for (let i = 0; i < bytes; i++) shm.buf[i] = i % 251;
const half = bytes / 2;
// The copies travel as ArrayBuffers: Deno's worker_threads copies a Uint8Array 20–200× slower
// than an ArrayBuffer of the same bytes (32 MiB: about 8 s against 40 ms), which would measure
// that instead.
const halves = [shm.buf.slice(0, half).buffer, shm.buf.slice(half).buffer];
const expected = halves.reduce((sum, h) => {
  const bytes = new Uint8Array(h);
  for (let i = 0; i < bytes.length; i++) sum += bytes[i];
  return sum;
}, 0);
const pool = new Pool(2);

function check(sum: number): number {
  if (sum !== expected) throw new Error(`wrong sum ${sum}, expected ${expected}`);
  return sum;
}

const sequential: BenchTask = {
  name: names.sequential,
  fn: () => {
    const buf = shm.buf;
    let sum = 0;
    for (let i = 0; i < bytes; i++) sum += buf[i];
    return check(sum);
  },
};

const shared: BenchTask = {
  name: names.shared,
  fn: async () => {
    const sums = await pool.starmap(tasks.sumShared, [[shm, 0, half], [shm, half, bytes]], {
      chunksize: 1,
    });
    return check(sums[0] + sums[1]);
  },
};

const copied: BenchTask = {
  name: names.copied,
  fn: async () => {
    const sums = await pool.map(tasks.sumCopy, halves, { chunksize: 1 });
    return check(sums[0] + sums[1]);
  },
};

const contendSync = contention(names.contendSync, true);
const contendAsync = contention(names.contendAsync, false);
const raw = rawRoundTrip();
const event = eventRoundTrip();
const condition = conditionRoundTrip();
try {
  await pool.map(tasks.sumCopy, [new ArrayBuffer(1), new ArrayBuffer(1)]); // start both workers
  await runSuite("sync", [
    lockSync,
    lockAsync,
    rlockSync,
    contendSync.task,
    contendAsync.task,
    raw.task,
    event.task,
    condition.task,
    sequential,
    shared,
    copied,
  ], {
    rounds: 3,
    ratios: [
      { name: names.speedup, numerator: names.sequential, denominator: names.shared },
      { name: names.copyCost, numerator: names.copied, denominator: names.shared },
    ],
  });
} finally {
  await Promise.all([
    contendSync.stop(),
    contendAsync.stop(),
    raw.stop(),
    event.stop(),
    condition.stop(),
  ]);
  await pool.terminate();
  shm.close();
  shm.unlink();
}
