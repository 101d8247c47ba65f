/**
 * `polycore bench`'s command line, parsed with `node:util`'s `parseArgs` and checked: a bad flag
 * or value throws a {@linkcode UsageError} naming the flag and the value received (exit code 2).
 *
 * @module
 */
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { type Backend, backends } from "../bench/_rows.ts";
import { availableSuites, onlyWhenNamed } from "./_suites.ts";
import { type RuntimeName, runtimeNames } from "./_runtimes.ts";
import { UsageError } from "./_usage.ts";

/** What `polycore bench` was asked to do. */
export interface BenchOptions {
  readonly suites: string[];
  readonly runtimes: RuntimeName[];
  readonly backends: Backend[];
  readonly json?: string;
  readonly quick: boolean;
  readonly verbose: boolean;
}

function list(flag: string, value: string, allowed: readonly string[]): string[] {
  const items = value.split(",").map((s) => s.trim()).filter(Boolean);
  const unknown = items.filter((s) => !allowed.includes(s));
  if (items.length === 0 || unknown.length > 0) {
    throw new UsageError(
      `Cannot run benchmarks as '--${flag}' must be a comma-separated list of ${
        allowed.join(", ")
      }: received '${value}'`,
    );
  }
  return allowed.filter((a) => items.includes(a));
}

/** Parses `polycore bench`'s arguments; throws {@linkcode UsageError} for a bad one. */
export function parseBenchArgs(args: readonly string[]): BenchOptions | "help" {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        suite: { type: "string", multiple: true },
        runtimes: { type: "string", default: runtimeNames.join(",") },
        backends: { type: "string", default: backends.join(",") },
        json: { type: "string" },
        quick: { type: "boolean", default: false },
        verbose: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return "help";
  const available = availableSuites();
  const named = [...(values.suite ?? []).flatMap((s) => s.split(",")), ...positionals]
    .map((s) => s.trim()).filter(Boolean);
  if (values.suite && named.length === 0) {
    throw new UsageError(`Cannot run benchmarks as '--suite' must name a suite: received ''`);
  }
  for (const suite of named) {
    if (!available.includes(suite)) {
      throw new UsageError(
        `Cannot run benchmarks as there is no suite '${suite}': the suites are ${
          available.join(", ")
        }`,
      );
    }
  }
  const suites = named.length > 0
    ? available.filter((s) => named.includes(s))
    : available.filter((s) => !onlyWhenNamed.has(s));
  let json: string | undefined;
  if (values.json !== undefined) {
    json = resolve(values.json);
    if (values.json === "" || !existsSync(dirname(json))) {
      throw new UsageError(
        `Cannot run benchmarks as '--json' must be a file in an existing folder: received '${values.json}'`,
      );
    }
  }
  return {
    suites,
    runtimes: list("runtimes", values.runtimes, runtimeNames) as RuntimeName[],
    backends: list("backends", values.backends, backends) as Backend[],
    quick: values.quick,
    verbose: values.verbose,
    ...(json ? { json } : {}),
  };
}
