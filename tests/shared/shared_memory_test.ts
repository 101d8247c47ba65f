// SharedMemory and ShareableList (Python: multiprocessing.shared_memory): create, attach by
// name from any thread (workers started before and after the block), close, unlink, and
// handles that arrive as the same memory.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  Event,
  fromModule,
  Pool,
  ProcessError,
  ShareableList,
  SharedArray,
  SharedMemory,
} from "../../mod.ts";
import { joined, startWorker, stopLeftovers } from "../fixtures/sync_helpers.ts";
import { writeText } from "../fixtures/sync_tasks.ts";

const tasks = fromModule<typeof import("../fixtures/sync_tasks.ts")>(
  new URL("../fixtures/sync_tasks.ts", import.meta.url),
);

describe("SharedMemory", () => {
  after(stopLeftovers);

  it("new SharedMemory({ size }) has a psm_ name, the size, and a zeroed Uint8Array buf", () => {
    using shm = new SharedMemory({ size: 10 });
    assert.match(shm.name, /^psm_[0-9a-f]{8}$/);
    assert.equal(shm.size, 10);
    assert.ok(shm.buf instanceof Uint8Array);
    assert.equal(shm.buf.length, 10);
    assert.ok(shm.buf.every((b) => b === 0));
    assert.ok(shm.buf.buffer instanceof SharedArrayBuffer);
    shm.unlink();
  });

  it("a bad size or name is refused", () => {
    assert.throws(() => new SharedMemory({ size: 0 }), {
      name: "RangeError",
      message: "Cannot create shared memory as 'size' must be a positive integer: received 0",
    });
    assert.throws(() => new SharedMemory({ size: "1" as never }), TypeError);
    assert.throws(() => new SharedMemory({ size: 1, name: "" }), TypeError);
    assert.throws(() => new SharedMemory(undefined as never), TypeError);
  });

  it("an explicit name already made in this thread is refused (Python: FileExistsError)", () => {
    const first = new SharedMemory({ size: 4, name: "polycore_test_dup" });
    assert.throws(() => new SharedMemory({ size: 4, name: "polycore_test_dup" }), {
      name: "ProcessError",
      message:
        "Cannot create shared memory 'polycore_test_dup' as a block of that name exists in this thread",
    });
    first.close();
    first.unlink();
    new SharedMemory({ size: 4, name: "polycore_test_dup" }).unlink();
  });

  it("attach(name) in the same thread gives the same memory", async () => {
    const shm = new SharedMemory({ size: 8 });
    const again = await SharedMemory.attach(shm.name);
    again.buf[3] = 33;
    assert.equal(shm.buf[3], 33);
    assert.equal(again.size, 8);
    again.close();
    shm.close();
    shm.unlink();
  });

  it("a worker started before the block was made attaches to it by name", async () => {
    const name = new SharedArray("B", 64);
    const ready = new Event();
    const pool = new Pool(1);
    try {
      const bumped = pool.apply(tasks.bumpSharedMemoryByName, [name, ready]);
      const shm = new SharedMemory({ size: 1000 });
      shm.buf.fill(1);
      writeText(name, shm.name);
      ready.set();
      assert.equal(await bumped, 1000);
      assert.ok(shm.buf.every((b) => b === 2));
      shm.close();
      shm.unlink();
    } finally {
      await pool.terminate();
    }
  });

  it("a worker started after the block was made attaches to it by name", async () => {
    const shm = new SharedMemory({ size: 64 });
    const name = new SharedArray("B", 64);
    writeText(name, shm.name);
    const ready = new Event();
    ready.set();
    await joined(startWorker(tasks.bumpSharedMemoryByName, [name, ready]));
    assert.ok(shm.buf.every((b) => b === 1));
    shm.close();
    shm.unlink();
  });

  it("a SharedMemory passed to a Pool task is the same memory", async () => {
    const shm = new SharedMemory({ size: 16 });
    shm.buf.set([1, 2, 3, 4]);
    await using pool = new Pool(1);
    const sum = await pool.apply(tasks.sumBytes, [shm, 0, 16]);
    assert.equal(sum, 10);
    shm.close();
    shm.unlink();
  });

  it("close() ends this object's access; unlink() makes later attaches fail", async () => {
    const shm = new SharedMemory({ size: 4 });
    const other = await SharedMemory.attach(shm.name);
    shm.close();
    shm.close(); // closing twice is allowed, as in Python
    assert.throws(() => shm.buf, {
      name: "ProcessError",
      message: `Cannot use shared memory '${shm.name}' as it is closed`,
    });
    other.buf[0] = 5; // other objects keep their access
    shm.unlink();
    assert.throws(() => shm.unlink(), ProcessError);
    await assert.rejects(SharedMemory.attach(shm.name, { timeoutMs: 50 }), {
      name: "ProcessError",
      message: new RegExp(
        `^Cannot attach shared memory '${shm.name}' as no thread of this program holds it`,
      ),
    });
    assert.equal(other.buf[0], 5);
    other.close();
  });

  it("attach() of an unknown name rejects after timeoutMs", async () => {
    await assert.rejects(SharedMemory.attach("psm_nothere", { timeoutMs: 30 }), ProcessError);
    await assert.rejects(SharedMemory.attach("", {}), TypeError);
  });
});

describe("ShareableList", () => {
  after(stopLeftovers);

  it("holds numbers, bigints, booleans, strings, bytes and null (Python's doc example)", () => {
    const list = new ShareableList([
      "howdy",
      new Uint8Array([72, 73]),
      -273.154,
      100,
      null,
      true,
      42n,
    ]);
    assert.equal(list.length, 7);
    assert.deepEqual(list.toArray(), [
      "howdy",
      new Uint8Array([72, 73]),
      -273.154,
      100,
      null,
      true,
      42n,
    ]);
    list.set(2, -78.5);
    list.set(-1, "x");
    assert.equal(list.get(2), -78.5);
    assert.equal(list.get(6), "x");
    assert.equal(list.count(100), 1);
    assert.equal(list.index(null), 4);
    assert.throws(() => list.index("absent"), RangeError);
    list.shm.close();
    list.shm.unlink();
  });

  it("a string longer than its slot throws a RangeError (Python: ValueError)", () => {
    const list = new ShareableList(["ab"]);
    list.set(0, "12345678"); // the slot has 8 bytes
    assert.throws(() => list.set(0, "123456789"), {
      name: "RangeError",
      message:
        `Cannot set ShareableList item as 'value' must fit the slot's 8 bytes: received "9 bytes"`,
    });
    assert.throws(() => list.get(1), RangeError);
    assert.throws(() => new ShareableList([{} as never]), TypeError);
    list.shm.close();
    list.shm.unlink();
  });

  it("a worker attaches by name and edits the same list", async () => {
    const list = new ShareableList(["alpha", 1, "beta"]);
    await using pool = new Pool(1);
    await pool.apply(tasks.editShareableList, [list.shm.name, 99]);
    assert.deepEqual(list.toArray(), ["ALPHA", 99, "BETA"]);
    list.shm.close();
    list.shm.unlink();
  });

  it("a ShareableList passed to a worker arrives over the same memory", async () => {
    const list = new ShareableList([0, "z"]);
    await using pool = new Pool(1);
    await pool.apply((l: ShareableList) => l.set(0, l.length), [list]);
    assert.equal(list.get(0), 2);
    list.shm.close();
    list.shm.unlink();
  });
});
