/**
 * The playground form's state and its one encoding, the query string: what the form submits
 * without JavaScript (`GET /?workload=…`), what a permalink holds, and what the server reads to
 * render the form as it was. Keys: `workload`, `p.<param>`, `mode`, `workers` and `runtime`
 * (repeated), `repeats`. A key that is absent takes its default; a group sent with only an
 * empty value (`mode=`) is empty.
 *
 * @module
 */
import { type PageData, workerCounts, type WorkloadInfo } from "./page_data.ts";

/** The form's state, values as typed (parameters are strings until the request is made). */
export interface FormState {
  readonly workload: string;
  /** The workload's parameters, as the form shows them. */
  readonly params: Readonly<Record<string, string>>;
  /** The parallel modes (`sequential` always runs: it is the baseline). */
  readonly modes: readonly string[];
  readonly workers: readonly number[];
  readonly runtimes: readonly string[];
  readonly repeats: number;
}

/** The prefix of a parameter's query key: `p.width=800`. */
export const paramPrefix = "p.";
/** The most repeats a comparison may ask for (the API's limit). */
export const maxRepeats = 20;

/** What the `code` workload starts with: it has no defaults of its own. */
const codeSample: Readonly<Record<string, unknown>> = {
  source: "let s = 0;\nfor (let i = 0; i < input; i++) s += Math.sqrt(i);\nreturn s;",
  inputs: [2000000, 2000000, 2000000, 2000000],
};

/** The workload the form starts with. */
function defaultWorkload(data: PageData): WorkloadInfo {
  const first = data.workloads.find((w) => w.name === "mandelbrot") ?? data.workloads[0];
  if (!first) throw new RangeError("Cannot build the form as no workload is enabled");
  return first;
}

/** The parallel modes this server can run. */
export function parallelModes(data: PageData): string[] {
  return Object.entries(data.info.modes)
    .filter(([mode, availability]) => mode !== "sequential" && availability.available)
    .map(([mode]) => mode);
}

/** A workload's default parameters, as form text. */
export function paramDefaults(workload: WorkloadInfo): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of Object.keys(workload.paramsSchema.properties ?? {})) {
    const value = workload.defaults[name] ?? codeSample[name] ?? "";
    values[name] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return values;
}

/**
 * The state the form starts in: Mandelbrot with its defaults, worker threads, the worker counts
 * up to the CPUs (at least 2), every installed runtime, 3 repeats.
 */
export function defaultFormState(data: PageData): FormState {
  const workload = defaultWorkload(data);
  return {
    workload: workload.name,
    params: paramDefaults(workload),
    modes: parallelModes(data).filter((mode) => mode !== "process"),
    workers: workerCounts(data.info).filter((n) => n <= Math.max(2, data.info.cpus)),
    runtimes: data.info.runtimes.filter((r) => r.available).map((r) => r.name),
    repeats: 3,
  };
}

/** `offered`, in its order, kept where `query` lists it (all of them when `key` is absent). */
function pick<T>(
  query: URLSearchParams,
  key: string,
  offered: readonly T[],
  fallback: readonly T[],
): T[] {
  if (!query.has(key)) return [...fallback];
  const asked = new Set(query.getAll(key));
  return offered.filter((value) => asked.has(String(value)));
}

/**
 * The form state a query string describes, over the defaults; values this server does not offer
 * (an unknown workload, a runtime not installed, a worker count above its limit) are dropped.
 *
 * @example
 * ```ts
 * import { formStateFromQuery } from "./form_state.ts";
 * const data = {
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
 * };
 * const state = formStateFromQuery(new URLSearchParams("workload=primes&p.n=500&workers=4"), data);
 * console.assert(state.params.n === "500" && state.workers.join() === "4");
 * ```
 */
export function formStateFromQuery(query: URLSearchParams, data: PageData): FormState {
  const defaults = defaultFormState(data);
  const workload = data.workloads.find((w) => w.name === query.get("workload")) ??
    defaultWorkload(data);
  const params = paramDefaults(workload);
  for (const name of Object.keys(params)) {
    const value = query.get(`${paramPrefix}${name}`);
    if (value !== null) params[name] = value;
  }
  const repeats = Number(query.get("repeats"));
  return {
    workload: workload.name,
    params,
    modes: pick(query, "mode", parallelModes(data), defaults.modes),
    workers: pick(query, "workers", workerCounts(data.info), defaults.workers),
    runtimes: pick(
      query,
      "runtime",
      data.info.runtimes.filter((r) => r.available).map((r) => r.name),
      defaults.runtimes,
    ),
    repeats: Number.isInteger(repeats) && repeats >= 1 && repeats <= maxRepeats
      ? repeats
      : defaults.repeats,
  };
}

/**
 * The query string of `state` (without `?`): the permalink's.
 *
 * @example
 * ```ts
 * import { formStateQuery } from "./form_state.ts";
 * const query = formStateQuery({
 *   workload: "primes", params: { n: "500" }, modes: [], workers: [1, 2], runtimes: ["node"],
 *   repeats: 3,
 * });
 * console.assert(query === "workload=primes&p.n=500&mode=&workers=1&workers=2&runtime=node&repeats=3");
 * ```
 */
export function formStateQuery(state: FormState): string {
  const query = new URLSearchParams({ workload: state.workload });
  for (const [name, value] of Object.entries(state.params)) {
    query.append(`${paramPrefix}${name}`, value);
  }
  const group = (key: string, values: readonly (string | number)[]) => {
    if (values.length === 0) query.append(key, "");
    for (const value of values) query.append(key, String(value));
  };
  group("mode", state.modes);
  group("workers", state.workers);
  group("runtime", state.runtimes);
  query.append("repeats", String(state.repeats));
  return query.toString();
}

/**
 * The body of `POST /api/compare` for `state`: parameters typed by the workload's schema
 * (numbers, JSON for arrays and objects), `sequential` added to the modes.
 *
 * @throws {SyntaxError} when a JSON parameter does not parse; the message names it.
 */
export function compareBody(state: FormState, workload: WorkloadInfo): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(workload.paramsSchema.properties ?? {})) {
    const text = state.params[name] ?? "";
    if (schema.type === "integer" || schema.type === "number") params[name] = Number(text);
    else if (schema.type === "array" || schema.type === "object") {
      try {
        params[name] = JSON.parse(text);
      } catch (error) {
        throw new SyntaxError(`'${name}' must be JSON: ${(error as Error).message}`);
      }
    } else params[name] = text;
  }
  return {
    workload: state.workload,
    params,
    modes: ["sequential", ...state.modes],
    workers: [...state.workers],
    runtimes: [...state.runtimes],
    repeats: state.repeats,
  };
}
