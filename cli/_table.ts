/**
 * The comparison table: one row per benchmark, one column per runtime, in markdown, the columns
 * padded so that it reads in a terminal too.
 *
 * @module
 */
import { type BenchRow, formatWithUnit } from "../bench/_rows.ts";

/** Options of {@linkcode comparisonTable}. */
export interface TableOptions {
  /** Adds a first column with the suite (for a table of several suites). */
  readonly suiteColumn?: boolean;
}

/** A markdown table of `rows`: a row per (suite, name), a column per name in `columns`. */
export function comparisonTable(
  rows: readonly BenchRow[],
  columns: readonly string[],
  options: TableOptions = {},
): string {
  const keys: { suite: string; name: string; unit: string }[] = [];
  const cells = new Map<string, Map<string, BenchRow>>();
  for (const row of rows) {
    const key = `${row.suite}\u0000${row.name}`;
    if (!cells.has(key)) {
      keys.push({ suite: row.suite, name: row.name, unit: row.unit });
      cells.set(key, new Map());
    }
    cells.get(key)!.set(row.runtime, row);
  }
  const head = [...(options.suiteColumn ? ["suite"] : []), "benchmark", ...columns];
  const body = keys.map(({ suite, name, unit }) => {
    const byRuntime = cells.get(`${suite}\u0000${name}`)!;
    const strong = (text: string) => unit === "×" ? `**${text}**` : text;
    return [
      ...(options.suiteColumn ? [suite] : []),
      strong(escape(name)),
      ...columns.map((c) => {
        const row = byRuntime.get(c);
        return row ? strong(formatWithUnit(row.median, row.unit)) : "–";
      }),
    ];
  });
  const numeric = head.map((_, i) => i >= head.length - columns.length);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length), 3));
  const line = (cells: readonly string[]) =>
    `| ${
      cells.map((c, i) => numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])).join(" | ")
    } |`;
  const rule = `| ${
    widths.map((w, i) => numeric[i] ? `${"-".repeat(w - 1)}:` : "-".repeat(w)).join(" | ")
  } |`;
  return [line(head), rule, ...body.map(line)].join("\n");
}

/** A name in a table cell: `|` would end the cell. */
function escape(text: string): string {
  return text.replaceAll("|", "\\|");
}
