/**
 * `polycore report <run.json> [--readme README.md] [--template file] [--svg f] [--html f]`:
 * renders a run of
 * `polycore bench --json` as markdown — the template's prose (bench/report.md), a table per suite
 * (a column per runtime), the exact command, the machine line and the date — and prints it, or,
 * with `--readme`, writes it between the README's `<!-- bench:start -->` and
 * `<!-- bench:end -->` markers (`npm run bench:report`). `--svg` / `--html` write the run as a bar
 * chart instead (./_chart.ts).
 *
 * Template placeholders, each alone on a line: `<!-- bench:run -->` (the command and machine
 * line) and `<!-- bench:table SUITE -->` (that suite's table). Suites of the run the template
 * does not name are appended, each under a heading.
 *
 * @module
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { type BenchRun, columnsOf, machineLine, readRun } from "./_run_file.ts";
import { comparisonTable } from "./_table.ts";
import { htmlChart, svgChart } from "./_chart.ts";
import { usage, UsageError } from "./_usage.ts";

/** The README markers the section lives between. */
export const markers = { start: "<!-- bench:start -->", end: "<!-- bench:end -->" } as const;

const defaultTemplate = fileURLToPath(new URL("../bench/report.md", import.meta.url));
const tablePlaceholder = /^<!-- bench:table (\S+) -->$/;

/** The markdown of `run`, laid out by `template`. */
export function renderReport(run: BenchRun, template: string): string {
  const suites = [...new Set(run.rows.map((r) => r.suite))];
  const named = new Set<string>();
  const table = (suite: string) => {
    const rows = run.rows.filter((r) => r.suite === suite);
    if (rows.length === 0) return "_Not part of this run._";
    return comparisonTable(rows, columnsOf(run, rows));
  };
  const lines = template.trim().split("\n").map((line) => {
    const trimmed = line.trim();
    if (trimmed === "<!-- bench:run -->") return runLine(run);
    const match = tablePlaceholder.exec(trimmed);
    if (!match) return line;
    named.add(match[1]);
    return table(match[1]);
  });
  for (const suite of suites.filter((s) => !named.has(s))) {
    lines.push("", `### ${suite}`, "", table(suite));
  }
  return lines.join("\n");
}

/** The line under the tables: the command, the machine, the runtimes and the date. */
export function runLine(run: BenchRun): string {
  const failed = run.failures?.length
    ? ` Failed steps: ${run.failures.map((f) => f.step).join("; ")}.`
    : "";
  const skipped = run.skipped?.length
    ? ` Skipped: ${run.skipped.map((s) => `${s.runtime} (${s.reason})`).join("; ")}.`
    : "";
  return `\`${run.command}\` · ${machineLine(run)} · ${run.durationSeconds} s.${skipped}${failed}`;
}

/** `text` with the part between the markers replaced by `section`. */
export function replaceSection(text: string, section: string, file: string): string {
  const start = text.indexOf(markers.start);
  const end = text.indexOf(markers.end);
  if (start === -1 || end === -1 || end < start) {
    throw new UsageError(
      `Cannot update '${file}' as it must contain ${markers.start} and then ${markers.end}`,
    );
  }
  return `${text.slice(0, start + markers.start.length)}\n\n${section}\n\n${text.slice(end)}`;
}

/** Runs `polycore report` with `args`; resolves to the exit code. */
export function report(args: readonly string[]): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        readme: { type: "string" },
        svg: { type: "string" },
        html: { type: "string" },
        template: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(usage);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new UsageError(
      `Cannot make a report as it needs one run file (from 'polycore bench --json'): received ${positionals.length}`,
    );
  }
  const [file] = positionals;
  for (const [flag, path] of [["run file", file], ["--template", values.template]] as const) {
    if (path !== undefined && !existsSync(path)) {
      throw new UsageError(
        `Cannot make a report as the ${flag} does not exist: received '${path}'`,
      );
    }
  }
  const run = readRun(file);
  if (values.svg !== undefined || values.html !== undefined) {
    const svg = svgChart(run.rows, columnsOf(run, run.rows));
    if (values.svg !== undefined) writeFileSync(values.svg, svg);
    if (values.html !== undefined) writeFileSync(values.html, htmlChart(svg, run.command));
    for (const path of [values.svg, values.html]) {
      if (path !== undefined) {
        console.error(`polycore report: wrote a chart of ${run.rows.length} rows to ${path}`);
      }
    }
    if (!values.readme) return 0;
  }
  const section = renderReport(run, readFileSync(values.template ?? defaultTemplate, "utf8"));
  if (!values.readme) {
    console.log(section);
    return 0;
  }
  const readme = resolve(values.readme);
  if (!existsSync(readme)) {
    throw new UsageError(
      `Cannot update '--readme' as it does not exist: received '${values.readme}'`,
    );
  }
  writeFileSync(readme, replaceSection(readFileSync(readme, "utf8"), section, values.readme));
  console.error(`polycore report: wrote ${run.rows.length} rows into ${values.readme}`);
  return 0;
}
