// Error fidelity across the worker boundary, observed through Process.error: every kind of
// thrown value arrives with the same class, name, message, cause chain and own properties on
// every runtime, with the worker's stack kept. Errors are thrown by module tasks from
// tests/fixtures/errors.ts, since custom error classes must live in a module both sides import.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  activeChildren,
  fromModule,
  Process,
  ProcessError,
  RemoteError,
  TimeoutError,
} from "../mod.ts";
import { type ErrorKind, UnregisteredError, ValidationError } from "./fixtures/errors.ts";

const errors = fromModule<typeof import("./fixtures/errors.ts")>(
  new URL("./fixtures/errors.ts", import.meta.url),
);

/** Runs `throwKind(kind)` in a process and returns what it threw, as the caller sees it. */
async function thrownBy(
  kind: ErrorKind,
): Promise<{ error: unknown; process: Process<[ErrorKind]> }> {
  const p = new Process({ target: errors.throwKind, args: [kind] });
  p.start();
  await p.join();
  assert.equal(p.exitCode, 1, `throwKind(${kind}) should end the process with exitCode 1`);
  return { error: p.error, process: p };
}

async function stopLeftovers(): Promise<void> {
  for (const child of activeChildren()) {
    child.kill();
    await child.join();
  }
}

describe("error fidelity through Process.error", () => {
  after(stopLeftovers);

  for (
    const [kind, ctor, message] of [
      ["Error", Error, "plain failure"],
      ["TypeError", TypeError, "wrong type"],
      ["RangeError", RangeError, "out of range"],
      ["SyntaxError", SyntaxError, "bad syntax"],
    ] as const
  ) {
    it(`a ${kind} arrives as a ${kind} with its name and message`, async () => {
      const { error } = await thrownBy(kind);
      assert.ok(error instanceof ctor, `expected a ${kind}, got ${String(error)}`);
      assert.equal(Object.getPrototypeOf(error), ctor.prototype);
      assert.equal(error.name, kind);
      assert.equal(error.message, message);
    });
  }

  it("an AggregateError arrives with its .errors rebuilt (errors, a registered class, a raw value)", async () => {
    const { error } = await thrownBy("AggregateError");
    assert.ok(error instanceof AggregateError);
    assert.equal(error.message, "several failures");
    assert.equal(error.errors.length, 3);
    const [first, second, third] = error.errors;
    assert.ok(first instanceof TypeError);
    assert.equal(first.message, "first");
    assert.ok(second instanceof ValidationError);
    assert.equal(second.field, "email");
    assert.equal(third, "third");
  });

  it("an Error cause arrives as the same class with its message", async () => {
    const { error } = await thrownBy("errorCause");
    assert.ok(error instanceof Error);
    assert.equal(error.message, "outer");
    assert.ok(error.cause instanceof TypeError);
    assert.equal(error.cause.message, "inner");
  });

  it("a non-Error cause arrives as the same value", async () => {
    const { error } = await thrownBy("valueCause");
    assert.ok(error instanceof Error);
    assert.deepEqual(error.cause, { code: 7, reason: "not an error" });
  });

  it("a cause chain three deep arrives link by link with classes and properties", async () => {
    const { error } = await thrownBy("causeChain");
    assert.ok(error instanceof Error);
    assert.equal(error.message, "top");
    const middle = error.cause;
    assert.ok(middle instanceof RangeError);
    assert.equal(middle.message, "middle");
    const bottom = middle.cause;
    assert.ok(bottom instanceof ValidationError);
    assert.equal(bottom.message, "bottom");
    assert.equal(bottom.field, "age");
    assert.equal("cause" in bottom, false);
  });

  it("own enumerable properties arrive: a code string and a details object", async () => {
    const { error } = await thrownBy("props");
    assert.ok(error instanceof Error);
    const withProps = error as Error & { code: unknown; details: unknown };
    assert.equal(withProps.code, "E_WIDGET");
    assert.deepEqual(withProps.details, { retry: false, at: [1, 2], when: new Date(0) });
  });

  it("a class registered with registerErrorClass arrives as that class (instanceof, name, fields)", async () => {
    const { error } = await thrownBy("registered");
    assert.ok(error instanceof ValidationError, `got ${String(error)}`);
    assert.ok(error instanceof Error);
    assert.equal(error.name, "ValidationError");
    assert.equal(error.message, "bad email");
    assert.equal(error.field, "email");
  });

  it("an unregistered class arrives as an Error with its name kept", async () => {
    const { error } = await thrownBy("unregistered");
    assert.ok(error instanceof Error);
    assert.ok(!(error instanceof UnregisteredError));
    assert.equal(error.name, "UnregisteredError");
    assert.equal(error.message, "not registered anywhere");
  });

  it('`throw "string"` arrives as the raw string', async () => {
    const { error } = await thrownBy("string");
    assert.equal(error, "a thrown string");
  });

  it("`throw 42` arrives as the raw number", async () => {
    const { error } = await thrownBy("number");
    assert.equal(error, 42);
  });

  it("polycore's own TimeoutError thrown in the worker arrives as a TimeoutError", async () => {
    const { error } = await thrownBy("timeout");
    assert.ok(error instanceof TimeoutError);
    assert.ok(TimeoutError.is(error));
    assert.ok(ProcessError.is(error));
    assert.equal(error.name, "TimeoutError");
    assert.equal(error.message, "too slow in the worker");
  });

  it("an error without a cause gets a RemoteError cause naming the task and process, with the worker stack", async () => {
    const { error, process } = await thrownBy("TypeError");
    assert.ok(error instanceof TypeError);
    const remote = error.cause;
    assert.ok(remote instanceof RemoteError);
    assert.ok(RemoteError.is(remote));
    assert.equal(remote.message, `Task 'throwKind' failed in process '${process.name}'`);
    assert.match(remote.remoteStack, /^TypeError: wrong type/);
    assert.match(remote.remoteStack, /explode|throwKind/);
    assert.match(remote.remoteStack, /fixtures[/\\]errors\.ts/);
    assert.match(remote.stack ?? "", /\[worker stack\]/);
  });

  it("an error with its own cause keeps that cause rather than a RemoteError", async () => {
    const { error } = await thrownBy("errorCause");
    assert.ok(!((error as Error).cause instanceof RemoteError));
  });

  it("the rebuilt stack is the worker's and mentions the throwing function", async () => {
    const p = new Process({ target: errors.failDeep });
    p.start();
    await p.join();
    assert.equal(p.exitCode, 1);
    const error = p.error;
    assert.ok(error instanceof Error);
    assert.equal(error.message, "deep failure");
    assert.match(error.stack ?? "", /innermostThrower/);
    // Not /failDeep/: Bun (JavaScriptCore) has proper tail calls and drops the caller's frame.
    assert.match(error.stack ?? "", /fixtures[/\\]errors\.ts/);
  });

  it("an error thrown by a function task keeps its class and the task's name in the RemoteError", async () => {
    const p = new Process({
      target: function parseRecord(text: string) {
        return JSON.parse(text);
      },
      args: ["{not json"],
    });
    p.start();
    await p.join();
    assert.equal(p.exitCode, 1);
    assert.ok(p.error instanceof SyntaxError);
    assert.ok(p.error.cause instanceof RemoteError);
    assert.match(p.error.cause.message, /^Task 'parseRecord' failed in process/);
  });

  it("leaves no process running", () => {
    assert.deepEqual(activeChildren(), []);
  });
});
