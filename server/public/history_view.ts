/// <reference lib="dom" />
/**
 * The history list: one entry per past run of this browser — what ran, when, its best speedup
 * — each a button that reopens it (form and result) and a permalink.
 *
 * @module
 */
import { bestSpeedup, describeRun, permalinkQuery, type RunRecord } from "./run_record.ts";

/** Shows `records` in `list` (an `<ol>`); pressing an entry calls `options.open` with it. */
export function renderHistory(
  list: HTMLElement,
  records: readonly RunRecord[],
  options: { readonly open: (record: RunRecord) => void },
): void {
  const { open } = options;
  list.replaceChildren(...records.map((record) => {
    const li = document.createElement("li");
    li.dataset.job = record.id;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "history-open";
    button.textContent = describeRun(record);
    button.addEventListener("click", () => open(record));
    const time = document.createElement("time");
    time.dateTime = record.finishedAt;
    time.textContent = new Date(record.finishedAt).toLocaleString();
    const best = bestSpeedup(record);
    const link = document.createElement("a");
    link.href = `/?${permalinkQuery(record)}`;
    link.textContent = "link";
    li.append(
      button,
      time,
      ` · ${best === null ? "no parallel run" : `best ${best.toFixed(2)}×`} · `,
      link,
    );
    return li;
  }));
}
