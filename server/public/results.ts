/// <reference lib="dom" />
/**
 * The results panel: a finished comparison's chart (with its legend), its table of speedups and
 * start-up times, notes on runtimes that did not run, and its exports (CSV, JSON, permalink).
 *
 * @module
 */
import type { CompareCell } from "../compare.ts";
import { drawChart, ms } from "./chart.ts";
import { exportName, resultCsv, resultJson } from "./export.ts";
import { permalinkQuery, type RunRecord } from "./run_record.ts";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** The blob: URLs of the shown exports, revoked when others replace them. */
let exportUrls: string[] = [];

function row(cell: CompareCell): HTMLTableRowElement {
  const tr = document.createElement("tr");
  const add = (text: string, className?: string) => {
    const td = document.createElement("td");
    td.textContent = text;
    if (className) td.className = className;
    tr.append(td);
  };
  add(cell.runtime);
  add(cell.mode);
  add(String(cell.workers));
  if (cell.status !== "ok") {
    add(cell.status === "unavailable" ? "unavailable" : `failed: ${cell.error ?? ""}`, "bad");
    (tr.lastElementChild as HTMLTableCellElement).colSpan = 8;
    return tr;
  }
  add(ms(cell.medianMs));
  add(ms(cell.minMs));
  add(ms(cell.maxMs));
  add(ms(cell.startupMs));
  add(ms(cell.cpuMs));
  add(
    cell.speedup === null ? "–" : `${cell.speedup.toFixed(2)}×`,
    cell.speedup !== null && cell.speedup > 1.1 ? "good" : undefined,
  );
  add(cell.efficiency === null ? "–" : `${(cell.efficiency * 100).toFixed(0)}%`);
  add(
    cell.matches === false ? "differs!" : cell.mode === "sequential" ? "baseline" : "matches",
    cell.matches === false ? "bad" : undefined,
  );
  return tr;
}

function setExports(record: RunRecord): void {
  for (const url of exportUrls) URL.revokeObjectURL(url);
  const link = (id: string, body: string, type: string, extension: "csv" | "json") => {
    const url = URL.createObjectURL(new Blob([body], { type }));
    const a = $<HTMLAnchorElement>(id);
    a.href = url;
    a.download = exportName(record, extension);
    return url;
  };
  exportUrls = [
    link("export-csv", resultCsv(record), "text/csv", "csv"),
    link("export-json", resultJson(record, location.origin), "application/json", "json"),
  ];
  $<HTMLAnchorElement>("permalink").href = `/?${permalinkQuery(record)}`;
  $("exports").hidden = false;
}

/** Empties the panel (a new comparison starts). */
export function clearResults(): void {
  $("chart").replaceChildren();
  $("table").querySelector("tbody")!.replaceChildren();
  $("notes").textContent = "";
  $("exports").hidden = true;
}

/** Draws the runs finished so far (live, while a comparison runs). */
export function showPartial(cells: readonly CompareCell[]): void {
  drawChart($("chart"), cells);
}

/** Shows `record`: chart, table, notes and exports. */
export function showResult(record: RunRecord): void {
  const { result } = record;
  drawChart($("chart"), result.cells);
  $("table").querySelector("tbody")!.replaceChildren(...result.cells.map(row));
  $("notes").textContent = result.runtimes.filter((r) => r.status !== "ok")
    .map((r) => `${r.name}: ${r.status}${r.reason ? ` (${r.reason})` : ""}`)
    .join(" · ");
  setExports(record);
}
