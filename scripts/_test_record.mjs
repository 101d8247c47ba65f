// What scripts/test_all.mjs keeps of one test runner's output while passing it through: the
// summary lines the runner printed, the names of the tests that failed, its last lines, and
// which test files failed or never finished (those a second run takes: see test_all.mjs).
//
// A runner is described by patterns over its output lines (colour codes removed):
//   summary      its closing counts
//   failure      a failed test's name, as the recap repeats it
//   errorBefore  (optional) an error line printed just before the failure line (Bun)
//   fileStart    (optional) the line that starts a test file, the file in group 1
//   fileFailure  (optional) a line that fails the file last started
//   failedFile   (optional) a line that names a failed test's file in group 1 (Node's summary)

import { stripVTControlCharacters } from "node:util";

/** At most this many failure lines per runtime in the recap (the full output is above it). */
const RECAP_FAILURES = 40;
/** Lines kept from the end of a runner's output, shown in the recap when it printed no summary. */
const TAIL_LINES = 8;

/** `tests/x_test.ts` and `./tests/x_test.ts` are one file. */
function normalFile(file) {
  return file.replace(/^\.\//, "");
}

/** One runner's output, line by line, as the recap and a second run need it. */
export class OutputRecord {
  summary = [];
  failures = [];
  omittedFailures = 0;
  tail = [];
  /** Test files that started (in order) and those that failed, as `tests/x_test.ts`. */
  startedFiles = [];
  failedFiles = new Set();
  #runner;
  #lastError = undefined;
  #currentFile = undefined;
  /** File failure lines seen: a runner's closing list repeats them after its last file. */
  #seenFileFailures = new Set();

  constructor(runner) {
    this.#runner = runner;
  }

  /** A writer for one of the runner's streams: passes each chunk on and records its lines. */
  stream(destination) {
    let partial = "";
    return {
      write: (chunk) => {
        destination.write(chunk);
        const lines = (partial + chunk).split("\n");
        partial = lines.pop();
        for (const line of lines) this.#take(line);
      },
      end: () => {
        if (partial !== "") this.#take(partial);
        partial = "";
      },
    };
  }

  /**
   * The files a second run should take after a failed one: those that failed, and when the
   * runner ended before its summary, the file it was in and every file it never started.
   * Empty when the failure cannot be put down to files (a second run would not help).
   */
  filesToRetry(files) {
    const retry = new Set(this.failedFiles);
    if (this.summary.length === 0 && this.#runner.fileStart !== undefined) {
      if (this.#currentFile !== undefined) retry.add(this.#currentFile);
      const started = new Set(this.startedFiles);
      for (const file of files) if (!started.has(normalFile(file))) retry.add(normalFile(file));
    }
    return files.filter((file) => retry.has(normalFile(file)));
  }

  #take(raw) {
    const line = stripVTControlCharacters(raw).trimEnd();
    if (line.trim() === "") return;
    this.tail.push(line);
    if (this.tail.length > TAIL_LINES) this.tail.shift();
    const runner = this.#runner;
    const started = runner.fileStart?.exec(line);
    if (started) {
      this.#currentFile = normalFile(started[1]);
      this.startedFiles.push(this.#currentFile);
    }
    if (
      runner.fileFailure?.test(line) && this.#currentFile !== undefined &&
      !this.#seenFileFailures.has(line)
    ) {
      this.#seenFileFailures.add(line);
      this.failedFiles.add(this.#currentFile);
    }
    const named = runner.failedFile?.exec(line);
    if (named) this.failedFiles.add(normalFile(named[1]));
    if (runner.summary.test(line)) this.summary.push(line);
    else if (runner.errorBefore?.test(line)) this.#lastError = line;
    else if (runner.failure.test(line) && !this.failures.includes(line.trim())) {
      if (this.failures.length < RECAP_FAILURES) {
        this.failures.push(line.trim());
        if (this.#lastError !== undefined) this.failures.push(`    ${this.#lastError}`);
      } else this.omittedFailures++;
      this.#lastError = undefined;
    }
  }
}
