/// <reference lib="dom" />
/**
 * The playground page: builds the form from `/api/runtime` and `/api/workloads`, submits a
 * comparison (`POST /api/compare`), follows it over SSE (`/api/jobs/{id}/events`), then draws
 * the chart and the speedup table. Bundled by esbuild (`server/assets.ts`).
 *
 * @module
 */
import type { CompareCell, CompareResult } from "../compare.ts";
import { drawChart, ms } from "./chart.ts";

interface Availability {
  available: boolean;
  reason?: string;
}
interface RuntimeInfo {
  runtime: { name: string; version: string };
  cpus: number;
  modes: Record<string, Availability>;
  runtimes: {
    name: string;
    available: boolean;
    current: boolean;
    version: string | null;
    reason?: string;
  }[];
  allowCode: boolean;
  limits: { maxWorkers: number; maxRunsPerCompare: number };
}
interface WorkloadInfo {
  name: string;
  title: string;
  description: string;
  parallel: string;
  enabled: boolean;
  defaults: Record<string, unknown>;
  paramsSchema: {
    properties?: Record<
      string,
      { type?: string; minimum?: number; maximum?: number; description?: string }
    >;
  };
}
interface JobView {
  id: string;
  state: string;
  progress: { done: number; total: number; message?: string };
  result: CompareResult | null;
  error: { code: string; message: string } | null;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
let workloads: WorkloadInfo[] = [];
let current: { id: string; source: EventSource } | undefined;

async function api<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(path, init);
  const body = await response.json();
  if (!response.ok) {
    const error = body?.error;
    throw new Error(error ? `${error.message}` : `HTTP ${response.status}`);
  }
  return body as T;
}

function checkbox(
  container: HTMLElement,
  name: string,
  value: string,
  label: string,
  options: { checked?: boolean; disabled?: boolean; title?: string },
): void {
  const wrapper = document.createElement("label");
  const input = document.createElement("input");
  input.type = "checkbox";
  input.name = name;
  input.value = value;
  input.checked = options.checked ?? false;
  input.disabled = options.disabled ?? false;
  wrapper.append(input, ` ${label}`);
  if (options.title) wrapper.title = options.title;
  if (options.disabled && !options.checked) wrapper.classList.add("unavailable");
  container.append(wrapper);
}

function renderParams(): void {
  const workload = workloads.find((w) => w.name === $<HTMLSelectElement>("workload").value);
  const container = $("params");
  container.replaceChildren();
  if (!workload) return;
  $("workload-description").textContent = `${workload.description} Parallel: ${workload.parallel}`;
  if (workload.name === "code") {
    const source = document.createElement("textarea");
    source.id = "param-source";
    source.value = "let s = 0;\nfor (let i = 0; i < input; i++) s += Math.sqrt(i);\nreturn s;";
    const inputs = document.createElement("textarea");
    inputs.id = "param-inputs";
    inputs.value = "[2000000, 2000000, 2000000, 2000000]";
    container.append(labelled("source (body of async function (input))", source));
    container.append(labelled("inputs (JSON array)", inputs));
    return;
  }
  for (const [name, schema] of Object.entries(workload.paramsSchema.properties ?? {})) {
    const input = document.createElement("input");
    input.type = "number";
    input.id = `param-${name}`;
    input.dataset.param = name;
    if (schema.minimum !== undefined) input.min = String(schema.minimum);
    if (schema.maximum !== undefined) input.max = String(schema.maximum);
    input.value = String(workload.defaults[name] ?? "");
    const range = schema.minimum !== undefined && schema.maximum !== undefined
      ? ` (${schema.minimum.toLocaleString("en-US")}–${schema.maximum.toLocaleString("en-US")})`
      : "";
    container.append(labelled(`${name}${range}`, input, schema.description));
  }
}

function labelled(text: string, control: HTMLElement, title?: string): HTMLElement {
  const label = document.createElement("label");
  label.className = "param";
  label.append(text, control);
  if (title) label.title = title;
  return label;
}

function checked(name: string): string[] {
  const inputs = document.querySelectorAll<HTMLInputElement>(`input[name="${name}"]:checked`);
  return Array.from(inputs, (input) => input.value);
}

function request(): Record<string, unknown> {
  const workload = $<HTMLSelectElement>("workload").value;
  let params: Record<string, unknown> = {};
  if (workload === "code") {
    params = {
      source: $<HTMLTextAreaElement>("param-source").value,
      inputs: JSON.parse($<HTMLTextAreaElement>("param-inputs").value),
    };
  } else {
    for (const input of Array.from(document.querySelectorAll<HTMLInputElement>("#params input"))) {
      params[input.dataset.param!] = Number(input.value);
    }
  }
  return {
    workload,
    params,
    modes: checked("mode"),
    workers: checked("workers").map(Number),
    runtimes: checked("runtime"),
    repeats: Number($<HTMLInputElement>("repeats").value),
  };
}

function setRunning(running: boolean): void {
  $<HTMLButtonElement>("run").disabled = running;
  $<HTMLButtonElement>("cancel").disabled = !running;
}

function showProgress(done: number, total: number, message: string): void {
  const bar = $<HTMLProgressElement>("progress");
  bar.max = Math.max(total, 1);
  bar.value = done;
  $("progress-text").textContent = message;
}

