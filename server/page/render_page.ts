/**
 * The playground page as the server sends it: `public/index.html` with its slots filled — the
 * line about the server, the form (reflecting the request's query, so a permalink opens as it
 * was saved) and the page data the script starts from.
 *
 * @module
 */
import { renderForm } from "./form_html.ts";
import { formStateFromQuery } from "./form_state.ts";
import { escapeHtml, fillTemplate, jsonForScript } from "./html.ts";
import type { PageData, RuntimeInfo } from "./page_data.ts";

/**
 * One line about the server: runtime, CPUs, the process backend, the runtimes installed.
 *
 * @example
 * ```ts
 * import { describeServer } from "./render_page.ts";
 * const line = describeServer({
 *   runtime: { name: "deno", version: "2.5.0" }, cpus: 8, allowCode: false,
 *   modes: { process: { available: true } },
 *   runtimes: [{ name: "deno", available: true, current: true, version: "2.5.0" }],
 *   limits: { maxWorkers: 16, maxRunsPerCompare: 200 },
 * });
 * console.assert(line === "Served by deno 2.5.0 · 8 CPUs · process backend available · installed: deno");
 * ```
 */
export function describeServer(info: RuntimeInfo): string {
  const installed = info.runtimes.filter((r) => r.available).map((r) => r.name);
  return [
    `Served by ${info.runtime.name} ${info.runtime.version}`,
    `${info.cpus} CPUs`,
    `process backend ${info.modes.process?.available ? "available" : "unavailable"}`,
    `installed: ${installed.join(", ") || "none"}`,
    ...(info.allowCode ? ["user code allowed"] : []),
  ].join(" · ");
}

/**
 * Fills `template` for a request with `query`: `{{server}}` (the line about the server),
 * `{{form}}` (the form's content) and `{{pageData}}` (a `<script type="application/json"
 * id="page-data">` of `data`).
 *
 * @throws {RangeError} when the template's slots differ, or no workload is enabled.
 */
export function renderPage(template: string, data: PageData, query: URLSearchParams): string {
  return fillTemplate(template, {
    server: escapeHtml(describeServer(data.info)),
    form: renderForm(data, formStateFromQuery(query, data)),
    pageData: `<script type="application/json" id="page-data">${jsonForScript(data)}</script>`,
  });
}
