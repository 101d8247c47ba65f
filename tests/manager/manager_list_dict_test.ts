// The Manager's list and dict proxies with the rest of Python's ListProxy/DictProxy methods
// (issue 18, item 6), each done atomically on the server; items compare by value, as Python's
// `==` does, because they arrive as copies; and a Python-like repr.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Manager } from "../../mod.ts";
import { onEachBackend } from "../fixtures/backends.ts";

onEachBackend((backend) => {
  describe(`Manager list and dict methods (${backend} backend)`, () => {
    it("reverse, sort (with reverse), setSlice and deleteSlice change the list on the server", async () => {
      await using manager = await Manager.start({ backend });
      const list = await manager.list([3, 1, 2]);
      await list.sort();
      assert.deepEqual(await list.toArray(), [1, 2, 3]);
      await list.sort({ reverse: true });
      assert.deepEqual(await list.toArray(), [3, 2, 1]);
      await list.reverse();
      assert.deepEqual(await list.toArray(), [1, 2, 3]);
      await list.setSlice(1, 2, [20, 21, 22]); // l[1:2] = [20, 21, 22]
      assert.deepEqual(await list.toArray(), [1, 20, 21, 22, 3]);
      await list.deleteSlice(-2); // del l[-2:]
      assert.deepEqual(await list.toArray(), [1, 20, 21]);
      const words = await manager.list(["pear", "Apple", "fig"]);
      await words.sort();
      assert.deepEqual(await words.toArray(), ["Apple", "fig", "pear"]);
    });

    it("sorting a mixed list throws a TypeError and leaves it as it was", async () => {
      await using manager = await Manager.start({ backend });
      const list = await manager.list<unknown>([2, "a", 1]);
      await assert.rejects(list.sort(), {
        name: "TypeError",
        message: /'<' is not supported between string and number|between number and string/,
      });
      assert.deepEqual(await list.toArray(), [2, "a", 1]);
    });

    it("remove, index, count and includes compare items by value", async () => {
      await using manager = await Manager.start({ backend });
      const list = await manager.list<unknown>([[1, 2], { a: 1 }, [1, 2], "x"]);
      assert.equal(await list.count([1, 2]), 2);
      assert.equal(await list.index({ a: 1 }), 1);
      assert.equal(await list.includes("x"), true);
      assert.equal(await list.includes([9]), false);
      await list.remove([1, 2]);
      assert.deepEqual(await list.toArray(), [{ a: 1 }, [1, 2], "x"]);
      await assert.rejects(list.remove([7]), { name: "RangeError" });
    });

    it("dict popItem removes the last entry; toMap keeps non-string keys", async () => {
      await using manager = await Manager.start({ backend });
      const dict = await manager.dict<number, string>(new Map([[1, "one"], [2, "two"]]));
      assert.deepEqual(await dict.popItem(), [2, "two"]);
      assert.deepEqual(await dict.toMap(), new Map([[1, "one"]]));
      assert.deepEqual(await dict.toObject(), { "1": "one" });
      await dict.popItem();
      await assert.rejects(dict.popItem(), /the dictionary is empty/);
    });

    it("prints like Python's proxies", async () => {
      await using manager = await Manager.start({ backend });
      const dict = await manager.dict();
      const list = await manager.list();
      assert.match(String(dict), /^<DictProxy object, typeid 'dict' ref=\d+>$/);
      assert.match(`${list}`, /^<ListProxy object, typeid 'list' ref=\d+>$/);
    });
  });
});
