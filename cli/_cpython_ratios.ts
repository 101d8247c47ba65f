/**
 * Rows that compare each runtime with CPython in one `polycore bench` run: for every row the
 * CPython scripts also report (bench/python/, same suite and name), how many times better the
 * runtime's median is — its rate ÷ CPython's, or CPython's time ÷ its time — so a row above 1×
 * means faster than CPython.
 *
 * @module
 */
import { type BenchRow, isRate } from "../bench/_rows.ts";

/** The `× CPython` rows for `rows` (none without CPython rows). */
export function cpythonRatios(rows: readonly BenchRow[]): BenchRow[] {
  const cpython = new Map<string, BenchRow>();
  for (const row of rows) {
    if (row.runtime === "cpython" && row.unit !== "×") {
      cpython.set(`${row.suite}\0${row.name}`, row);
    }
  }
  const ratios: BenchRow[] = [];
  for (const row of rows) {
    const base = cpython.get(`${row.suite}\0${row.name}`);
    if (!base || row.runtime === "cpython" || row.unit !== base.unit || row.median <= 0) continue;
    const times = isRate(row.unit)
      ? (v: BenchRow) => [v.median / base.median, v.min / base.median, v.max / base.median]
      : (v: BenchRow) => [base.median / v.median, base.median / v.max, base.median / v.min];
    const [median, min, max] = times(row);
    ratios.push({
      suite: row.suite,
      name: `× CPython: ${row.name}`,
      runtime: row.runtime,
      unit: "×",
      median,
      min,
      max,
      samples: 1,
    });
  }
  return ratios;
}
