/**
 * A run's rows as a bar chart in SVG (`polycore report run.json --svg chart.svg`, or `--html`):
 * a group of bars per benchmark, one bar per runtime, each as long as its value relative to the
 * longest of its group, labelled with the value and its unit. Rates are better long, times short.
 *
 * @module
 */
import { type BenchRow, formatWithUnit, isRate } from "../bench/_rows.ts";

const palette = ["#3b82f6", "#10b981", "#f59e0b", "#ef4444", "#8b5cf6", "#6b7280"];
const labelWidth = 430;
const barArea = 360;
const valueWidth = 110;
const barHeight = 14;
const groupGap = 10;
const headerHeight = 26;
/** Characters of a row's name that fit left of the bars (the full name is its tooltip). */
const maxLabel = 66;

function escapeXml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

/** The SVG of `rows`, with a bar per runtime in `columns` (in that order, one colour each). */
export function svgChart(rows: readonly BenchRow[], columns: readonly string[]): string {
  const groups: { suite: string; name: string; unit: string; byRuntime: Map<string, number> }[] =
    [];
  for (const row of rows) {
    let group = groups.find((g) => g.suite === row.suite && g.name === row.name);
    if (!group) {
      group = { suite: row.suite, name: row.name, unit: row.unit, byRuntime: new Map() };
      groups.push(group);
    }
    group.byRuntime.set(row.runtime, row.median);
  }
  const parts: string[] = [];
  let y = 8;
  const legend = columns.map((c, i) =>
    `<rect x="${labelWidth + i * 90}" y="${y}" width="12" height="12" fill="${
      palette[i % palette.length]
    }"/><text x="${labelWidth + i * 90 + 16}" y="${y + 10}">${escapeXml(c)}</text>`
  );
  parts.push(...legend);
  y += 24;
  let suite = "";
  for (const group of groups) {
    if (group.suite !== suite) {
      suite = group.suite;
      parts.push(`<text x="8" y="${y + 16}" class="suite">${escapeXml(suite)}</text>`);
      y += headerHeight;
    }
    const present = columns.filter((c) => group.byRuntime.has(c));
    const longest = Math.max(...present.map((c) => Math.abs(group.byRuntime.get(c)!)), 1e-12);
    const hint = group.unit === "×"
      ? ""
      : isRate(group.unit)
      ? " (longer is better)"
      : " (shorter is better)";
    const label = `${group.name}${hint}`;
    const shown = label.length > maxLabel ? `${label.slice(0, maxLabel - 1)}…` : label;
    parts.push(
      `<text x="8" y="${y + barHeight - 3}">${escapeXml(shown)}<title>${
        escapeXml(label)
      }</title></text>`,
    );
    for (const column of present) {
      const value = group.byRuntime.get(column)!;
      const width = Math.max(1, (Math.abs(value) / longest) * barArea);
      const colour = palette[columns.indexOf(column) % palette.length];
      parts.push(
        `<rect x="${labelWidth}" y="${y}" width="${
          width.toFixed(1)
        }" height="${barHeight}" fill="${colour}"><title>${
          escapeXml(`${column}: ${formatWithUnit(value, group.unit)}`)
        }</title></rect>`,
        `<text x="${labelWidth + width + 4}" y="${y + barHeight - 3}" class="value">${
          escapeXml(formatWithUnit(value, group.unit))
        }</text>`,
      );
      y += barHeight + 2;
    }
    y += groupGap;
  }
  const width = labelWidth + barArea + valueWidth;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}" font-family="system-ui, sans-serif" font-size="12">`,
    `<style>.suite{font-weight:bold;font-size:14px}.value{fill:#374151}</style>`,
    `<rect width="100%" height="100%" fill="white"/>`,
    ...parts,
    "</svg>",
  ].join("\n");
}

/** A page holding the chart, titled with the run's command. */
export function htmlChart(svg: string, title: string): string {
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${
    escapeXml(title)
  }</title></head><body>\n<h1>${escapeXml(title)}</h1>\n${svg}\n</body></html>\n`;
}
