/// <reference lib="dom" />
/**
 * The playground page's script. The server has rendered the form (`server/page/`) and embedded
 * the data it came from (`#page-data`); this script runs the comparison the form describes
 * (`run_compare.ts`), keeps the address bar a permalink of the form, shows results
 * (`results.ts`), keeps them in this browser's history (`history.ts`) and reopens them.
 * Bundled by esbuild (`server/assets.ts`).
 *
 * @module
 */
import type { JobView } from "../jobs.ts";
import { renderForm } from "../page/form_html.ts";
import {
  compareBody,
  type FormState,
  formStateFromQuery,
  formStateQuery,
  paramDefaults,
} from "../page/form_state.ts";
import type { PageData } from "../page/page_data.ts";
import { RunHistory } from "./history.ts";
import { renderHistory } from "./history_view.ts";
import { clearResults, showPartial, showResult } from "./results.ts";
import { api, type Comparison, startComparison } from "./run_compare.ts";
import { jobKey, permalinkQuery, recordOf, type RunRecord } from "./run_record.ts";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const data: PageData = JSON.parse($("page-data").textContent ?? "");
const form = $<HTMLFormElement>("compare-form");
let current: Comparison | undefined;
let runs: RunHistory | undefined;

/** The form's controls as a query string (the encoding `GET /?…` submits). */
function readState(): FormState {
  const query = new URLSearchParams();
  for (const [key, value] of new FormData(form)) {
    if (typeof value === "string") query.append(key, value);
  }
  return formStateFromQuery(query, data);
}

function showState(state: FormState): void {
  form.innerHTML = renderForm(data, state);
  setRunning(current !== undefined);
}

function setAddress(query: string): void {
  history.replaceState(null, "", `?${query}`);
}

function setRunning(running: boolean): void {
  $<HTMLButtonElement>("run").disabled = running;
  $<HTMLButtonElement>("cancel").disabled = !running;
}

function setError(message: string): void {
  $("form-error").textContent = message;
}

function showProgress(done: number, total: number, message: string): void {
  const bar = $<HTMLProgressElement>("progress");
  bar.max = Math.max(total, 1);
  bar.value = done;
  $("progress-text").textContent = message;
}

function showRecord(record: RunRecord, message: string): void {
  showResult(record);
  showProgress(1, 1, message);
  document.body.dataset.state = "done";
}

/** Shows a past run: its form, its result, its permalink in the address bar. */
function reopen(record: RunRecord): void {
  if (current) return;
  showState(formStateFromQuery(new URLSearchParams(record.query), data));
  setAddress(permalinkQuery(record));
  showRecord(
    record,
    `Reopened job ${record.id} of ${new Date(record.finishedAt).toLocaleString()}`,
  );
}

function showHistory(): void {
  const records = runs?.list() ?? [];
  renderHistory($("history-list"), records, { open: reopen });
  $("history-clear").hidden = records.length === 0;
}

function remember(record: RunRecord): void {
  try {
    runs?.add(record);
  } catch (error) {
    $("history-note").textContent = `Cannot keep this run: ${(error as Error).message}`;
  }
  showHistory();
}

async function submit(event: Event): Promise<void> {
  event.preventDefault();
  if (current) return;
  setError("");
  const state = readState();
  const workload = data.workloads.find((w) => w.name === state.workload)!;
  let body: Record<string, unknown>;
  try {
    body = compareBody(state, workload);
  } catch (error) {
    setError(`Invalid input: ${(error as Error).message}`);
    return;
  }
  const query = formStateQuery(state);
  setAddress(query);
  clearResults();
  try {
    current = await startComparison(body, { onProgress: showProgress, onPartial: showPartial });
  } catch (error) {
    setError((error as Error).message);
    return;
  }
  document.body.dataset.state = "running";
  setRunning(true);
  showProgress(0, 1, "Starting…");
  let job: JobView;
  try {
    job = await current.done;
  } catch (error) {
    showProgress(0, 1, (error as Error).message);
    document.body.dataset.state = "ended";
    return;
  } finally {
    current = undefined;
    setRunning(false);
  }
  const record = recordOf(job, query);
  if (!record) {
    showProgress(0, 1, `Job ${job.state}: ${job.error?.message ?? ""}`);
    document.body.dataset.state = "ended";
    return;
  }
  remember(record);
  setAddress(permalinkQuery(record));
  showRecord(record, `Done in ${(job.elapsedMs / 1000).toFixed(1)} s — job ${job.id}`);
}

async function cancel(): Promise<void> {
  try {
    await current?.cancel();
  } catch (error) {
    setError((error as Error).message);
  }
}

/** Shows the job a permalink names: from this browser's history, else from the server. */
async function openJob(id: string): Promise<void> {
  const kept = runs?.find(id);
  if (kept) return reopen(kept);
  try {
    const job = await api<JobView>(`/api/jobs/${encodeURIComponent(id)}`);
    const query = new URLSearchParams(location.search);
    query.delete(jobKey);
    const record = recordOf(job, query.toString());
    if (record) showRecord(record, `Job ${id}, kept by the server`);
    else showProgress(0, 1, `Job ${id} is ${job.state}: it has no comparison to show`);
  } catch (error) {
    showProgress(0, 1, `Cannot show job ${id}: ${(error as Error).message}`);
  }
}

function main(): void {
  try {
    runs = new RunHistory(localStorage);
  } catch (error) {
    $("history-note").textContent = `History is off: ${(error as Error).message}`;
  }
  form.addEventListener("submit", (event) => void submit(event));
  form.addEventListener("click", (event) => {
    if ((event.target as Element).id === "cancel") void cancel();
  });
  form.addEventListener("change", (event) => {
    if ((event.target as Element).id !== "workload") return;
    const state = readState();
    const workload = data.workloads.find((w) => w.name === state.workload)!;
    showState({ ...state, params: paramDefaults(workload) });
    setAddress(formStateQuery(readState()));
  });
  form.addEventListener("input", () => setAddress(formStateQuery(readState())));
  $("history-clear").addEventListener("click", () => {
    runs?.clear();
    showHistory();
  });
  showHistory();
  document.body.dataset.state = "ready";
  const job = new URLSearchParams(location.search).get(jobKey);
  if (job) void openJob(job);
}

main();
