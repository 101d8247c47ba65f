/**
 * Rolling samples with percentiles, for pool statistics.
 *
 * @module
 */

/** Percentiles of recent samples, in milliseconds. */
export interface Percentiles {
  /** The median. */
  readonly p50: number;
  /** The 90th percentile. */
  readonly p90: number;
  /** The 99th percentile. */
  readonly p99: number;
  /** The largest sample. */
  readonly max: number;
}

/** Keeps the last `capacity` samples. */
export class Samples {
  readonly #values: Float64Array;
  #count = 0;

  constructor(capacity = 1024) {
    this.#values = new Float64Array(capacity);
  }

  /** Records one sample. */
  add(value: number): void {
    this.#values[this.#count++ % this.#values.length] = value;
  }

  /** Percentiles of the kept samples (zeros when there are none). */
  percentiles(): Percentiles {
    const n = Math.min(this.#count, this.#values.length);
    if (n === 0) return { p50: 0, p90: 0, p99: 0, max: 0 };
    const sorted = this.#values.slice(0, n).sort();
    const at = (q: number) => sorted[Math.min(n - 1, Math.floor(q * n))];
    return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[n - 1] };
  }
}
