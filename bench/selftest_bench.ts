/**
 * Suite "selftest": a tiny suite that finishes in a second or two, for tests/project/cli_test.ts and for
 * checking a machine's setup (`polycore bench --suite selftest`). `polycore bench` runs it only
 * when named. It has a row of each kind: a time (µs), a rate (items/s), a ratio (×), and one row
 * per selected backend (`--backends`): a round trip to a running one-worker pool.
 *
 * Run: `node bench/selftest_bench.ts [--quick] [--backends thread,process]`.
 *
 * @module
 */
import process from "node:process";
import { Pool } from "../mod.ts";
import { type BenchTask, runSuite, selectedBackends } from "./_harness.ts";

const numbers = Array.from({ length: 1000 }, (_, i) => i);
const sum = () => numbers.reduce((a, b) => a + b, 0);
const add = (a: number, b: number) => a + b;

const pools = selectedBackends().map((backend) => ({
  backend,
  pool: new Pool({ processes: 1, backend }),
}));

const tasks: BenchTask[] = [
  { name: "sum of 1,000 numbers", unit: "µs", fn: sum },
  { name: "sum of 1,000 numbers, as a rate", unit: "items/s", opsPerSample: 1000, fn: sum },
  ...pools.map(({ backend, pool }): BenchTask => ({
    name: `Pool(1).apply round trip (${backend})`,
    unit: "µs",
    fn: () => pool.apply(add, [1, 2]),
  })),
];

try {
  await runSuite("selftest", tasks, {
    rounds: 2,
    timeMs: 100,
    ratios: [{
      name: "the same sum: time ÷ time",
      numerator: tasks[0].name,
      denominator: tasks[0].name,
    }],
  });
} finally {
  await Promise.all(pools.map(({ pool }) => pool.terminate()));
}
process.exit(0);
