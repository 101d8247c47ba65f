// Value, RawValue, SharedArray and RawArray (Python: multiprocessing.Value/Array and
// sharedctypes.RawValue/RawArray): typecodes, locks, indexes, and the seed's doubling of an
// Array('d') in a worker.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  Lock,
  Process,
  ProcessError,
  RawArray,
  RawValue,
  RLock,
  SharedArray,
  type Typecode,
  Value,
} from "../../mod.ts";
import { joined, startWorker, stopLeftovers } from "../fixtures/sync_helpers.ts";

const limits: Record<Exclude<Typecode, "q" | "Q" | "f" | "d">, [number, number]> = {
  b: [-128, 127],
  B: [0, 255],
  h: [-32768, 32767],
  H: [0, 65535],
  i: [-(2 ** 31), 2 ** 31 - 1],
  I: [0, 2 ** 32 - 1],
  l: [-(2 ** 31), 2 ** 31 - 1],
  L: [0, 2 ** 32 - 1],
};

describe("Value and RawValue", () => {
  after(stopLeftovers);

  it("integer typecodes hold numbers across their whole range, l/L as 32-bit", () => {
    for (const [code, [min, max]] of Object.entries(limits)) {
      const v = new Value(code as Typecode, min);
      assert.equal(v.value, min, code);
      v.value = max;
      assert.equal(v.value, max, code);
      assert.equal(v.typecode, code);
    }
    // Like ctypes, an out-of-range value wraps.
    const byte = new RawValue("B", 0);
    byte.value = 256 + 7;
    assert.equal(byte.value, 7);
  });

  it("q and Q hold bigints", () => {
    const q = new Value("q", -(2n ** 63n));
    assert.equal(q.value, -(2n ** 63n));
    const big = new RawValue("Q", 2n ** 64n - 1n);
    assert.equal(big.value, 2n ** 64n - 1n);
    assert.throws(() => new Value("q", 1 as never), {
      name: "TypeError",
      message: "Cannot create Value as typecode 'q' holds bigints: received 1",
    });
    assert.throws(() => {
      new RawValue("i", 0).value = 1n as never;
    }, {
      name: "TypeError",
      message: "Cannot set value as typecode 'i' holds numbers: received 1n",
    });
  });

  it("f and d hold floats (f rounded to 32 bits)", () => {
    assert.equal(new Value("d", 0.1).value, 0.1);
    assert.equal(new Value("f", 0.1).value, Math.fround(0.1));
    assert.equal(new RawValue("d").value, 0);
  });

  it("an unknown typecode throws a TypeError listing the valid ones", () => {
    assert.throws(() => new Value("x" as Typecode, 0), {
      name: "TypeError",
      message:
        `Cannot create Value as 'typecode' must be one of b B h H i I l L q Q f d: received "x"`,
    });
  });

  it("getLock() is an RLock by default, the given lock, or an error with { lock: false }", () => {
    assert.ok(new Value("i", 0).getLock() instanceof RLock);
    const lock = new Lock();
    assert.equal(new Value("i", 0, { lock }).getLock(), lock);
    assert.throws(() => new Value("i", 0, { lock: false }).getLock(), {
      name: "ProcessError",
      message: "Cannot get the lock of a Value created with { lock: false }",
    });
    assert.equal("getLock" in new RawValue("i", 0), false);
    assert.throws(() => new Value("i", 0, { lock: "yes" as never }), TypeError);
  });

  it("a Value arrives in a worker over the same memory, with the same lock", async () => {
    const v = new Value("i", 5);
    await v.getLock().acquire();
    const p = startWorker((value: Value<"i">) => {
      if (value.getLock().acquireSync({ timeoutMs: 0 })) throw new Error("lock was not shared");
      value.value = value.value * 10;
    }, [v]);
    await joined(p);
    v.getLock().release();
    assert.equal(v.value, 50);
  });
});

describe("SharedArray and RawArray", () => {
  after(stopLeftovers);

  it("length, get, set, toArray, view and iteration", () => {
    const arr = new SharedArray("i", [1, 2, 3]);
    assert.equal(arr.length, 3);
    assert.equal(arr.get(0), 1);
    arr.set(1, 20);
    assert.deepEqual(arr.toArray(), [1, 20, 3]);
    assert.deepEqual([...arr], [1, 20, 3]);
    assert.ok(arr.view instanceof Int32Array);
    assert.ok(arr.view.buffer instanceof SharedArrayBuffer);
    arr.view[2] = 30;
    assert.equal(arr.get(2), 30);
    assert.deepEqual(new RawArray("d", 3).toArray(), [0, 0, 0]);
    assert.deepEqual(new SharedArray("Q", [1n, 2n]).toArray(), [1n, 2n]);
  });

  it("negative indexes count from the end, as in Python", () => {
    const arr = new RawArray("h", [1, 2, 3]);
    assert.equal(arr.get(-1), 3);
    arr.set(-3, 9);
    assert.equal(arr.get(0), 9);
  });

  it("an index out of range throws a RangeError", () => {
    const arr = new SharedArray("d", [1, 2]);
    assert.throws(() => arr.get(2), {
      name: "RangeError",
      message: "Cannot get array element as 'index' must be an integer from -2 to 1: received 2",
    });
    assert.throws(() => arr.set(-3, 0), RangeError);
    assert.throws(() => arr.get(0.5), RangeError);
    assert.throws(() => new RawArray("i", 0).get(0), {
      name: "RangeError",
      message: "Cannot get array element as 'index' is out of range of an empty array: received 0",
    });
  });

  it("a bad size or element is refused", () => {
    assert.throws(() => new SharedArray("i", -1), RangeError);
    assert.throws(() => new SharedArray("i", [1, "2" as never]), {
      name: "TypeError",
      message: `Cannot create SharedArray as typecode 'i' holds numbers: received "2"`,
    });
    assert.throws(() => new RawArray("i", {} as never), TypeError);
  });

  it("getLock() follows the lock option; RawArray has none", () => {
    assert.ok(new SharedArray("i", 1).getLock() instanceof RLock);
    assert.throws(() => new SharedArray("i", 1, { lock: false }).getLock(), ProcessError);
    assert.equal("getLock" in new RawArray("i", 1), false);
  });

  it("a worker doubles an Array('d') in place (the seed's modify_array)", async () => {
    const arr = new SharedArray("d", [1.0, 2.0, 3.0, 4.0]);
    const p = new Process({
      target: (a: SharedArray<"d">) => {
        for (let i = 0; i < a.length; i++) a.set(i, a.get(i) * 2);
      },
      args: [arr],
    });
    p.start();
    await p.join();
    assert.equal(p.exitCode, 0, String(p.error));
    assert.deepEqual(arr.toArray(), [2.0, 4.0, 6.0, 8.0]);
  });

  it("a RawArray arrives in a worker as a RawArray over the same memory", async () => {
    const arr = new RawArray("b", [1, -1]);
    await joined(startWorker((a: RawArray<"b">) => {
      if (!(a instanceof Object) || "getLock" in a) throw new Error("not a RawArray");
      a.set(0, a.get(0) + a.get(1) - 5);
    }, [arr]));
    assert.deepEqual(arr.toArray(), [-5, -1]);
  });
});
