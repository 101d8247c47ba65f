/**
 * The playground form as HTML: real controls (a select, checkboxes, number inputs and
 * textareas) filled from the page data and a form state. The server sends it in the page, so
 * the form is usable before the script runs; the script renders it again from the same function
 * when the workload changes or a past run is reopened. Without JavaScript, the form submits
 * itself as `GET /?…` (the permalink's query), which renders it back as it was.
 *
 * @module
 */
import { type FormState, maxRepeats, paramPrefix } from "./form_state.ts";
import { escapeHtml as e } from "./html.ts";
import { type PageData, type ParamSchema, workerCounts, type WorkloadInfo } from "./page_data.ts";

interface Choice {
  readonly value: string;
  readonly label: string;
  readonly checked: boolean;
  readonly disabled?: boolean;
  readonly title?: string | undefined;
}

/** A group of checkboxes named `name`; its hidden empty value makes an empty group visible. */
function choices(id: string, name: string, items: readonly Choice[]): string {
  const boxes = items.map((item) => {
    const attrs = [
      item.disabled ? "" : ` name="${e(name)}"`,
      ` value="${e(item.value)}"`,
      item.checked ? " checked" : "",
      item.disabled ? " disabled" : "",
    ].join("");
    const title = item.title ? ` title="${e(item.title)}"` : "";
    const unavailable = item.disabled && !item.checked ? ` class="unavailable"` : "";
    return `<label${unavailable}${title}><input type="checkbox"${attrs}> ${e(item.label)}</label>`;
  });
  return `<div id="${e(id)}" class="choices"><input type="hidden" name="${e(name)}" value="">` +
    `${boxes.join("")}</div>`;
}

function range(schema: ParamSchema): string {
  if (schema.minimum === undefined || schema.maximum === undefined) return "";
  return ` (${schema.minimum.toLocaleString("en-US")}–${schema.maximum.toLocaleString("en-US")})`;
}

function param(name: string, schema: ParamSchema, value: string): string {
  const id = `param-${name}`;
  const title = schema.description ? ` title="${e(schema.description)}"` : "";
  const attrs = ` id="${e(id)}" name="${e(paramPrefix + name)}"`;
  let control: string;
  let label = name;
  if (schema.type === "integer" || schema.type === "number") {
    const bounds = (schema.minimum !== undefined ? ` min="${e(schema.minimum)}"` : "") +
      (schema.maximum !== undefined ? ` max="${e(schema.maximum)}"` : "") +
      (schema.type === "number" ? ` step="any"` : "");
    control = `<input type="number"${attrs}${bounds} value="${e(value)}" required>`;
    label += range(schema);
  } else {
    control = `<textarea${attrs} required spellcheck="false">${e(value)}</textarea>`;
    if (schema.type === "array") label += " (JSON array)";
    else if (schema.type === "object") label += " (JSON)";
  }
  return `<label class="param" for="${e(id)}"${title}>${e(label)}${control}</label>`;
}

/** The inputs of `workload`'s parameters, holding `values`. */
export function renderParams(
  workload: WorkloadInfo,
  values: Readonly<Record<string, string>>,
): string {
  return Object.entries(workload.paramsSchema.properties ?? {})
    .map(([name, schema]) => param(name, schema, values[name] ?? ""))
    .join("");
}

function fieldset(legend: string, body: string): string {
  return `<fieldset><legend>${e(legend)}</legend>${body}</fieldset>`;
}

/**
 * The form's content (what goes inside `<form id="compare-form">`) for `state`.
 *
 * @example
 * ```ts
 * import { renderForm } from "./form_html.ts";
 * const html = renderForm({
 *   info: {
 *     runtime: { name: "node", version: "24.0.0" }, cpus: 2, allowCode: false,
 *     modes: { sequential: { available: true }, thread: { available: true } },
 *     runtimes: [{ name: "node", available: true, current: true, version: "24.0.0" }],
 *     limits: { maxWorkers: 4, maxRunsPerCompare: 200 },
 *   },
 *   workloads: [{
 *     name: "primes", title: "Primes", description: "", parallel: "", enabled: true,
 *     defaults: { n: 100 }, paramsSchema: { properties: { n: { type: "integer" } } },
 *   }],
 * }, {
 *   workload: "primes", params: { n: "100" }, modes: ["thread"], workers: [2],
 *   runtimes: ["node"], repeats: 3,
 * });
 * console.assert(html.includes(`<input type="checkbox" name="runtime" value="node" checked>`));
 * ```
 */
export function renderForm(data: PageData, state: FormState): string {
  const workload = data.workloads.find((w) => w.name === state.workload);
  if (!workload) {
    throw new RangeError(`Cannot render the form as the workload is unknown: '${state.workload}'`);
  }
  const options = data.workloads.map((w) =>
    `<option value="${e(w.name)}"${w.name === workload.name ? " selected" : ""}>${
      e(w.title)
    }</option>`
  ).join("");
  const modes = Object.entries(data.info.modes).map(([mode, availability]): Choice =>
    mode === "sequential"
      ? {
        value: mode,
        label: mode,
        checked: true,
        disabled: true,
        title: "Always run: the baseline",
      }
      : {
        value: mode,
        label: mode,
        checked: availability.available && state.modes.includes(mode),
        disabled: !availability.available,
        title: availability.reason,
      }
  );
  const workers = workerCounts(data.info).map((n): Choice => ({
    value: String(n),
    label: String(n),
    checked: state.workers.includes(n),
  }));
  const runtimes = data.info.runtimes.map((r): Choice => ({
    value: r.name,
    label: r.version ? `${r.name} ${r.version}` : r.name,
    checked: r.available && state.runtimes.includes(r.name),
    disabled: !r.available,
    title: r.reason ?? (r.current ? "The runtime serving this page" : undefined),
  }));
  return [
    fieldset(
      "Workload",
      `<select id="workload" name="workload" aria-label="Workload">${options}</select>` +
        `<p id="workload-description" class="hint">${e(workload.description)} Parallel: ${
          e(workload.parallel)
        }</p><div id="params">${renderParams(workload, state.params)}</div>`,
    ),
    fieldset("Modes", choices("modes", "mode", modes)),
    fieldset("Worker counts", choices("workers", "workers", workers)),
    fieldset("Runtimes", choices("runtimes", "runtime", runtimes)),
    fieldset(
      "Repeats",
      `<input id="repeats" name="repeats" type="number" min="1" max="${maxRepeats}" value="${
        e(state.repeats)
      }" aria-label="Repeats" required>`,
    ),
    `<div class="actions"><button id="run" type="submit">Compare</button>` +
    `<button id="cancel" type="button" disabled>Cancel</button></div>`,
    `<p id="form-error" class="error" role="alert"></p>`,
    `<noscript><p class="hint">Without JavaScript, Compare reloads this form as a link to ` +
    `itself; running a comparison needs JavaScript.</p></noscript>`,
  ].join("\n");
}
