/**
 * The progress display of `polycore bench`, on stderr. On a terminal: one bar redrawn in place
 * (`[######------] 3/24 pool on deno · 12 s`), with a line kept for each finished step. Otherwise
 * (a pipe, a CI log): a plain line per step, no control characters.
 *
 * @module
 */
import process from "node:process";

/** Where progress goes: stderr by default. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

/** Options of {@linkcode Progress}. */
export interface ProgressOptions {
  /** Whole lines only, even on a terminal (other output is interleaved). */
  readonly lines?: boolean;
}

/** Step-by-step progress of `total` steps. */
export class Progress {
  readonly #total: number;
  readonly #out: ProgressStream;
  readonly #tty: boolean;
  readonly #lines: boolean;
  #done = 0;
  /** How far the running step is (0…1), as its suite reports it. */
  #fraction = 0;
  #label = "";
  #started = 0;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    total: number,
    out: ProgressStream = process.stderr,
    options: ProgressOptions = {},
  ) {
    this.#total = total;
    this.#out = out;
    this.#lines = options.lines === true;
    this.#tty = out.isTTY === true && !this.#lines;
  }

  /** A step begins. */
  start(label: string): void {
    this.#label = label;
    this.#fraction = 0;
    this.#started = performance.now();
    if (this.#tty) {
      this.#draw();
      this.#timer = setInterval(() => this.#draw(), 1000);
    } else {
      const step = `polycore bench: [${this.#done + 1}/${this.#total}] ${label} …`;
      this.#out.write(this.#lines ? `${step}\n` : `${step} `);
    }
  }

  /** The step ends; `outcome` is shown after it (e.g. `"FAILED (exit code 1)"`). */
  finish(outcome?: string): void {
    clearInterval(this.#timer);
    this.#done++;
    const seconds = ((performance.now() - this.#started) / 1000).toFixed(1);
    const result = outcome ?? `${seconds} s`;
    const line = `[${this.#done}/${this.#total}] ${this.#label}: ${result}`;
    if (this.#tty) this.#out.write(`\r\x1b[2K  ${line}\n`);
    else this.#out.write(this.#lines ? `polycore bench: ${line}\n` : `${result}\n`);
  }

  /** The running step is `fraction` (0…1) done: the bar moves within the step, on a terminal. */
  within(fraction: number): void {
    this.#fraction = Math.min(1, Math.max(0, fraction));
    if (this.#tty && this.#timer) this.#draw();
  }

  /** A line of its own (a skipped runtime, a notice). */
  note(text: string): void {
    this.#out.write(this.#tty ? `\r\x1b[2K${text}\n` : `polycore bench: ${text}\n`);
    if (this.#timer) this.#draw();
  }

  #draw(): void {
    const width = 24;
    const filled = Math.round(((this.#done + this.#fraction) / Math.max(1, this.#total)) * width);
    const bar = `${"#".repeat(filled)}${"-".repeat(width - filled)}`;
    const seconds = Math.round((performance.now() - this.#started) / 1000);
    const percent = this.#fraction > 0 ? ` ${Math.round(this.#fraction * 100)}%` : "";
    const text = `[${bar}] ${
      this.#done + 1
    }/${this.#total} ${this.#label}${percent} · ${seconds} s`;
    this.#out.write(`\r\x1b[2K${text.slice(0, Math.max(20, (this.#out.columns || 80) - 1))}`);
  }
}
