// JSR (deno.json) and npm (package.json) must offer the same entry points. deno.json maps each
// subpath to a source module; package.json maps it to that module built into dist/ (its `.js`
// for `import`, its `.d.ts` for `types`). The two maps are compared by source module, so a
// subpath added to one and not the other, or pointing elsewhere, fails here.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";

const root = new URL("../../", import.meta.url);
const read = (name: string) => JSON.parse(readFileSync(new URL(name, root), "utf8"));
const deno = read("deno.json");
const npm = read("package.json");

interface NpmTarget {
  readonly types: string;
  readonly import: string;
}

/** The source module a dist/ path was built from: `./dist/lib/x.js` → `./lib/x.ts`. */
function sourceOf(path: string): string {
  const match = /^\.\/dist\/(.+?)(\.d\.ts|\.js)$/.exec(path);
  assert.ok(match, `package.json points at ${path}: expected ./dist/<module>.js or .d.ts`);
  return `./${match[1]}.ts`;
}

describe("package exports", () => {
  it("deno.json and package.json export the same subpaths", () => {
    assert.deepEqual(Object.keys(npm.exports).sort(), Object.keys(deno.exports).sort());
  });

  it("each subpath is the same source module on JSR and npm", () => {
    for (const [subpath, source] of Object.entries(deno.exports as Record<string, string>)) {
      const target = npm.exports[subpath] as NpmTarget;
      assert.deepEqual(Object.keys(target), ["types", "import"], `${subpath}: conditions`);
      assert.equal(sourceOf(target.import), source, `${subpath}: import`);
      assert.equal(sourceOf(target.types), source, `${subpath}: types`);
      assert.ok(existsSync(new URL(source, root)), `${subpath}: ${source} exists`);
    }
  });

  it("package.json's main and types are the '.' export", () => {
    assert.equal(npm.main, npm.exports["."].import);
    assert.equal(npm.types, npm.exports["."].types);
  });

  it("JSR publishes every exported module and npm ships dist/", () => {
    const { include, exclude = [] } = deno.publish as { include: string[]; exclude?: string[] };
    const matches = (patterns: string[], path: string) =>
      patterns.some((p) => p === path || (p.endsWith("/") && path.startsWith(p)));
    for (const source of Object.values(deno.exports as Record<string, string>)) {
      const path = source.slice(2);
      assert.ok(matches(include, path) && !matches(exclude, path), `JSR publishes ${path}`);
    }
    assert.deepEqual(npm.files, ["dist/"]);
  });

  it("both packages have the same version and license", () => {
    assert.equal(deno.version, npm.version);
    assert.equal(deno.license, npm.license);
  });
});
