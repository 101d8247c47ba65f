// Handles and transfers: an object with [toDescriptor]() crosses into a worker as a descriptor
// and comes alive there as the same object (here: a counter over the same shared memory);
// transfer() moves a buffer instead of copying it; a value that cannot be cloned is reported
// by argument position.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  activeChildren,
  fromModule,
  type HandleDescriptor,
  Process,
  toDescriptor,
  transfer,
} from "../../mod.ts";
import { SharedCounter } from "../fixtures/counter_handle.ts";

const counters = fromModule<typeof import("../fixtures/counter_handle.ts")>(
  new URL("../fixtures/counter_handle.ts", import.meta.url),
);

async function stopLeftovers(): Promise<void> {
  for (const child of activeChildren()) {
    child.kill();
    await child.join();
  }
}

async function runToEnd<A extends unknown[]>(p: Process<A>): Promise<Process<A>> {
  p.start();
  await p.join();
  assert.equal(p.exitCode, 0, `process failed: ${String(p.error)}`);
  return p;
}

describe("handles", () => {
  after(stopLeftovers);

  it("a handle's descriptor names its module, type and state", () => {
    const counter = new SharedCounter();
    const { descriptor } = counter[toDescriptor]();
    const expected: HandleDescriptor = {
      module: new URL("../fixtures/counter_handle.ts", import.meta.url).href,
      type: "polycore.test.SharedCounter",
      state: counter.cells,
      sharesMemory: true,
    };
    assert.deepEqual(descriptor, expected);
  });

  it("a handle passed as a top-level argument arrives live: the worker changes the same memory", async () => {
    const counter = new SharedCounter();
    counter.add(5);
    await runToEnd(new Process({ target: counters.bump, args: [counter, 10] }));
    assert.equal(counter.value, 15);
  });

  it("a revived handle is an instance of its class, usable from a function task too", async () => {
    const counter = new SharedCounter();
    await runToEnd(
      new Process({
        target: (c: SharedCounter) => {
          c.add(2);
          c.add(3);
        },
        args: [counter],
      }),
    );
    assert.equal(counter.value, 5);
  });

  it("handles nested in arrays and objects arrive live, and the caller's arguments are not mutated", async () => {
    const a = new SharedCounter();
    const b = new SharedCounter();
    const c = new SharedCounter();
    const bag = { label: "bag", counters: [a, b], byName: { c } };
    const args: [typeof bag, number] = [bag, 7];
    await runToEnd(new Process({ target: counters.bumpAll, args }));
    assert.deepEqual([a.value, b.value, c.value], [7, 7, 7]);
    assert.equal(args[0], bag);
    assert.equal(bag.counters[0], a);
    assert.equal(bag.counters[1], b);
    assert.equal(bag.byName.c, c);
    assert.equal(bag.label, "bag");
  });

  it("the same handle passed twice is revived twice over the same memory", async () => {
    const counter = new SharedCounter();
    await runToEnd(
      new Process({
        target: (x: SharedCounter, y: SharedCounter) => {
          x.add(1);
          y.add(1);
        },
        args: [counter, counter],
      }),
    );
    assert.equal(counter.value, 2);
  });

  it("leaves no process running", () => {
    assert.deepEqual(activeChildren(), []);
  });
});

describe("transfer() and cloning arguments", () => {
  after(stopLeftovers);

  it("transfer(buffer) moves an ArrayBuffer: the sender's byteLength becomes 0 and the worker gets the bytes", async () => {
    const buffer = new Uint8Array([1, 2, 3, 250]).buffer;
    const seen = new Int32Array(new SharedArrayBuffer(8));
    const p = new Process({
      target: (received: ArrayBuffer, out: Int32Array) => {
        const bytes = new Uint8Array(received);
        out[0] = received.byteLength;
        out[1] = bytes.reduce((sum, byte) => sum + byte, 0);
      },
      args: [transfer(buffer), seen],
    });
    p.start();
    assert.equal(buffer.byteLength, 0);
    await p.join();
    assert.equal(p.exitCode, 0, String(p.error));
    assert.deepEqual([...seen], [4, 256]);
  });

  it("transfer(typedArray) moves the typed array's buffer", async () => {
    const pixels = new Uint16Array([100, 200, 300]);
    const seen = new Int32Array(new SharedArrayBuffer(4));
    const p = new Process({
      target: (received: Uint16Array, out: Int32Array) => {
        out[0] = received[0] + received[1] + received[2];
      },
      args: [transfer(pixels), seen],
    });
    p.start();
    assert.equal(pixels.buffer.byteLength, 0);
    assert.equal(pixels.length, 0);
    await p.join();
    assert.equal(p.exitCode, 0, String(p.error));
    assert.equal(seen[0], 600);
  });

  it("without transfer() a buffer is copied and stays usable in the sender", async () => {
    const buffer = new Uint8Array([9, 9]).buffer;
    const p = new Process({ target: (b: ArrayBuffer) => b.byteLength, args: [buffer] });
    await runToEnd(p);
    assert.equal(buffer.byteLength, 2);
  });

  it("transfer() of something that is not a buffer, view or port throws a TypeError", () => {
    assert.throws(() => transfer({} as ArrayBuffer), {
      name: "TypeError",
      message:
        "Cannot transfer value as it must be an ArrayBuffer, a typed array over one, or a MessagePort: received an object",
    });
  });

  it("a value that cannot be cloned among the arguments makes start() throw a TypeError naming the argument position", () => {
    const p = new Process({
      target: (a: number, b: unknown) => [a, b],
      args: [1, new WeakMap()],
    });
    assert.throws(() => p.start(), (error: unknown) => {
      assert.ok(error instanceof TypeError);
      assert.match(error.message, new RegExp(`^Cannot start process '${p.name}' as argument 1 `));
      assert.match(error.message, /cannot be cloned to a worker/);
      return true;
    });
    assert.equal(p.isAlive(), false);
    assert.ok(!activeChildren().includes(p as unknown as Process));
  });

  it("a function nested inside an object argument arrives as a function the worker can call", async () => {
    const p = new Process({
      target: (options: { check: (n: number) => boolean }) => {
        if (!options.check(2)) throw new Error("the function did not arrive");
      },
      args: [{ check: (n: number) => n === 2 }],
    });
    p.start();
    await p.join();
    assert.equal(p.exitCode, 0, String(p.error));
  });

  it("a bound function inside an argument is refused with a TypeError naming its place", () => {
    const p = new Process({
      target: (_a: number, options: { onDone: () => void }) => options,
      args: [1, { onDone: (() => {}).bind(null) }],
    });
    assert.throws(() => p.start(), {
      name: "TypeError",
      message: /'args\[1\]\.onDone' is a built-in or bound function/,
    });
  });

  it("leaves no process running", () => {
    assert.deepEqual(activeChildren(), []);
  });
});
