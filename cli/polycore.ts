#!/usr/bin/env node
/**
 * The `polycore` command line (the npm package's `bin`):
 *
 * - `polycore bench [suite ...] [--suite a,b] [--runtimes node,deno,bun,cpython]
 *   [--backends thread,process] [--json out.json] [--quick] [--verbose]`: runs the benchmark
 *   suites under each installed runtime and prints one comparison table (./bench.ts).
 * - `polycore report <run.json> [--readme README.md]`: renders a run as markdown (./report.ts).
 * - `polycore worker --servers nats://host:4222 [--pool NAME] [--processes N]
 *   [--backend thread|process]`: joins a NATS pool as a worker host (./worker.ts).
 *
 * Runs on Node (`node cli/polycore.ts`), Deno (`deno run -A cli/polycore.ts`) and Bun
 * (`bun cli/polycore.ts`); from the npm package, `npx polycore` (dist/cli.js). Exit codes: 0 done,
 * 1 a step failed, 2 a bad command line.
 *
 * @module
 */
import process from "node:process";
import { bench } from "./bench.ts";
import { report } from "./report.ts";
import { worker } from "./worker.ts";
import { usage, UsageError } from "./_usage.ts";

async function main(args: readonly string[]): Promise<number> {
  const [command, ...rest] = args;
  switch (command) {
    case "bench":
      return await bench(rest);
    case "report":
      return report(rest);
    case "worker":
      return await worker(rest);
    case "help":
    case "--help":
    case "-h":
      console.log(usage);
      return 0;
    case undefined:
      throw new UsageError("Cannot run as no command was given: received none");
    default:
      throw new UsageError(
        `Cannot run as the command must be bench, report, worker or help: received '${command}'`,
      );
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`polycore: ${error.message}\n\n${usage}`);
  process.exitCode = 2;
}
