// The task boundary: function tasks shipped as source, and module tasks from fromModule().
// A Process does not return its target's value, so results come back through shared memory
// (an Int32Array over a SharedArrayBuffer passed as an argument).
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { activeChildren, fromModule, Process, RemoteError, type Task } from "../../mod.ts";

const tasksUrl = new URL("../fixtures/tasks.ts", import.meta.url);
const tasks = fromModule<typeof import("../fixtures/tasks.ts")>(tasksUrl);

function cells(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4));
}

async function run<A extends unknown[]>(target: Task<A>, args: A): Promise<Process<A>> {
  const p = new Process<A>({ target, args });
  p.start();
  await p.join();
  return p;
}

async function stopLeftovers(): Promise<void> {
  for (const child of activeChildren()) {
    child.kill();
    await child.join();
  }
}

describe("function tasks", () => {
  after(stopLeftovers);

  it("an arrow function runs in the worker with its arguments", async () => {
    const out = cells();
    const p = await run((o: Int32Array, a: number, b: number) => {
      o[0] = a * b;
    }, [out, 6, 7]);
    assert.equal(p.exitCode, 0);
    assert.equal(out[0], 42);
  });

  it("a function declaration runs in the worker and may call its own inner functions", async () => {
    function sumOfSquares(o: Int32Array, n: number): void {
      function square(x: number): number {
        return x * x;
      }
      let total = 0;
      for (let i = 1; i <= n; i++) total += square(i);
      o[0] = total;
    }
    const out = cells();
    const p = await run(sumOfSquares, [out, 10]);
    assert.equal(p.exitCode, 0);
    assert.equal(out[0], 385);
  });

  it("an async function runs in the worker and the process ends after it settles", async () => {
    const out = cells();
    const p = await run(async (o: Int32Array) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      o[0] = 1;
    }, [out]);
    assert.equal(p.exitCode, 0);
    assert.equal(out[0], 1);
  });

  it("a task may use globals such as Math, JSON and structured data in its arguments", async () => {
    const out = cells();
    const p = await run((o: Int32Array, m: Map<string, number[]>) => {
      o[0] = Math.max(...(m.get("xs") ?? [])) + JSON.parse("1");
    }, [out, new Map([["xs", [3, 9, 4]]])]);
    assert.equal(p.exitCode, 0);
    assert.equal(out[0], 10);
  });

  it("method shorthand is rejected at construction with a TypeError saying why", () => {
    const method = ({
      m(x: number) {
        return x;
      },
    }).m;
    assert.throws(() => new Process({ target: method, args: [1] }), (error: unknown) => {
      assert.ok(error instanceof TypeError);
      assert.match(error.message, /^Cannot create process as 'target' is a method/);
      assert.match(error.message, /cannot be rebuilt from its source/);
      assert.match(error.message, /arrow function|fromModule/);
      return true;
    });
  });

  it("a class method is rejected at construction with a TypeError saying why", () => {
    class Resizer {
      resize(x: number): number {
        return x / 2;
      }
    }
    assert.throws(() => new Process({ target: new Resizer().resize, args: [4] }), {
      name: "TypeError",
      message: /'target' is a method .*received method resize/,
    });
  });

  it("a class is rejected at construction with a TypeError saying it is a class", () => {
    class Job {}
    assert.throws(() => new Process({ target: Job as unknown as () => void }), {
      name: "TypeError",
      message: "Cannot create process as 'target' is a class, not a function: received class Job",
    });
  });

  it("a bound function is rejected at construction with a TypeError saying it has no source", () => {
    const bound = function (this: { k: number }, x: number) {
      return x * this.k;
    }.bind({ k: 2 });
    assert.throws(() => new Process({ target: bound, args: [1] }), {
      name: "TypeError",
      message: /'target' is a built-in or bound function, which has no source to ship/,
    });
  });

  it("a built-in function is rejected at construction with a TypeError", () => {
    assert.throws(() => new Process({ target: Math.sqrt, args: [4] }), {
      name: "TypeError",
      message: /'target' is a built-in or bound function.*received function sqrt/,
    });
  });

  it("a free variable fails as a ReferenceError naming it and suggesting an argument or fromModule", async () => {
    // An object, not a literal: Bun's transpiler inlines `const factor = 3` into the function.
    const settings = { factor: 3 };
    const p = await run((x: number) => x * settings.factor, [2]);
    assert.equal(p.exitCode, 1);
    const error = p.error;
    assert.ok(error instanceof ReferenceError, `got ${String(error)}`);
    assert.match(error.message, /'settings' is not defined in the worker/);
    assert.match(error.message, /Pass 'settings' as an argument/);
    assert.match(error.message, /fromModule\(\)/);
  });

  it("a ReferenceError for a variable the task does not mention is left as it is", async () => {
    const p = await run(() => {
      // The missing name is built at run time, so the task's source does not contain it.
      return new Function(`return ${["never", "Declared"].join("")}`)();
    }, []);
    assert.equal(p.exitCode, 1);
    assert.ok(p.error instanceof ReferenceError);
    assert.doesNotMatch(p.error.message, /is not defined in the worker/);
  });

  it("leaves no process running", () => {
    assert.deepEqual(activeChildren(), []);
  });
});

