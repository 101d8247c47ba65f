// The README and its guides (docs/guide/*.md) link to each other: every relative link names a
// file that exists, every `#anchor` names a heading of its target (GitHub's heading ids), and the
// README links every guide.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const GUIDES = join(ROOT, "docs", "guide");
const guides = readdirSync(GUIDES).filter((name) => name.endsWith(".md")).sort();
const pages = [join(ROOT, "README.md"), ...guides.map((name) => join(GUIDES, name))];

/** The text outside fenced code blocks and inline code, where links and headings are. */
function prose(text: string): string {
  return text.replace(/^```.*?^```/gms, "").replace(/`[^`\n]*`/g, "");
}

/** The ids GitHub gives a page's headings: lower case, punctuation dropped, spaces as `-`. */
function anchors(path: string): Set<string> {
  const text = readFileSync(path, "utf8").replace(/^```.*?^```/gms, "");
  const seen = new Map<string, number>();
  const ids = new Set<string>();
  for (const [, heading] of text.matchAll(/^#{1,6} (.*)$/gm)) {
    const plain = heading.replace(/`/g, "").replace(/\[([^\]]*)\]\([^)]*\)/g, "$1");
    const id = plain.trim().toLowerCase().replace(/[^\p{L}\p{N}_\- ]/gu, "").replace(/ /g, "-");
    const n = seen.get(id) ?? 0;
    seen.set(id, n + 1);
    ids.add(n === 0 ? id : `${id}-${n}`);
  }
  return ids;
}

describe("the README and docs/guide/", () => {
  it("link only to files and headings that exist", () => {
    const broken: string[] = [];
    for (const page of pages) {
      for (const [, target] of prose(readFileSync(page, "utf8")).matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/i.test(target)) continue; // https:, mailto:
        const [file, anchor] = target.split("#", 2);
        const path = file === "" ? page : resolve(dirname(page), file);
        const where = `${relative(ROOT, page)}: (${target})`;
        if (!existsSync(path)) broken.push(`${where}: no file ${relative(ROOT, path)}`);
        else if (anchor !== undefined && !anchors(path).has(anchor)) {
          broken.push(`${where}: no heading #${anchor} in ${relative(ROOT, path)}`);
        }
      }
    }
    assert.deepEqual(broken, []);
  });

  it("has a guide per area, each linked from the README and linking back to it", () => {
    assert.ok(guides.length >= 10, `guides: ${guides.join(", ")}`);
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    for (const name of guides) {
      assert.ok(readme.includes(`](docs/guide/${name})`), `the README links ${name}`);
      const text = readFileSync(join(GUIDES, name), "utf8");
      const [title, summary] = text.split("\n\n", 2);
      assert.match(title, /^# \S/, `${name} starts with its title`);
      assert.match(summary, /\]\(\.\.\/\.\.\/README\.md#[\w-]+\)/, `${name}'s summary links back`);
    }
  });
});
