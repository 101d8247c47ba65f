/// <reference lib="dom" />
/**
 * A horizontal bar chart of wall times as inline SVG: one bar per cell (median), a whisker
 * from min to max, grouped by runtime and coloured by mode, under a legend that says so. Each
 * bar's tooltip adds the start-up time. The chart is drawn at its container's width.
 *
 * @module
 */
import type { CompareCell } from "../compare.ts";

const svgNs = "http://www.w3.org/2000/svg";
const colors: Record<string, string> = {
  sequential: "#8a94a0",
  thread: "#2f6fdb",
  process: "#e07b24",
};
/** What each mode's colour stands for, in the legend. */
const modeNames: Record<string, string> = {
  sequential: "sequential (one worker: the baseline)",
  thread: "worker threads",
  process: "child processes",
};

function el(name: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const node = document.createElementNS(svgNs, name);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Formats milliseconds for labels. */
export function ms(value: number | null): string {
  if (value === null) return "–";
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

/** The legend of a chart of `modes`: a swatch per mode, then what a whisker and a label mean. */
function legend(modes: readonly string[]): HTMLElement {
  const list = document.createElement("ul");
  list.className = "legend";
  const item = (text: string, swatch?: string, mode?: string) => {
    const li = document.createElement("li");
    if (swatch) {
      const mark = document.createElement("span");
      mark.className = `swatch ${swatch}`;
      if (mode) mark.style.background = colors[mode] ?? "#555";
      li.append(mark);
    }
    if (mode) li.dataset.mode = mode;
    li.append(text);
    list.append(li);
  };
  for (const mode of modes) item(modeNames[mode] ?? mode, "bar", mode);
  item("fastest–slowest repeat", "whisker");
  item("×N: workers · hover a bar for its start-up time");
  return list;
}

/** Draws `cells` (those with a median) into `container`, replacing what was there. */
export function drawChart(container: HTMLElement, cells: readonly CompareCell[]): void {
  container.replaceChildren();
  const shown = cells.filter((c) => c.medianMs !== null);
  if (shown.length === 0) return;
  const modes = [...new Set(shown.map((c) => c.mode))];
  container.append(legend(modes));
  const labelWidth = 150;
  const width = Math.max(320, Math.min(900, container.clientWidth || 720));
  const barHeight = 20;
  const gap = 6;
  const top = 8;
  const plot = width - labelWidth - 70;
  const max = Math.max(...shown.map((c) => c.maxMs ?? c.medianMs ?? 0));
  const scale = (v: number) => (v / (max || 1)) * plot;
  let y = top;
  let previous = "";
  const rows: SVGElement[] = [];
  for (const cell of shown) {
    if (previous && previous !== cell.runtime) y += 10;
    previous = cell.runtime;
    const median = cell.medianMs ?? 0;
    const label = `${cell.runtime} · ${cell.mode}${
      cell.mode === "sequential" ? "" : ` ×${cell.workers}`
    }`;
    const group = el("g", { class: "bar", "data-runtime": cell.runtime, "data-mode": cell.mode });
    group.append(
      el(
        "title",
        {},
        `${label}: median ${ms(median)} ms (fastest ${ms(cell.minMs)}, slowest ${
          ms(cell.maxMs)
        }), start-up ${ms(cell.startupMs)} ms`,
      ),
      el("text", { x: labelWidth - 8, y: y + barHeight * 0.7, "text-anchor": "end" }, label),
      el("rect", {
        x: labelWidth,
        y,
        width: Math.max(1, scale(median)),
        height: barHeight,
        rx: 3,
        fill: colors[cell.mode] ?? "#555",
      }),
    );
    if (cell.minMs !== null && cell.maxMs !== null && cell.maxMs > cell.minMs) {
      const mid = y + barHeight / 2;
      group.append(
        el("line", {
          x1: labelWidth + scale(cell.minMs),
          x2: labelWidth + scale(cell.maxMs),
          y1: mid,
          y2: mid,
          stroke: "#1d232a",
          "stroke-width": 1.5,
        }),
        el("line", {
          x1: labelWidth + scale(cell.maxMs),
          x2: labelWidth + scale(cell.maxMs),
          y1: mid - 5,
          y2: mid + 5,
          stroke: "#1d232a",
          "stroke-width": 1.5,
        }),
      );
    }
    group.append(
      el("text", {
        class: "value",
        x: labelWidth + Math.max(scale(median), scale(cell.maxMs ?? median)) + 6,
        y: y + barHeight * 0.7,
      }, `${ms(median)} ms`),
    );
    rows.push(group);
    y += barHeight + gap;
  }
  const svg = el("svg", {
    viewBox: `0 0 ${width} ${y + 4}`,
    role: "img",
    "aria-label": "Wall time per runtime, mode and worker count",
  });
  svg.append(
    el("line", { x1: labelWidth, x2: labelWidth, y1: 0, y2: y, stroke: "#dde1e5" }),
    ...rows,
  );
  container.append(svg);
}
