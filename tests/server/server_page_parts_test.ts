// The playground page's pure parts, on every runtime: the form state's query encoding (the
// permalink's) and the request it makes, the template filling and escaping the server renders
// with, the CSV export, and the history's keeping of runs in a Storage (limit, order, a full
// storage, a value it did not write).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  compareBody,
  type FormState,
  formStateFromQuery,
  formStateQuery,
} from "../../server/page/form_state.ts";
import { escapeHtml, fillTemplate, jsonForScript } from "../../server/page/html.ts";
import type { PageData } from "../../server/page/page_data.ts";
import { resultCsv } from "../../server/public/export.ts";
import { historyKey, RunHistory } from "../../server/public/history.ts";
import type { RunRecord } from "../../server/public/run_record.ts";
import type { CompareCell } from "../../server/compare.ts";

const data: PageData = {
  info: {
    runtime: { name: "node", version: "24.0.0" },
    cpus: 4,
    allowCode: true,
    modes: {
      sequential: { available: true },
      thread: { available: true },
      process: { available: true },
    },
    runtimes: [
      { name: "node", available: true, current: true, version: "24.0.0" },
      { name: "deno", available: false, current: false, version: null, reason: "not installed" },
      { name: "bun", available: true, current: false, version: "1.3.0" },
    ],
    limits: { maxWorkers: 8, maxRunsPerCompare: 200 },
  },
  workloads: [
    {
      name: "mandelbrot",
      title: "Mandelbrot",
      description: "",
      parallel: "",
      enabled: true,
      defaults: { width: 800, height: 600 },
      paramsSchema: { properties: { width: { type: "integer" }, height: { type: "integer" } } },
    },
    {
      name: "code",
      title: "Your code",
      description: "",
      parallel: "",
      enabled: true,
      defaults: {},
      paramsSchema: { properties: { source: { type: "string" }, inputs: { type: "array" } } },
    },
  ],
};

describe("the form state's query (the permalink)", () => {
  it("defaults to Mandelbrot on threads, worker counts up to the CPUs, installed runtimes", () => {
    assert.deepEqual(formStateFromQuery(new URLSearchParams(), data), {
      workload: "mandelbrot",
      params: { width: "800", height: "600" },
      modes: ["thread"],
      workers: [1, 2, 4],
      runtimes: ["node", "bun"],
      repeats: 3,
    });
  });

  it("reads back what it wrote, empty groups included", () => {
    const state: FormState = {
      workload: "code",
      params: { source: "return input & 1; // <ok>", inputs: "[1, 2]" },
      modes: [],
      workers: [2, 8],
      runtimes: ["bun"],
      repeats: 7,
    };
    const query = formStateQuery(state);
    assert.match(query, /&mode=&/);
    assert.deepEqual(formStateFromQuery(new URLSearchParams(query), data), state);
  });

  it("makes the request: typed parameters, sequential always first", () => {
    const code = data.workloads[1];
    const body = compareBody(
      { ...formStateFromQuery(new URLSearchParams("workload=code&p.inputs=[3,4]"), data) },
      code,
    );
    assert.deepEqual(body.params, {
      source: "let s = 0;\nfor (let i = 0; i < input; i++) s += Math.sqrt(i);\nreturn s;",
      inputs: [3, 4],
    });
    assert.deepEqual(body.modes, ["sequential", "thread"]);
    const mandelbrot = compareBody(
      formStateFromQuery(new URLSearchParams(), data),
      data.workloads[0],
    );
    assert.deepEqual(mandelbrot.params, { width: 800, height: 600 });
  });

  it("names the parameter whose JSON does not parse", () => {
    const state = formStateFromQuery(new URLSearchParams("workload=code&p.inputs=[1,"), data);
    assert.throws(() => compareBody(state, data.workloads[1]), {
      name: "SyntaxError",
      message: /^'inputs' must be JSON: /,
    });
  });
});

describe("the page's HTML helpers", () => {
  it("fills {{slots}} (spaced or not) and refuses a missing or unused slot", () => {
    assert.equal(fillTemplate("<p>{{ a }}{{b}}</p>", { a: "1", b: "{{a}}" }), "<p>1{{a}}</p>");
    assert.throws(() => fillTemplate("{{a}}{{c}}", { a: "" }), /unknown slot: 'c'/);
    assert.throws(() => fillTemplate("{{a}}", { a: "", b: "" }), /lacks the slots: b/);
  });

  it("escapes text and keeps JSON inside a script block", () => {
    assert.equal(
      escapeHtml(`<a href="x">'&'</a>`),
      "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;",
    );
    const json = jsonForScript({ text: "</script><!--" });
    assert.ok(!/[<>]/.test(json));
    assert.deepEqual(JSON.parse(json), { text: "</script><!--" });
  });
});

