/**
 * User-supplied code (`workload: "code"`), off unless the operator starts the server with
 * `--allow-code`. The source is the body of an async function of `input`; it is compiled with
 * the `AsyncFunction` constructor, which only parses it (nothing runs in the server), and the
 * resulting function is a polycore function task: shipped to workers as source and run there,
 * once per input (`pool.imap`). Code jobs always run in a child runtime process (see
 * `run_on.ts`), on a pool with `maxHeapMb` (enforced where the runtime can: processes on Node
 * and Deno, threads on Node) and the job's timeout (the worker is terminated).
 *
 * @module
 */
import { z } from "@hono/zod-openapi";

/** The workload name of user code. */
export const codeWorkload = "code";

/** Largest accepted source, in characters. */
export const maxSourceLength = 20_000;
/** Most inputs per job. */
export const maxInputs = 10_000;
/** Largest result, as JSON characters. */
export const maxResultLength = 1_000_000;

/** Deepest nesting of arrays and objects accepted in `inputs` (JSON.stringify recurses). */
export const maxInputDepth = 64;

/** How deeply `value` nests arrays and objects, counted without recursion; stops past `limit`. */
function nestingDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (typeof item !== "object" || item === null) continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > limit) return deepest;
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** Parameters of a code job. */
export const codeParams = z.strictObject({
  source: z.string().min(1).max(maxSourceLength).describe(
    "Body of `async function (input) { … }`: return the result for one input",
  ).openapi({ example: "let s = 0;\nfor (let i = 0; i < input; i++) s += i;\nreturn s;" }),
  inputs: z.array(z.unknown()).min(1).max(maxInputs).refine(
    (inputs) => nestingDepth(inputs, maxInputDepth + 1) <= maxInputDepth + 1,
    { message: `inputs may nest arrays and objects at most ${maxInputDepth} levels deep` },
  ).describe(
    "JSON values; the function runs once per input, in parallel across workers",
  ).openapi({ example: [1_000_000, 2_000_000, 3_000_000] }),
});

/** Validated parameters of a code job. */
export type CodeParams = z.infer<typeof codeParams>;

type CodeTask = (input: unknown) => Promise<unknown>;
const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor as new (
  ...args: string[]
) => CodeTask;

/**
 * Compiles `source` into a task without running any of it. Throws the `SyntaxError` of
 * invalid code.
 */
export function compileCode(source: string): CodeTask {
  return new AsyncFunction("input", source);
}

/** The syntax error in `source`, or `undefined` when it parses. */
export function syntaxError(source: string): string | undefined {
  try {
    compileCode(source);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
