// Chunks of numbers cross the boundary packed (lib/task/_packed.ts): what a user sees must not
// change — a plain number[] in input order, every value exact, mixed chunks and results intact,
// on both backends.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Pool } from "../../mod.ts";
import { onEachBackend } from "../fixtures/backends.ts";

const slow = { timeout: 60_000 };
const special = [0, -0, NaN, Infinity, -Infinity, 0.1, -1e308, 5e-324, 2 ** 53 + 2, -42];

onEachBackend((backend) => {
  describe(`Pool.map() over many numbers (${backend} backend)`, slow, () => {
    it("returns a plain number[] in input order, every value exact (-0 and NaN included)", async () => {
      await using pool = new Pool({ processes: 2, backend });
      const items = Array.from({ length: 1000 }, (_, i) => special[i % special.length] * (i + 1));
      const results = await pool.map((x: number) => x, items, { chunksize: 250 });
      assert.ok(Array.isArray(results));
      assert.equal(results.length, items.length);
      for (let i = 0; i < items.length; i++) {
        assert.ok(Object.is(results[i], items[i]), `item ${i}`);
      }
    });

    it("keeps a chunk whose results stop being numbers halfway", async () => {
      await using pool = new Pool({ processes: 1, backend });
      const items = Array.from({ length: 300 }, (_, i) => i);
      const results = await pool.map((x: number) => (x < 150 ? x * 2 : `s${x}`), items);
      assert.deepEqual(results, items.map((x) => (x < 150 ? x * 2 : `s${x}`)));
    });

    it("keeps a chunk of mostly numbers with other values among the items", async () => {
      await using pool = new Pool({ processes: 1, backend });
      const items: unknown[] = Array.from({ length: 200 }, (_, i) => i);
      items[77] = "seventy-seven";
      items[150] = 10n;
      const results = await pool.map((x: unknown) => typeof x, items, { chunksize: 200 });
      assert.equal(results[77], "string");
      assert.equal(results[150], "bigint");
      assert.equal(results.filter((t) => t === "number").length, 198);
    });

    it("awaits async results of a numeric chunk", async () => {
      await using pool = new Pool({ processes: 1, backend });
      const items = Array.from({ length: 100 }, (_, i) => i);
      const later = async (x: number) => await Promise.resolve(x + 1);
      assert.deepEqual(await pool.map(later, items), items.map((x) => x + 1));
    });

    it("imap() yields numbers one by one, in order", async () => {
      await using pool = new Pool({ processes: 2, backend });
      const seen: number[] = [];
      for await (
        const value of pool.imap(
          (x: number) => x * 3,
          Array.from({ length: 500 }, (_, i) => i),
          { chunksize: 100 },
        )
      ) {
        seen.push(value);
      }
      assert.deepEqual(seen, Array.from({ length: 500 }, (_, i) => i * 3));
    });

    it("names the failing item of a numeric chunk", async () => {
      await using pool = new Pool({ processes: 1, backend });
      const items = Array.from({ length: 200 }, (_, i) => i);
      await assert.rejects(
        pool.map((x: number) => {
          if (x === 123) throw new RangeError("bad 123");
          return x;
        }, items),
        (error: Error) => {
          assert.equal(error.name, "RangeError");
          assert.match(String((error.cause as Error | undefined)?.message ?? error.message), /123/);
          return true;
        },
      );
    });
  });
});
