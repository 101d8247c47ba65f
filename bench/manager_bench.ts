/**
 * Suite "manager": Manager dict writes from 4 workers at once (each awaiting its own sequential
 * `d.set`), on a thread pool and a process pool with the server on the same backend; and one
 * client's sequential round trip from the main thread. CPython's `Manager().dict()` written by 4
 * processes does about 16.5k ops/s on this machine (issue 6); the goal is ≥ 5× that.
 *
 * Run: `npm run bench -- manager` or `node bench/manager_bench.ts [--quick]`.
 *
 * @module
 */
import process from "node:process";
import { fromModule, Manager, Pool } from "../mod.ts";
import { type BenchTask, runSuite } from "./_harness.ts";

const writes = 2_000;
const workers = 4;
const writer = fromModule<typeof import("./fixtures/manager_writer.ts")>(
  new URL("./fixtures/manager_writer.ts", import.meta.url),
);

const setups = await Promise.all((["thread", "process"] as const).map(async (backend) => {
  const manager = await Manager.start({ backend });
  const shared = await manager.dict<string, number>();
  const pool = new Pool({ processes: workers, backend });
  await pool.starmap(writer.writeMany, [[shared, -1, 10]]); // warm the workers' connections
  return { backend, manager, shared, pool };
}));

const tasks: BenchTask[] = setups.flatMap(({ backend, shared, pool }): BenchTask[] => [
  {
    name: `dict writes, ${workers} ${backend} workers (per 1,000 writes)`,
    unit: "µs",
    opsPerSample: (workers * writes) / 1000,
    fn: () =>
      pool.starmap(
        writer.writeMany,
        Array.from({ length: workers }, (_, id) => [shared, id, writes] as const),
        { chunksize: 1 },
      ),
  },
  {
    name: `dict write round trip from the main thread (server: ${backend})`,
    unit: "µs",
    opsPerSample: 500,
    fn: async () => {
      for (let i = 0; i < 500; i++) await shared.set(`main:${i}`, i);
    },
  },
]);

await runSuite("manager", tasks, { rounds: 3, timeMs: 400 });
for (const { manager, pool } of setups) {
  await pool.terminate();
  await manager.shutdown();
}
process.exit(0);
