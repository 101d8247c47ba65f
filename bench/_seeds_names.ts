/**
 * The seeds suite's row names (bench/seeds_bench.ts): the CPython scripts in bench/python/ print
 * the same names, so `polycore bench` puts both in one row.
 *
 * @module
 */
import type { Backend } from "./_harness.ts";
import type { CpuPairNames } from "./_seeds_cpu.ts";

/** The row names, shared with bench/python/*.py; process-backend rows get a suffix. */
export const names = {
  start: "Pool(2): start, 2 tiny tasks, terminate",
  sequential: "sequential: cpu_intensive(10**6) × 4, main process",
  cpu: "Pool(2).map(cpu_intensive, [10**6] * 4)",
  speedup: "speedup: sequential ÷ Pool(2).map",
  map: "Pool(2).map(tiny, range(10**6)), automatic chunksize",
  lock: "locked counter: 4 workers × 10⁵ `with get_lock(): value += 1`",
  queue: "Queue: 1 producer → 1 consumer, 10⁵ small ints",
  p50: "Pipe ping-pong main ↔ worker: p50 round trip",
  p99: "Pipe ping-pong main ↔ worker: p99 round trip",
  manager: "Manager dict writes: 4 workers at once",
  rawStart: "raw worker_threads: 2 workers start, 1 message each, terminate",
  startRatio: "Pool(2) start ÷ raw worker_threads",
  apply: "sequential `await pool.apply(add, …)` on Pool(2), per call",
  piscina: "piscina: sequential `await pool.run(…)`, per call",
  applyRatio: "round trip: polycore ÷ piscina",
  bigSequential: "sequential: cpu_intensive(3·10**7) × 4, main thread",
  bigCpu: "Pool(2).map(cpu_intensive, [3·10**7] * 4)",
  bigSpeedup: "speedup at 3·10**7: sequential ÷ Pool(2).map",
  bigRaw: "raw worker_threads: cpu_intensive(3·10**7) × 4, 2 workers × 2 in one message",
  bigCeiling: "speedup at 3·10**7: sequential ÷ raw worker_threads (the ceiling)",
  bigRawChildren: "raw child_process: cpu_intensive(3·10**7) × 4, 2 children × 2 in one message",
  bigChildCeiling: "speedup at 3·10**7: sequential ÷ raw child_process (the processes' ceiling)",
  bigChildFloor: "at 3·10**7: Pool(2).map (process backend) ÷ raw child_process",
  bigFloor: "at 3·10**7: Pool(2).map ÷ raw worker_threads (1: the floor)",
};
/** A row's name on `backend`: process-backend rows get a suffix. */
export const on = (name: string, backend: Backend): string =>
  backend === "thread" ? name : `${name} (process backend)`;
/** The rows of the CPU-bound pairs at 3·10**7 (bench/_seeds_cpu.ts). */
export const pairNames: CpuPairNames = {
  sequential: names.bigSequential,
  raw: names.bigRaw,
  ceiling: names.bigCeiling,
  rawChildren: names.bigRawChildren,
  childCeiling: names.bigChildCeiling,
  childFloor: names.bigChildFloor,
  pool: (backend) => on(names.bigCpu, backend),
  speedup: (backend) => on(names.bigSpeedup, backend),
  floor: (backend) => on(names.bigFloor, backend),
};
