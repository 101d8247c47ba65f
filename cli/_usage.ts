/**
 * The CLI's usage text and its one error class for bad command lines (exit code 2).
 *
 * @module
 */

/** A bad command line: the CLI prints the message and the usage, and exits with code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** `polycore --help`. */
export const usage = `Usage:
  polycore bench [suite ...] [options]   run benchmark suites under node, deno, bun (and CPython)
  polycore report <run.json> [--readme README.md]
                                         render a run's tables as markdown (or into a README)
  polycore help                          this text

bench options:
  --suite a,b          suites to run (default: all but selftest); also as positionals
  --runtimes list      node,deno,bun,cpython (default: all; a runtime not installed is skipped)
  --backends list      thread,process (default: both)
  --json file          write every row, the machine and the runtimes' versions to a file
  --quick              fewer, shorter rounds
  --verbose            show each suite's own output

report options:
  --readme file        replace the text between <!-- bench:start --> and <!-- bench:end -->
  --template file      the section's template (default: bench/report.md)
`;