describe("module tasks", () => {
  after(stopLeftovers);

  it("a .ts module task runs in the worker and may use its module's imports and state", async () => {
    const out = cells();
    const p = await run(tasks.tripleInto, [5, out]);
    assert.equal(p.exitCode, 0, String(p.error));
    assert.equal(out[0], 115); // triple(5) from task_helpers.ts + the module's offset 100
  });

  it("an async module task runs to completion", async () => {
    const out = cells();
    const p = await run(tasks.squareLater, [9, out]);
    assert.equal(p.exitCode, 0, String(p.error));
    assert.equal(out[0], 81);
  });

  it("fromModule() accepts the module URL as an absolute string", async () => {
    const byString = fromModule<typeof import("../fixtures/tasks.ts")>(tasksUrl.href);
    const out = cells();
    const p = await run(byString.tripleInto, [1, out]);
    assert.equal(p.exitCode, 0, String(p.error));
    assert.equal(out[0], 103);
  });

  it("a task reference is named after its export and is the same object each time", () => {
    assert.equal(tasks.tripleInto.name, "tripleInto");
    assert.equal(tasks.tripleInto, tasks.tripleInto);
  });

  it("a fromModule() namespace is not thenable, so it can be returned from async code", async () => {
    const namespace = await Promise.resolve(tasks);
    assert.equal(namespace, tasks);
  });

  it("a module task whose export does not exist ends the process with a TypeError naming it", async () => {
    const missing = fromModule<{ noSuchExport(): void }>(tasksUrl).noSuchExport;
    const p = await run(missing, []);
    assert.equal(p.exitCode, 1);
    assert.ok(p.error instanceof TypeError);
    assert.equal(
      p.error.message,
      `Cannot run module task 'noSuchExport' as ${tasksUrl.href} does not export a function by that name: found undefined`,
    );
    assert.ok(p.error.cause instanceof RemoteError);
  });

  it("a module task naming an export that is not a function fails saying what it found", async () => {
    const notFn = fromModule<{ notAFunction(): void }>(tasksUrl).notAFunction;
    const p = await run(notFn, []);
    assert.equal(p.exitCode, 1);
    assert.match(
      (p.error as Error).message,
      /does not export a function by that name: found number/,
    );
  });

  it("a module that throws while loading ends the process with exitCode 1 and that error", async () => {
    const broken = fromModule<typeof import("../fixtures/broken_module.ts")>(
      new URL("../fixtures/broken_module.ts", import.meta.url),
    );
    const p = await run(broken.neverRuns, []);
    assert.equal(p.exitCode, 1);
    assert.ok(p.error instanceof Error);
    assert.equal(p.error.message, "broken_module.ts fails at import on purpose");
  });

  it("a module that does not exist ends the process with exitCode 1 and an error naming it", async () => {
    const gone = fromModule<{ run(): void }>(
      new URL("../fixtures/no_such_module.ts", import.meta.url),
    );
    const p = await run(gone.run, []);
    assert.equal(p.exitCode, 1);
    assert.ok(p.error instanceof Error);
    assert.match(p.error.message, /no_such_module\.ts/);
  });

  it("calling a module task directly throws a TypeError saying to pass it to a worker", () => {
    const out = cells();
    assert.throws(() => tasks.tripleInto(1, out), {
      name: "TypeError",
      message:
        "Cannot call module task 'tripleInto' directly: pass it to a Process, Pool or executor, which runs it in a worker",
    });
  });

  it("fromModule() with a relative string throws a TypeError asking for an absolute URL", () => {
    assert.throws(() => fromModule("../fixtures/tasks.ts"), {
      name: "TypeError",
      message:
        `Cannot load task module as 'url' must be an absolute URL such as new URL("./tasks.ts", import.meta.url): received "../fixtures/tasks.ts"`,
    });
  });

  it("fromModule() with something other than a URL or string throws a TypeError", () => {
    assert.throws(() => fromModule(42 as unknown as string), {
      name: "TypeError",
      message: "Cannot load task module as 'url' must be a URL or a string: received 42",
    });
  });

  it("leaves no process running", () => {
    assert.deepEqual(activeChildren(), []);
  });
});
