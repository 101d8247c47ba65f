// The public API, frozen: every export of the three entry points (mod.ts, runtimes/mod.ts,
// server/mod.ts) with its kind and, for classes and interfaces, its members — read with
// `deno doc --json` — must equal tests/fixtures/api_snapshot.json, so that moving files
// (issue 16) cannot change what users import. After an intended API change, refresh it:
// `UPDATE_API_SNAPSHOT=1 node --test tests/project/api_snapshot_test.ts`.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { runtimeBin } from "../fixtures/server_process.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const snapshotFile = fileURLToPath(new URL("../fixtures/api_snapshot.json", import.meta.url));
const entries = ["mod.ts", "runtimes/mod.ts", "server/mod.ts"];

interface DocSymbol {
  readonly name: string;
  readonly declarations: readonly {
    readonly kind: string;
    readonly def?: {
      readonly methods?: readonly { readonly name: string }[];
      readonly properties?: readonly { readonly name: string }[];
    };
  }[];
}

/** `entry → ["name: kind (member, …)", …]`, sorted. */
function currentApi(): Record<string, string[]> {
  const result = spawnSync(runtimeBin("deno") ?? "deno", ["doc", "--json", ...entries], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  assert.equal(result.status, 0, result.stderr);
  const nodes = JSON.parse(result.stdout).nodes as Record<string, { symbols: DocSymbol[] }>;
  const api: Record<string, string[]> = {};
  for (const entry of entries) {
    const url = new URL(entry, `file://${root.endsWith("/") ? root : `${root}/`}`).href;
    api[entry] = nodes[url].symbols.map((symbol) => {
      const kinds = [...new Set(symbol.declarations.map((d) => d.kind))].sort().join("+");
      const members = symbol.declarations.flatMap((d) => [
        ...(d.def?.methods ?? []).map((m) => m.name),
        ...(d.def?.properties ?? []).map((p) => p.name),
      ]);
      const list = [...new Set(members)].sort();
      return `${symbol.name}: ${kinds}${list.length > 0 ? ` (${list.join(", ")})` : ""}`;
    }).sort();
  }
  return api;
}

describe("the public API", () => {
  it("is the snapshot's: the same exports, kinds and members", () => {
    const api = currentApi();
    if (process.env.UPDATE_API_SNAPSHOT === "1") {
      writeFileSync(snapshotFile, `${JSON.stringify(api, null, 2)}\n`);
    }
    const snapshot = JSON.parse(readFileSync(snapshotFile, "utf8"));
    assert.deepEqual(api, snapshot);
  });
});
