// The top-level scan behind a task's module context: which imports and declarations a module
// has, and which of its statements are neither (those never run in a worker).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { scanModule } from "../../lib/task/_module_scan.ts";
import { freeNames, parameterNames } from "../../lib/task/_free_names.ts";
import { referencedNames, tokenize } from "../../lib/task/_tokens.ts";

function namesOf(source: string): string[] {
  return scanModule(source).declarations.flatMap((d) => d.names);
}

describe("scanModule() imports", () => {
  it("finds default, named, renamed and namespace bindings with their specifiers", () => {
    const { imports } = scanModule(`
      import os from "node:os";
      import * as path from 'node:path';
      import negate, { double as twice, offset } from "./helpers.ts";
      import { "quoted name" as quoted } from "./q.ts";
    `);
    assert.deepEqual(imports.map((i) => [i.specifier, i.bindings]), [
      ["node:os", [{ local: "os", imported: "default" }]],
      ["node:path", [{ local: "path", imported: "*" }]],
      ["./helpers.ts", [
        { local: "negate", imported: "default" },
        { local: "twice", imported: "double" },
        { local: "offset", imported: "offset" },
      ]],
      ["./q.ts", [{ local: "quoted", imported: "quoted name" }]],
    ]);
  });

  it("leaves out type-only imports, type-only names and side-effect imports", () => {
    const { imports } = scanModule(`
      import type { A } from "./a.ts";
      import type B from "./b.ts";
      import { type C, d } from "./c.ts";
      import "./polyfill.ts";
    `);
    assert.deepEqual(imports.map((i) => [i.specifier, i.bindings.map((b) => b.local)]), [
      ["./c.ts", ["d"]],
    ]);
  });

  it("keeps import attributes", () => {
    const [json] = scanModule(`import data from "./data.json" with { type: "json" };`).imports;
    assert.equal(json.attributes, `with { type: "json" }`);
  });

  it("does not take dynamic imports or import.meta for declarations", () => {
    const scan = scanModule(`const m = await import("./m.ts");\nconsole.log(import.meta.url);`);
    assert.deepEqual(scan.imports, []);
    assert.deepEqual(namesOf(`const m = await import("./m.ts");`), ["m"]);
  });
});

describe("scanModule() declarations", () => {
  it("finds functions, classes, variables, types and enums, exported or not", () => {
    const names = namesOf(`
      export function a() { return 1 }
      async function b() {}
      function* c() {}
      export default function d() {}
      export class E {}
      abstract class F {}
      export const g = 1, h = 2;
      let i;
      var j = 3;
      type K = { k: number };
      export interface L { l: string }
      enum M { X }
    `);
    assert.deepEqual(names, ["a", "b", "c", "d", "E", "F", "g", "h", "i", "j", "K", "L", "M"]);
  });

  it("finds the names of destructuring patterns, not their keys or defaults", () => {
    assert.deepEqual(namesOf(`const { a, b: c, d = e, ...rest } = obj;`), ["a", "c", "d", "rest"]);
    assert.deepEqual(namesOf(`const [x, , y] = list;`), ["x", "y"]);
  });

  it("keeps each declarator's pattern and initializer, type annotations and generics aside", () => {
    const [d] = scanModule(`const m: Map<string, number> = new Map<string, number>(), n = f(1, 2);`)
      .declarations;
    assert.deepEqual(d.declarators, [
      { names: ["m"], pattern: "m", initializer: "new Map<string, number>()" },
      { names: ["n"], pattern: "n", initializer: "f(1, 2)" },
    ]);
  });

  it("strips export and export default from a declaration's text", () => {
    const [fn] = scanModule(`export default async function work(n: number) { return n }`)
      .declarations;
    assert.equal(fn.text, "async function work(n: number) { return n }");
    assert.equal(fn.kind, "hoisted");
  });

  it("splits statements without semicolons at line breaks, as JavaScript does", () => {
    const scan = scanModule([
      "const a = 1",
      "const b = a",
      "  + 2",
      "const c = [1, 2]",
      "  .map((x) =>",
      "    x * 2)",
      "function f() {",
      "  return a",
      "}",
      "f()",
      "const d = `x${a}`",
    ].join("\n"));
    assert.deepEqual(scan.declarations.map((d) => [d.names, d.declarators?.[0].initializer]), [
      [["a"], "1"],
      [["b"], "a\n  + 2"],
      [["c"], "[1, 2]\n  .map((x) =>\n    x * 2)"],
      [["f"], undefined],
      [["d"], "`x${a}`"],
    ]);
  });

  it("keeps a function whose return type is an object type, and ends it at its body", () => {
    const scan = scanModule([
      "export async function probe(): Promise<",
      "  { available: boolean }",
      "> {",
      "  return { available: true };",
      "}",
      "function typed(): { a: number } {",
      "  return { a: 1 };",
      "}",
      "(async () => {})();",
    ].join("\n"));
    assert.deepEqual(scan.declarations.map((d) => d.names), [["probe"], ["typed"]]);
    assert.match(scan.declarations[1].text, /^function typed\(\): \{ a: number \} \{[^]*\}$/);
  });

  it("takes no statement for a declaration: calls, awaits, ifs and loops are left out", () => {
    const names = namesOf(`
      const pool = new Pool(2);
      await pool.map(f, [1]);
      if (import.meta.main) { const hidden = 1; }
      for (const x of [1]) console.log(x);
      main();
    `);
    assert.deepEqual(names, ["pool"]);
  });

  it("is not confused by strings, comments, templates and regular expressions", () => {
    const names = namesOf(`
      const s = "const fake1 = 1; {";
      // const fake2 = 2; {
      /* const fake3 = 3; } */
      const t = \`\${"}"} const fake4 = 4 \${{ a: 1 }.a}\`;
      const r = /[}{]const fake5\\//g, q = 4 / 2 / 1;
      const after = 1;
    `);
    assert.deepEqual(names, ["s", "t", "r", "q", "after"]);
  });
});

