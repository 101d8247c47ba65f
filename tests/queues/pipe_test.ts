// Pipe and Connection (Python: multiprocessing.Pipe, multiprocessing.connection.Connection):
// duplex and one-way pipes, the seed's sender/receiver between two workers, poll(), bytes,
// close() and end of file (EOFError once every handle of the other end is closed and nothing
// is left), messages larger than the buffer, bad arguments; fast-check: any sequence of items
// sent from a worker arrives whole and in order.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { Connection, EOFError, Pipe, Process, ProcessError } from "../../mod.ts";
import { joined, startWorker, stopLeftovers } from "../fixtures/sync_helpers.ts";

describe("Pipe", () => {
  after(stopLeftovers);

  it("Pipe() gives two ends that each send to and receive from the other", async () => {
    const [a, b] = Pipe<string>();
    assert.ok(a instanceof Connection);
    assert.deepEqual([a.readable, a.writable, b.readable, b.writable], [true, true, true, true]);
    a.send("to b");
    b.send("to a");
    assert.equal(await b.recv(), "to b");
    assert.equal(a.recvSync(), "to a");
  });

  it("Pipe(false): the first end only receives, the second only sends (Python's order)", async () => {
    const [reader, writer] = Pipe<number>(false);
    assert.deepEqual([reader.readable, reader.writable], [true, false]);
    assert.deepEqual([writer.readable, writer.writable], [false, true]);
    writer.send(1);
    assert.equal(await reader.recv(), 1);
    assert.throws(() => reader.send(2), {
      name: "ProcessError",
      message: "Cannot send on connection as it is the receive-only end of Pipe(false)",
    });
    await assert.rejects(writer.recv(), {
      name: "ProcessError",
      message: "Cannot receive on connection as it is the send-only end of Pipe(false)",
    });
  });

  it("the seed's sender and receiver (two workers): messages in order, then the reply", async () => {
    const [parentConn, childConn] = Pipe<string | number[]>();
    const sender = startWorker(async (conn: Connection<string | number[]>) => {
      conn.send("Hello from sender");
      conn.send([1, 2, 3]);
      const response = await conn.recv();
      if (response !== "Thanks!") throw new Error(`Sender received: ${response}`);
      conn.close();
    }, [parentConn]);
    const receiver = startWorker((conn: Connection<string | number[]>) => {
      const msg = conn.recvSync();
      if (msg !== "Hello from sender") throw new Error(`Receiver got: ${msg}`);
      const data = conn.recvSync();
      if (JSON.stringify(data) !== "[1,2,3]") throw new Error(`Receiver got: ${data}`);
      conn.send("Thanks!");
      conn.close();
    }, [childConn]);
    await joined(sender);
    await joined(receiver);
  });

  it("concurrent recv() calls on one thread each get their own item, in order", async () => {
    const [a, b] = Pipe<string>();
    a.send("m1");
    a.send("m2");
    const pending = [b.recv(), b.recv(), b.recv()];
    a.send("m3");
    assert.deepEqual(await Promise.all(pending), ["m1", "m2", "m3"]);
    a.sendBytes(new Uint8Array([1]));
    a.sendBytes(new Uint8Array([2]));
    assert.deepEqual(await Promise.all([b.recvBytes(), b.recvBytes()]), [
      new Uint8Array([1]),
      new Uint8Array([2]),
    ]);
  });

  it("poll() answers at once without an argument, waits with one, and is true at end of file", async () => {
    const [a, b] = Pipe<string>();
    assert.equal(await a.poll(), false);
    const t0 = performance.now();
    assert.equal(await a.poll(50), false);
    assert.ok(performance.now() - t0 >= 45, `returned after ${performance.now() - t0} ms`);
    assert.equal(a.pollSync(5), false);
    const p = startWorker((conn: Connection<string>) => {
      conn.send("later");
      conn.close();
    }, [b]);
    assert.equal(await a.poll(10_000), true);
    assert.equal(await a.poll(), true, "poll() does not take the item");
    assert.equal(await a.recv(), "later");
    await joined(p);
    b.close();
    assert.equal(await a.poll(), true, "recv() would not wait: it would throw EOFError");
    await assert.rejects(a.recv(), EOFError);
  });

  it("recv() throws EOFError once the other end is closed and the items sent are taken", async () => {
    const [a, b] = Pipe<number>();
    b.send(1);
    b.send(2);
    b.close();
    assert.equal(b.closed, true);
    assert.equal(await a.recv(), 1);
    assert.equal(a.recvSync(), 2);
    await assert.rejects(a.recv(), {
      name: "EOFError",
      message:
        "Cannot receive on connection as every handle of the other end is closed and nothing is left to receive",
    });
    assert.throws(() => a.recvSync(), EOFError);
    assert.throws(() => a.send(3), {
      name: "ProcessError",
      message:
        "Cannot send on connection as every handle of the other end is closed (Python: BrokenPipeError)",
    });
  });

  it("a pending recv() rejects with EOFError when a worker closes the last handle of the other end", async () => {
    const [a, b] = Pipe<number>();
    const pending = assert.rejects(a.recv(), EOFError);
    const p = startWorker((conn: Connection<number>) => conn.close(), [b]);
    b.close(); // The worker's handle is still open.
    await joined(p);
    await pending;
  });

  it("closing the parent's handle of the child's end does not close the worker's handle", async () => {
    const [parentConn, childConn] = Pipe<string>();
    const p = startWorker(async (conn: Connection<string>) => {
      conn.send(`echo: ${await conn.recv()}`);
      conn.close();
    }, [childConn]);
    childConn.close(); // As in Python, after p.start()
    parentConn.send("hi");
    assert.equal(await parentConn.recv(), "echo: hi");
    await joined(p);
    await assert.rejects(parentConn.recv(), EOFError, "every handle of the child's end is closed");
  });

  it("a closed handle refuses every call with ProcessError; close() twice is fine", async () => {
    const [a] = Pipe<number>();
    a.close();
    a.close();
    assert.equal(a.closed, true);
    assert.throws(() => a.send(1), {
      name: "ProcessError",
      message: "Cannot send on connection as it is closed",
    });
    await assert.rejects(a.recv(), ProcessError);
    await assert.rejects(a.poll(), ProcessError);
    assert.throws(() => startWorker((c: Connection<number>) => c, [a]), {
      name: "ProcessError",
      message: "Cannot send connection to a worker as it is closed",
    });
  });

  it("using closes the handle at the end of the block (Python: with conn:)", async () => {
    const [a, b] = Pipe<number>();
    {
      using conn = b;
      conn.send(7);
    }
    assert.equal(b.closed, true);
    assert.equal(await a.recv(), 7);
    await assert.rejects(a.recv(), EOFError);
  });

  it("sendBytes() sends a slice of bytes; recvBytes() returns them; recv() returns a Uint8Array", async () => {
    const [a, b] = Pipe<unknown>();
    const data = new Uint16Array([0x0102, 0x0304, 0x0506]);
    a.sendBytes(data);
    a.sendBytes(new Uint8Array([9, 8, 7, 6, 5]), 1, 3);
    a.sendBytes(new Uint8Array([1, 2]).buffer, 1);
    a.send({ not: "bytes" });
    a.sendBytes(new Uint8Array(0));
    assert.deepEqual(await b.recvBytes(), new Uint8Array(data.buffer));
    assert.deepEqual(b.recvBytesSync(), new Uint8Array([8, 7, 6]));
    assert.deepEqual(await b.recv(), new Uint8Array([2]));
    const encoded = await b.recvBytes();
    assert.ok(encoded.length > 0, "a message sent with send() comes back as its encoded bytes");
    assert.deepEqual(await b.recvBytes(), new Uint8Array(0));
  });

  it("a message larger than the buffer passes in pieces between a worker and the main thread", async () => {
    const [a, b] = Pipe<Float64Array | number>(true, { maxBytes: 256 });
    const big = Float64Array.from({ length: 100_000 }, (_, i) => i / 3);
    const p = startWorker((conn: Connection<Float64Array | number>) => {
      const got = conn.recvSync() as Float64Array;
      let sum = 0;
      for (const x of got) sum += x;
      conn.send(sum);
      conn.send(got);
    }, [b]);
    a.send(big);
    assert.equal(await a.recv(), big.reduce((s, x) => s + x, 0));
    assert.deepEqual(await a.recv(), big);
    await joined(p);
  });

  it("1,000 round trips between the main thread and a worker keep their order", async () => {
    const [a, b] = Pipe<number>();
    const p = startWorker((conn: Connection<number>) => {
      for (;;) {
        const n = conn.recvSync();
        if (n < 0) break;
        conn.send(n + 1);
      }
    }, [b]);
    for (let i = 0; i < 1000; i++) {
      a.send(i * 2);
      assert.equal(await a.recv(), i * 2 + 1);
    }
    a.send(-1);
    await joined(p);
  });

  it("property: items sent by a worker arrive whole and in order", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.string(), fc.integer(), fc.array(fc.double()), fc.bigInt())),
        fc.constantFrom(64, 1024, 1 << 20),
        async (items, maxBytes) => {
          const [a, b] = Pipe<unknown>(false, { maxBytes });
          const p = startWorker((conn: Connection<unknown>, items: unknown[]) => {
            for (const item of items) conn.send(item);
            conn.close();
          }, [b, items]);
          b.close();
          const got: unknown[] = [];
          for (;;) {
            try {
              got.push(await a.recv());
            } catch (error) {
              if (!(error instanceof EOFError)) throw error;
              break;
            }
          }
          assert.deepEqual(got, items);
          await joined(p);
        },
      ),
      { numRuns: 15 },
    );
  });

  it("bad arguments throw TypeError or RangeError naming the argument", async () => {
    assert.throws(() => Pipe(1 as unknown as boolean), {
      name: "TypeError",
      message: "Cannot create pipe as 'duplex' must be a boolean: received 1",
    });
    assert.throws(() => Pipe(true, { maxBytes: 2 ** 31 }), RangeError);
    assert.throws(() => new Connection(), {
      name: "TypeError",
      message: "Cannot create connection as connections come in pairs: call Pipe()",
    });
    const [a] = Pipe();
    assert.throws(() => a.sendBytes(new Uint8Array(4), 5), {
      name: "RangeError",
      message: "Cannot send bytes as 'offset' must be an integer from 0 to 4: received 5",
    });
    assert.throws(() => a.sendBytes(new Uint8Array(4), 1, 4), {
      name: "RangeError",
      message: "Cannot send bytes as 'size' must be an integer from 0 to 3: received 4",
    });
    assert.throws(() => a.sendBytes("text" as unknown as Uint8Array), TypeError);
    await assert.rejects(a.poll(-1), {
      name: "RangeError",
      message: "Cannot poll connection as 'timeoutMs' must be >= 0: received -1",
    });
    assert.throws(() => a.send(Symbol("s")), {
      name: "TypeError",
      message: "Cannot send item on connection as it is Symbol(s), which cannot be serialized",
    });
  });
});

describe("Pipe ends in a Process worker", () => {
  it("are closed when the target ends, so the parent sees EOFError (Python: process exit)", {
    timeout: 30_000,
  }, async () => {
    const [parentEnd, childEnd] = Pipe();
    const p = new Process({
      target: (conn: { send(x: unknown): void }) => conn.send("last words"),
      args: [childEnd],
    });
    p.start();
    childEnd.close(); // the parent's copy of the child's end
    assert.equal(await parentEnd.recv(), "last words");
    await assert.rejects(parentEnd.recv(), (error) => EOFError.is(error));
    await p.join();
    assert.equal(p.exitCode, 0);
  });
});