function renderTable(cells: readonly CompareCell[]): void {
  const body = $("table").querySelector("tbody")!;
  body.replaceChildren();
  for (const cell of cells) {
    const row = document.createElement("tr");
    const add = (text: string, className?: string) => {
      const td = document.createElement("td");
      td.textContent = text;
      if (className) td.className = className;
      row.append(td);
    };
    add(cell.runtime);
    add(cell.mode);
    add(String(cell.workers));
    if (cell.status !== "ok") {
      add(cell.status === "unavailable" ? "unavailable" : `failed: ${cell.error ?? ""}`, "bad");
      for (let i = 0; i < 6; i++) add("");
    } else {
      add(ms(cell.medianMs));
      add(ms(cell.minMs));
      add(ms(cell.maxMs));
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
    }
    body.append(row);
  }
}

function renderResult(job: JobView): void {
  if (job.state !== "succeeded" || !job.result) {
    showProgress(0, 1, `Job ${job.state}: ${job.error?.message ?? ""}`);
    return;
  }
  const result = job.result;
  showProgress(1, 1, `Done in ${(performance.now() - started) / 1000 | 0} s — job ${job.id}`);
  drawChart($("chart"), result.cells);
  renderTable(result.cells);
  const notes = result.runtimes.filter((r) => r.status !== "ok").map((r) =>
    `${r.name}: ${r.status}${r.reason ? ` (${r.reason})` : ""}`
  );
  $("notes").textContent = notes.join(" · ");
  document.body.dataset.state = "done";
}

let started = 0;

async function submit(event: Event): Promise<void> {
  event.preventDefault();
  $("form-error").textContent = "";
  let body: Record<string, unknown>;
  try {
    body = request();
  } catch (error) {
    $("form-error").textContent = `Invalid input: ${(error as Error).message}`;
    return;
  }
  let job: JobView;
  try {
    job = await api<JobView>("/api/compare", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  } catch (error) {
    $("form-error").textContent = (error as Error).message;
    return;
  }
  started = performance.now();
  document.body.dataset.state = "running";
  setRunning(true);
  $("chart").replaceChildren();
  $("table").querySelector("tbody")!.replaceChildren();
  $("notes").textContent = "";
  showProgress(0, 1, "Starting…");
  const source = new EventSource(`/api/jobs/${job.id}/events`);
  current = { id: job.id, source };
  const partial: CompareCell[] = [];
  source.addEventListener("progress", (e) => {
    const p = JSON.parse((e as MessageEvent).data);
    showProgress(p.done, p.total, `${p.done}/${p.total} runs — ${p.message ?? ""}`);
  });
  source.addEventListener("partial", (e) => {
    const run = JSON.parse((e as MessageEvent).data);
    if (run.wallMs === undefined) return;
    partial.push({
      runtime: run.runtime,
      mode: run.mode,
      workers: run.workers,
      status: "ok",
      samplesMs: [run.wallMs],
      medianMs: run.wallMs,
      minMs: null,
      maxMs: null,
      startupMs: null,
      cpuMs: null,
      speedup: null,
      efficiency: null,
      matches: null,
      value: null,
    });
    if (partial.length % 3 === 1) drawChart($("chart"), partial.slice(-24));
  });
  source.addEventListener("done", (e) => {
    source.close();
    current = undefined;
    setRunning(false);
    renderResult(JSON.parse((e as MessageEvent).data));
  });
  source.onerror = () => {
    if (source.readyState === EventSource.CLOSED) setRunning(false);
  };
}

async function cancel(): Promise<void> {
  if (!current) return;
  try {
    await api(`/api/jobs/${current.id}`, { method: "DELETE" });
  } catch (error) {
    $("form-error").textContent = (error as Error).message;
  }
}

async function main(): Promise<void> {
  const [info, catalogue] = await Promise.all([
    api<RuntimeInfo>("/api/runtime"),
    api<{ workloads: WorkloadInfo[] }>("/api/workloads"),
  ]);
  workloads = catalogue.workloads.filter((w) => w.enabled);
  $("runtime-info").textContent =
    `Served by ${info.runtime.name} ${info.runtime.version} · ${info.cpus} CPUs · process backend ${
      info.modes.process.available ? "available" : "unavailable"
    }${info.allowCode ? " · user code allowed" : ""}`;
  const select = $<HTMLSelectElement>("workload");
  for (const w of workloads) select.append(new Option(w.title, w.name));
  select.value = workloads.find((w) => w.name === "mandelbrot")?.name ?? workloads[0].name;
  select.addEventListener("change", renderParams);
  renderParams();
  for (const [mode, availability] of Object.entries(info.modes)) {
    checkbox($("modes"), "mode", mode, mode, {
      checked: mode !== "process" && availability.available,
      disabled: mode === "sequential" || !availability.available,
      ...(mode === "sequential"
        ? { title: "Always run: the baseline of the speedups" }
        : availability.reason
        ? { title: availability.reason }
        : {}),
    });
  }
  const counts = [...new Set([1, 2, 4, 8, info.cpus])].filter((n) => n <= info.limits.maxWorkers)
    .sort((a, b) => a - b);
  for (const n of counts) {
    checkbox($("workers"), "workers", String(n), String(n), {
      checked: n <= Math.max(2, info.cpus),
    });
  }
  for (const r of info.runtimes) {
    checkbox($("runtimes"), "runtime", r.name, `${r.name}${r.version ? ` ${r.version}` : ""}`, {
      checked: r.current,
      disabled: !r.available,
      ...(r.reason ? { title: r.reason } : {}),
    });
  }
  $("compare-form").addEventListener("submit", (e) => void submit(e));
  $("cancel").addEventListener("click", () => void cancel());
  document.body.dataset.state = "ready";
}

main().catch((error) => {
  $("runtime-info").textContent = `Cannot load: ${(error as Error).message}`;
});
