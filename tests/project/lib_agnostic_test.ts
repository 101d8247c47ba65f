// lib/ is the runtime-agnostic core: it reaches Node, Deno and Bun only through runtimes/.
// This test reads every source file under lib/ (and mod.ts) and fails, listing file:line, on
// any `node:` specifier or any use of `Deno.`, `Bun.`, `globalThis.Deno`, `globalThis.Bun` or
// `process.`. Comments are ignored, so JSDoc examples may mention runtime APIs.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SOURCE_FILE = /\.(?:[cm]?ts|tsx|[cm]?js)$/;

/**
 * What lib/ must not contain. `bare` rules see code with comments and string contents blanked
 * (identifier uses); `code` rules see code with only comments blanked (specifier strings).
 * `$1` in a label is replaced by the pattern's first group.
 */
const RULES: ReadonlyArray<{ view: "code" | "bare"; pattern: RegExp; label: string }> = [
  { view: "code", pattern: /["'`]node:[\w/]+["'`]/, label: "node:" },
  { view: "bare", pattern: /\bglobalThis\s*\??\.\s*(Deno|Bun|process)\b/, label: "globalThis.$1" },
  {
    view: "code",
    pattern: /\bglobalThis\s*(?:\?\.)?\[\s*["'`](Deno|Bun|process)["'`]/,
    label: "globalThis.$1",
  },
  { view: "bare", pattern: /(?<![\w$.])(Deno|Bun|process)\s*(?:\?\.|\.|\[)/, label: "$1." },
];

interface Violation {
  line: number;
  rule: string;
  text: string;
}

/**
 * Two views of `source` with the same line structure: `code` has comments blanked, `bare` has
 * comments and string/template contents blanked (template `${}` expressions stay code).
 */
function blank(source: string): { code: string; bare: string } {
  let code = "";
  let bare = "";
  const put = (c: string, keepInCode: boolean, keepInBare: boolean): void => {
    const space = c === "\n" ? "\n" : " ";
    code += keepInCode ? c : space;
    bare += keepInBare ? c : space;
  };
  // Each entry is a template literal we are inside; its value counts open `{` in its `${}`.
  const templates: number[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    const next = source[i + 1];
    const inTemplateText = templates.length > 0 && templates[templates.length - 1] === 0;
    if (inTemplateText) {
      if (c === "\\") {
        put(c, true, false);
        if (next !== undefined) put(next, true, false);
        i += 2;
      } else if (c === "`") {
        templates.pop();
        put(c, true, true);
        i++;
      } else if (c === "$" && next === "{") {
        templates[templates.length - 1] = 1;
        put(c, true, true);
        put(next, true, true);
        i += 2;
      } else {
        put(c, true, false);
        i++;
      }
    } else if (c === "/" && next === "/") {
      while (i < source.length && source[i] !== "\n") put(source[i++], false, false);
    } else if (c === "/" && next === "*") {
      const end = source.indexOf("*/", i + 2);
      const stop = end === -1 ? source.length : end + 2;
      while (i < stop) put(source[i++], false, false);
    } else if (c === '"' || c === "'") {
      put(c, true, true);
      i++;
      while (i < source.length && source[i] !== c && source[i] !== "\n") {
        if (source[i] === "\\") put(source[i++], true, false);
        if (i < source.length) put(source[i++], true, false);
      }
      if (i < source.length) put(source[i++], true, true);
    } else if (c === "`") {
      templates.push(0);
      put(c, true, true);
      i++;
    } else {
      if (templates.length > 0 && c === "{") templates[templates.length - 1]++;
      if (templates.length > 0 && c === "}") templates[templates.length - 1]--;
      put(c, true, true);
      i++;
    }
  }
  return { code, bare };
}

/** Every runtime reach in `source`, one entry per rule per line. */
function findViolations(source: string): Violation[] {
  const { code, bare } = blank(source);
  const views = { code: code.split("\n"), bare: bare.split("\n") };
  const originalLines = source.split("\n");
  const found: Violation[] = [];
  for (let n = 0; n < originalLines.length; n++) {
    const text = originalLines[n].trim();
    const rules = new Set<string>();
    for (const { view, pattern, label } of RULES) {
      const match = pattern.exec(views[view][n]);
      if (match) rules.add(label.replace("$1", match[1] ?? ""));
    }
    for (const rule of rules) found.push({ line: n + 1, rule, text });
  }
  return found;
}

function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files.push(...sourceFiles(path));
    else if (SOURCE_FILE.test(name) && !/\.d\.ts$/.test(name)) files.push(path);
  }
  return files;
}

describe("lib/ is runtime-agnostic", () => {
  it("findViolations() flags node: specifiers and runtime globals", () => {
    const source = [
      'import { Worker } from "node:worker_threads";',
      "const fs = await import('node:fs');",
      "const pid = process.pid;",
      "const args = Deno.args;",
      "const ok = globalThis.Bun?.version;",
      'const d = globalThis["Deno"];',
      "const env = globalThis.process?.env;",
    ].join("\n");
    assert.deepEqual(
      findViolations(source).map((v) => `${v.line}:${v.rule}`),
      [
        "1:node:",
        "2:node:",
        "3:process.",
        "4:Deno.",
        "5:globalThis.Bun",
        "6:globalThis.Deno",
        "7:globalThis.process",
      ],
    );
  });

  it("findViolations() ignores comments, strings and look-alike names", () => {
    const source = [
      "// process.exit() is not called here; see Deno.exit",
      "/** @example",
      ' * import { Pool } from "node:os";',
      " * Bun.serve();",
      " */",
      'throw new TypeError("Cannot use process.env or Deno.env in lib/");',
      "const url = `see https://x/${this.process.pid} and Bun.file`; // a Deno.x note",
      "const p = new Process(); p.process.kill(); const myDeno = 1; myDeno.toString();",
    ].join("\n");
    assert.deepEqual(findViolations(source), []);
  });

  it("lib/ and mod.ts reach no runtime API", () => {
    const libDir = join(ROOT, "lib");
    assert.ok(existsSync(libDir), `Expected a lib/ folder: received none at ${libDir}`);
    const files = sourceFiles(libDir);
    assert.ok(files.length > 0, `Expected source files in ${libDir}: received none`);
    const modTs = join(ROOT, "mod.ts");
    if (existsSync(modTs)) files.push(modTs);
    const report: string[] = [];
    for (const file of files) {
      const where = relative(ROOT, file).replaceAll("\\", "/");
      for (const v of findViolations(readFileSync(file, "utf8"))) {
        report.push(`${where}:${v.line}: ${v.rule} in: ${v.text}`);
      }
    }
    if (report.length > 0) {
      assert.fail(`lib/ must reach runtimes only through runtimes/; found:\n${report.join("\n")}`);
    }
  });
});
