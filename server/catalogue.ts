/**
 * The workload catalogue: every built-in workload and user code, each with its parameters as a
 * JSON schema, their defaults and their limits. `GET /api/workloads` answers it and the page is
 * built from it, both calling {@linkcode workloadCatalogue} directly.
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import { codeParams, codeWorkload } from "./code.ts";
import { type Mode, modes } from "./execute.ts";
import { workloads } from "./workloads.ts";

/** A parameter's bounds, where its schema has them. */
export interface ParamLimits {
  readonly min?: number;
  readonly max?: number;
}

/** A parameter's JSON schema, as far as the catalogue reads it. */
interface JsonSchema {
  readonly properties?: Readonly<Record<string, { minimum?: number; maximum?: number }>>;
}

/** One workload of the catalogue. */
export interface WorkloadEntry {
  /** The name jobs give, e.g. `"primes"`. */
  readonly name: string;
  readonly title: string;
  readonly description: string;
  /** How the parallel implementation splits the work. */
  readonly parallel: string;
  /** Whether jobs may ask for it here (user code only with `--allow-code`). */
  readonly enabled: boolean;
  /** The parameters a job that names none gets. */
  readonly defaults: Readonly<Record<string, unknown>>;
  /** The bounds of the numeric parameters, by name. */
  readonly limits: Readonly<Record<string, ParamLimits>>;
  /** The parameters' JSON schema (input side). */
  readonly paramsSchema: JsonSchema & Readonly<Record<string, unknown>>;
}

/** `GET /api/workloads`: the workloads, then the modes (fresh arrays, the caller's to keep). */
export interface WorkloadCatalogue {
  readonly workloads: WorkloadEntry[];
  readonly modes: Mode[];
}

function describeParams(schema: z.ZodType): Pick<WorkloadEntry, "paramsSchema" | "limits"> {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as
    & JsonSchema
    & Record<string, unknown>;
  const limits = Object.fromEntries(
    Object.entries(json.properties ?? {}).filter(([, p]) =>
      p.minimum !== undefined || p.maximum !== undefined
    ).map(([name, p]) => [name, {
      ...(p.minimum !== undefined ? { min: p.minimum } : {}),
      ...(p.maximum !== undefined ? { max: p.maximum } : {}),
    }]),
  );
  return { paramsSchema: json, limits };
}

interface Described {
  readonly builtIn: readonly WorkloadEntry[];
  readonly code: WorkloadEntry;
}

/** The entries, built once (their schemas never change); user code's `enabled` is per app. */
let described: Described | undefined;

function describeAll(): Described {
  described ??= {
    builtIn: [...workloads.values()].map((w) => ({
      name: w.name,
      title: w.title,
      description: w.description,
      parallel: w.parallel,
      enabled: true,
      defaults: w.params.parse({}),
      ...describeParams(w.params),
    })),
    code: {
      name: codeWorkload,
      title: "Your code",
      description: "The body of async function (input) { … }, run once per input " +
        "(only with --allow-code).",
      parallel: "Inputs mapped over the pool (pool.map of a function task).",
      enabled: false,
      defaults: {},
      ...describeParams(codeParams),
    },
  };
  return described;
}

/**
 * The catalogue of a server that allows user code or not: the built-in workloads (enabled) in
 * their order, then user code (enabled with `allowCode`), and the modes.
 *
 * @example
 * ```ts
 * import { workloadCatalogue } from "./catalogue.ts";
 * const catalogue = workloadCatalogue({ allowCode: false });
 * const primes = catalogue.workloads.find((w) => w.name === "primes")!;
 * console.assert(primes.defaults.n === 2_000_000 && primes.limits.n.max === 20_000_000);
 * console.assert(catalogue.workloads.at(-1)!.enabled === false); // user code
 * ```
 */
export function workloadCatalogue(options: { readonly allowCode: boolean }): WorkloadCatalogue {
  const { builtIn, code } = describeAll();
  return { workloads: [...builtIn, { ...code, enabled: options.allowCode }], modes: [...modes] };
}
