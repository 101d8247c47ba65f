/**
 * The child-process side of `runtimes.ts`: reads a {@linkcode RunnerInput} as JSON on stdin,
 * runs each run in order (`execute.ts`), and prints one JSON line per event on stdout. A
 * failed run is reported and the next one goes on. Started as
 * `node|bun server/runner.ts` or `deno run -A server/runner.ts`.
 *
 * @module
 */
import process from "node:process";
import { executeRun } from "./execute.ts";
import type { RunnerInput, RunnerMessage } from "./runtimes.ts";

function send(message: RunnerMessage): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

async function readStdin(): Promise<string> {
  let text = "";
  process.stdin.setEncoding("utf8");
  for await (const chunk of process.stdin) text += chunk;
  return text;
}

const input = JSON.parse(await readStdin()) as RunnerInput;
for (const [index, spec] of input.runs.entries()) {
  try {
    const result = await executeRun(spec, {
      ...(input.taskTimeoutMs ? { taskTimeoutMs: input.taskTimeoutMs } : {}),
      onProgress: (done, total) => send({ type: "progress", run: index, done, total }),
    });
    send({ type: "result", run: index, result });
  } catch (error) {
    const { name, message } = error instanceof Error ? error : new Error(String(error));
    send({ type: "error", run: index, error: { name, message } });
  }
}
