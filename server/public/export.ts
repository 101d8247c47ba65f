/**
 * A comparison's result as files to download: CSV (one row per runtime × mode × worker count)
 * and JSON (the whole result, with the request that made it and its permalink).
 *
 * @module
 */
import type { CompareCell } from "../compare.ts";
import { permalinkQuery, type RunRecord } from "./run_record.ts";

/** The CSV's columns, and how each is read from a cell. */
const columns: readonly [string, (cell: CompareCell) => unknown][] = [
  ["runtime", (c) => c.runtime],
  ["mode", (c) => c.mode],
  ["workers", (c) => c.workers],
  ["status", (c) => c.status],
  ["median_ms", (c) => c.medianMs],
  ["min_ms", (c) => c.minMs],
  ["max_ms", (c) => c.maxMs],
  ["startup_ms", (c) => c.startupMs],
  ["cpu_ms", (c) => c.cpuMs],
  ["speedup", (c) => c.speedup],
  ["efficiency", (c) => c.efficiency],
  ["matches", (c) => c.matches],
  ["samples_ms", (c) => c.samplesMs.join(" ")],
  ["error", (c) => c.error],
];

/** A CSV field (RFC 4180): quoted when it holds a comma, quote or line break; null is empty. */
function field(value: unknown): string {
  const text = value === null || value === undefined ? "" : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The cells of `record` as CSV, with a header line; each line ends with CRLF. */
export function resultCsv(record: RunRecord): string {
  const lines = [
    columns.map(([name]) => name).join(","),
    ...record.result.cells.map((cell) => columns.map(([, read]) => field(read(cell))).join(",")),
  ];
  return lines.map((line) => `${line}\r\n`).join("");
}

/**
 * `record` as pretty JSON: its job, the request (to `POST /api/compare` again), its permalink
 * (on `origin`) and its result.
 */
export function resultJson(record: RunRecord, origin: string): string {
  return JSON.stringify(
    {
      job: { id: record.id, finishedAt: record.finishedAt, elapsedMs: record.elapsedMs },
      request: record.request,
      permalink: `${origin}/?${permalinkQuery(record)}`,
      result: record.result,
    },
    null,
    2,
  );
}

/** The file name of `record`'s export: `polycore-<workload>-<finished>.<extension>`. */
export function exportName(record: RunRecord, extension: "csv" | "json"): string {
  const stamp = record.finishedAt.replace(/\.\d+Z$/, "Z").replace(/[:]/g, "-");
  return `polycore-${record.result.workload}-${stamp}.${extension}`;
}
