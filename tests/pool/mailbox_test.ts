// A pool thread and its parent pass the common small message (a call of a known task with plain
// arguments, a plain result) through a one-message box in shared memory (lib/pool/_mailbox.ts)
// instead of a port: what goes in must come out the same, and a message must never be left
// where its reader no longer looks.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { boxBytes, fitsBox, Mailbox } from "../../lib/pool/_mailbox.ts";
import { plainValues } from "../fixtures/plain_values.ts";

/** A reader's box and a writer's box over the same shared buffer. */
function pair(): { reader: Mailbox; writer: Mailbox } {
  const reader = new Mailbox();
  return { reader, writer: new Mailbox(reader.buffer) };
}

describe("a pool thread's message box", () => {
  it("plain values arrive as they were sent, cells before them too", () => {
    const values = [...plainValues];
    assert.ok(fitsBox(values, 3));
    const { reader, writer } = pair();
    reader.open();
    assert.ok(writer.claim());
    writer.write([7, -1, values.length], values);
    writer.seal();
    assert.ok(reader.full);
    assert.deepEqual([reader.cell(0), reader.cell(1), reader.cell(2)], [7, -1, values.length]);
    assert.deepEqual(reader.read(3, values.length), values);
  });

  it("refuses what is not a plain value, or does not fit", () => {
    for (const value of [{}, [1], 1n, Symbol("s"), () => 1, new Date(0), new Uint8Array(1)]) {
      assert.equal(fitsBox([1, value], 2), false, `${String(value)} must go by port`);
    }
    assert.equal(fitsBox(["x".repeat(boxBytes / 2)], 2), false, "a string past the box");
    assert.equal(fitsBox(["x".repeat(boxBytes / 2 - 32)], 2), true);
    assert.equal(fitsBox(new Array(boxBytes / 16).fill(1), 2), false, "too many values");
  });

  it("a writer gets the box only while its reader looks and the box is empty", () => {
    const { reader, writer } = pair();
    assert.equal(writer.claim(), false, "closed: nobody would read it");
    reader.open();
    assert.equal(writer.claim(), true);
    assert.equal(writer.claim(), false, "taken");
    writer.write([1], []);
    writer.seal();
    assert.equal(writer.claim(), false, "full");
    reader.read(1, 0);
    assert.equal(reader.full, false);
    assert.equal(writer.claim(), false, "a read closes the box");
    reader.open();
    assert.equal(writer.claim(), true, "open again");
  });

  it("a reader that stops looking while a message is being put in is told to take it", () => {
    const { reader, writer } = pair();
    reader.open();
    assert.equal(reader.close(), true, "nothing came: closed");
    assert.equal(writer.claim(), false);
    reader.open();
    assert.ok(writer.claim());
    assert.equal(reader.close(), false, "a message is on its way in");
    writer.write([42], ["late"]);
    writer.seal();
    assert.ok(reader.full);
    assert.deepEqual(reader.read(1, 1), ["late"]);
    assert.equal(reader.close(), true);
  });
});