describe("referencedNames()", () => {
  it("lists identifiers, not property names", () => {
    const names = referencedNames(tokenize("(x) => helper(x).value + obj?.other + `${SCALE}`"));
    assert.deepEqual([...names].sort(), ["SCALE", "helper", "obj", "x"]);
  });
});

describe("freeNames()", () => {
  it("leaves out parameters, locals, keywords and standard globals", () => {
    const source = "(a, { b, c: d }, ...e) => { const f = Math.max(a, b); " +
      "for (const g of e) console.log(g, d); return [1].map((h) => h + f); }";
    assert.deepEqual([...freeNames(source)], []);
  });

  it("keeps what the function takes from outside, even next to locals and control flow", () => {
    const source = "function run(x = SCALE) { if (ready) { return helper(x) } " +
      "return { key: table[x] } }";
    assert.deepEqual([...freeNames(source)].sort(), ["SCALE", "helper", "ready", "table"]);
  });

  it("binds the names of destructuring declarations, not their keys or defaults", () => {
    const cases: [string, string[]][] = [
      ["(x) => { const { a, b: c, ...d } = x; return a + c + d.e + f; }", ["f"]],
      ["(x) => { const [p, [q = help(r, s)], ...t] = x; return p + q + t + u; }", [
        "help",
        "r",
        "s",
        "u",
      ]],
      ["() => { for (const [k, v] of m) use(k, v); }", ["m", "use"]],
      // A code job's body: `spawn` is its own, so no module context is looked for.
      ["async function (input) { const { spawn } = await import('x'); return spawn(input); }", []],
    ];
    for (const [source, free] of cases) {
      assert.deepEqual([...freeNames(source)].sort(), free.sort(), source);
    }
  });
});

describe("parameterNames()", () => {
  it("names the outermost function's parameters, destructured ones too, not defaults", () => {
    const cases: [string, string[]][] = [
      ["async function anonymous(input\n) { return input; }", ["input"]],
      ["(a, { b, c: d }, [e], ...f) => a", ["a", "b", "d", "e", "f"]],
      ["x => x * 2", ["x"]],
      ["async y => y", ["y"]],
      ["function f(n = LIMIT, m) { return n + m }", ["m", "n"]],
    ];
    for (const [source, names] of cases) {
      assert.deepEqual([...parameterNames(source)].sort(), names, source);
    }
  });
});
