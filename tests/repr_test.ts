// What a Pool or a Process prints as: Python's representations, the same through String(),
// template strings and the runtime's own inspect.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { Pool, Process } from "../mod.ts";

describe("representations", () => {
  it("a Pool prints its state and size, as Python's does", async () => {
    const pool = new Pool(2);
    assert.equal(String(pool), "<Pool state=RUN pool_size=2>");
    assert.equal(inspect(pool), "<Pool state=RUN pool_size=2>");
    pool.close();
    assert.equal(`${pool}`, "<Pool state=CLOSE pool_size=2>");
    await pool.terminate();
    assert.equal(String(pool), "<Pool state=TERMINATE pool_size=2>");
  });

  it("a Process prints its name, pid and whether it started, stopped and how", async () => {
    const p = new Process({ target: () => {}, name: "worker-a", daemon: true });
    assert.equal(String(p), "<Process name='worker-a' initial daemon>");
    p.start();
    assert.match(
      String(p),
      /^<Process name='worker-a' pid=\d+ (started|stopped exitcode=0) daemon>$/,
    );
    await p.join();
    assert.match(inspect(p), /^<Process name='worker-a' pid=\d+ stopped exitcode=0 daemon>$/);
  });
});