function cell(overrides: Partial<CompareCell>): CompareCell {
  return {
    runtime: "node",
    mode: "sequential",
    workers: 1,
    status: "ok",
    samplesMs: [10, 12],
    medianMs: 11,
    minMs: 10,
    maxMs: 12,
    startupMs: 40,
    cpuMs: null,
    speedup: 1,
    efficiency: 1,
    matches: null,
    value: 5,
    ...overrides,
  };
}

function record(id: string, cells: CompareCell[] = [cell({})]): RunRecord {
  return {
    id,
    finishedAt: "2026-01-02T03:04:05.678Z",
    elapsedMs: 100,
    query: "workload=mandelbrot",
    request: {},
    result: { workload: "mandelbrot", params: {}, repeats: 2, runtimes: [], cells },
  };
}

describe("the CSV export", () => {
  it("writes a header and a row per cell, quoting what needs it, nulls empty", () => {
    const csv = resultCsv(record("a", [
      cell({}),
      cell({ mode: "thread", workers: 2, status: "failed", error: 'Error: "a", b\nc' }),
    ]));
    const lines = csv.split("\r\n");
    assert.equal(
      lines[0],
      "runtime,mode,workers,status,median_ms,min_ms,max_ms,startup_ms,cpu_ms,speedup,efficiency," +
        "matches,samples_ms,error",
    );
    assert.equal(lines[1], "node,sequential,1,ok,11,10,12,40,,1,1,,10 12,");
    assert.equal(csv.split("\r\n").length, 4, "CRLF after each of 3 lines");
    assert.match(csv, /,"Error: ""a"", b\nc"\r\n$/);
  });
});

/** A Storage of at most `quota` characters. */
class SmallStorage implements Pick<Storage, "getItem" | "setItem" | "removeItem"> {
  readonly items = new Map<string, string>();
  readonly quota: number;
  constructor(quota: number) {
    this.quota = quota;
  }
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    if (value.length > this.quota) throw new DOMException("full", "QuotaExceededError");
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

describe("the history", () => {
  const history = (quota = 1e6, limit?: number) => {
    const storage = new SmallStorage(quota);
    return { storage, runs: new RunHistory(storage as unknown as Storage, { limit }) };
  };

  it("keeps runs newest first, once each, at most the limit", () => {
    const { runs } = history(1e6, 3);
    for (const id of ["a", "b", "c", "a", "d"]) runs.add(record(id));
    assert.deepEqual(runs.list().map((r) => r.id), ["d", "a", "c"]);
    assert.equal(runs.find("c")?.id, "c");
    runs.clear();
    assert.deepEqual(runs.list(), []);
    assert.throws(() => history(1e6, 0), {
      name: "RangeError",
      message: "Cannot create the history as 'limit' must be a positive integer: received 0",
    });
  });

  it("drops the oldest runs while the storage is full, and refuses a run that alone is too big", () => {
    const one = JSON.stringify([record("a")]).length;
    const { runs } = history(one * 2 + 1);
    for (const id of ["a", "b", "c"]) runs.add(record(id));
    assert.deepEqual(runs.list().map((r) => r.id), ["c", "b"]);
    const big = record("big", Array.from({ length: 50 }, () => cell({})));
    assert.throws(() => runs.add(big), { name: "QuotaExceededError" });
    assert.deepEqual(runs.list().map((r) => r.id), ["c", "b"], "the history is left as it was");
  });

  it("counts a value it did not write as empty, and replaces it", () => {
    const { storage, runs } = history();
    storage.items.set(historyKey, "{not json");
    assert.deepEqual(runs.list(), []);
    storage.items.set(historyKey, JSON.stringify([{ id: 1 }, record("a")]));
    assert.deepEqual(runs.list().map((r) => r.id), ["a"]);
    runs.add(record("b"));
    assert.deepEqual(runs.list().map((r) => r.id), ["b", "a"]);
  });
});
