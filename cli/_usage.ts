/**
 * The CLI's usage text and its one error class for bad command lines (exit code 2).
 *
 * @module
 */

import { availableSuites, onlyWhenNamed } from "./_suites.ts";

/** A bad command line: the CLI prints the message and the usage, and exits with code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** The suites found in bench/, those run only when named marked so. */
function suiteList(): string {
  const names = availableSuites().map((s) => onlyWhenNamed.has(s) ? `${s} (when named)` : s);
  const lines = [""];
  for (const name of names) {
    const last = lines.length - 1;
    if (lines[last].length + name.length > 60) lines.push("");
    lines[lines.length - 1] += `${lines[lines.length - 1] ? " " : ""}${name},`;
  }
  return lines.join("\n                       ").replace(/,$/, "");
}

/** `polycore --help`. */
export const usage = `Usage:
  polycore bench [suite ...] [options]   run benchmark suites under node, deno, bun (and CPython)
  polycore report <run.json> [--readme README.md] [--svg f] [--html f]
                                         render a run's tables as markdown (or into a README),
                                         or as a bar chart
  polycore worker --servers URL [options]
                                         join a NATS pool as a worker host until SIGTERM
  polycore help                          this text

bench options:
  --suite a,b          suites to run (default: all but selftest); also as positionals:
                       ${suiteList()}
  --runtimes list      node,deno,bun,cpython (default: all; a runtime not installed is skipped)
  --backends list      thread,process (default: both)
  --json file          write every row, the machine and the runtimes' versions to a file
  --quick              fewer, shorter rounds
  --verbose            show each suite's own output

worker options:
  --servers list       the NATS server(s), e.g. nats://127.0.0.1:4222 (required)
  --pool name          the pool to serve (default: default)
  --processes n        local workers (default: the number of CPUs)
  --backend b          thread or process (default: thread)
  --quiet              print nothing

report options:
  --readme file        replace the text between <!-- bench:start --> and <!-- bench:end -->
  --template file      the section's template (default: bench/report.md)
  --svg file           write the run as an SVG bar chart (a bar per runtime per benchmark)
  --html file          the same chart in a web page
`;
