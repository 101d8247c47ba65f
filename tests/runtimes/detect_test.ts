// detectRuntime(g): Deno first, then Bun, then Node — Deno and Bun both set
// process.versions.node, so the order matters. The global is a parameter, so fakes test it.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { detectRuntime } from "../../runtimes/detect.ts";

const nodeProcess = { versions: { node: "24.0.0" } };

describe("detectRuntime()", () => {
  it("a Deno object means deno, even with process.versions.node set", () => {
    assert.equal(
      detectRuntime({ Deno: { version: { deno: "2.0.0" } }, process: nodeProcess }),
      "deno",
    );
  });

  it("a Bun object means bun, even with process.versions.node set", () => {
    assert.equal(detectRuntime({ Bun: { version: "1.2.0" }, process: nodeProcess }), "bun");
  });

  it("Deno wins over Bun when both are present", () => {
    assert.equal(detectRuntime({ Deno: {}, Bun: {}, process: nodeProcess }), "deno");
  });

  it("only process.versions.node means node", () => {
    assert.equal(detectRuntime({ process: nodeProcess }), "node");
  });

  it("a Deno or Bun global that is not an object does not count", () => {
    assert.equal(detectRuntime({ Deno: null, Bun: "bun", process: nodeProcess }), "node");
  });

  it("nothing recognisable throws an error saying which runtimes are supported", () => {
    for (const g of [{}, { process: {} }, { process: { versions: { node: 24 } } }]) {
      assert.throws(() => detectRuntime(g), {
        name: "Error",
        message: "Cannot detect the runtime: polycore runs on Node, Deno and Bun",
      });
    }
  });

  it("with no argument it detects the runtime these tests run on", () => {
    const expected = "Deno" in globalThis ? "deno" : "Bun" in globalThis ? "bun" : "node";
    assert.equal(detectRuntime(), expected);
  });
});
