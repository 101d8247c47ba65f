// What cannot be copied to a worker is named the same way on every runtime (issue 18, item 8):
// where it sits (args[1].handle, the result's .cb) and what it is, never a runtime's own text
// (Node quotes a function's whole source, Bun says only "The object can not be cloned").
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Pool, Process } from "../../mod.ts";
import { onEachBackend } from "../fixtures/backends.ts";

class Holder {
  readonly handle: () => string;
  constructor(handle: () => string) {
    this.handle = handle;
  }
}

onEachBackend((backend) => {
  describe(`clone errors on the ${backend} backend`, () => {
    it("an argument holding a WeakMap names its path and type", async () => {
      await using pool = new Pool({ processes: 1, backend });
      await assert.rejects(
        pool.apply((_a: number, _b: unknown) => 1, [1, { inner: { map: new WeakMap() } }]),
        {
          name: "TypeError",
          message:
            /^Cannot send argument 1 of task '\(anonymous\)' to a worker as args\[1\]\.inner\.map is an instance of WeakMap, which cannot be copied/,
        },
      );
    });

    it("a class instance holding a function names the function, not its source", async () => {
      await using pool = new Pool({ processes: 1, backend });
      const secretSource = "a-very-long-function-body-that-must-not-appear";
      const handle = () => secretSource;
      const holder = new Holder(handle);
      await assert.rejects(pool.apply((h: Holder) => typeof h, [holder]), (error: Error) => {
        assert.match(
          error.message,
          /as args\[0\]\.handle is function (handle|\(anonymous\)), which cannot be copied/,
        );
        assert.doesNotMatch(error.message, new RegExp(secretSource));
        return true;
      });
    });

    it("a result holding a symbol names where it sits", async () => {
      await using pool = new Pool({ processes: 1, backend });
      await assert.rejects(pool.apply(() => ({ ok: 1, tag: Symbol("t") })), {
        name: "TypeError",
        message: /back from the worker as the result\.tag is a symbol \(Symbol\(t\)\)/,
      });
      assert.equal(await pool.apply(() => 7), 7);
    });

    it("a Process argument that cannot be copied is named before it starts", () => {
      const p = new Process({ target: (_m: unknown) => {}, args: [[1, new WeakSet()]], backend });
      assert.throws(() => p.start(), {
        name: "TypeError",
        message: /as argument 0 .*: args\[0\]\[1\] is an instance of WeakSet/,
      });
    });
  });
});
