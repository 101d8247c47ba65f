/**
 * The playground server's command line, on Node (`npm start`, `node server/main.ts`), Deno
 * (`deno task serve`) and Bun (`bun run serve:bun`):
 *
 * ```
 * server/main.ts [--port N] [--host H] [--allow-code] [--max-in-flight N]
 *                [--job-timeout-ms N] [--max-workers N] [--quiet]
 * ```
 *
 * The port also comes from `PORT` (default 8787; 0 picks a free one), the host from `HOST`
 * (default 127.0.0.1). `--allow-code` accepts user-supplied code and binds to 127.0.0.1
 * whatever `--host` says. SIGINT/SIGTERM stop it gracefully: no new connections, running jobs
 * cancelled, pools terminated; then it exits 0.
 *
 * @module
 */
import process from "node:process";
import { parseArgs } from "node:util";
import { cpuCount, runtime } from "../mod.ts";
import { createApp, serve } from "./mod.ts";

const usage = `usage: server/main.ts [--port N] [--host H] [--allow-code] [--max-in-flight N]
                      [--job-timeout-ms N] [--max-workers N] [--quiet]`;

function fail(message: string): never {
  console.error(`polycore playground: ${message}\n${usage}`);
  process.exit(2);
}

function integer(name: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) {
    fail(`--${name} must be an integer ≥ ${min}: received '${text}'`);
  }
  return value;
}

let args;
try {
  args = parseArgs({
    args: process.argv.slice(2),
    options: {
      port: { type: "string" },
      host: { type: "string" },
      "allow-code": { type: "boolean", default: false },
      "max-in-flight": { type: "string" },
      "job-timeout-ms": { type: "string" },
      "max-workers": { type: "string" },
      quiet: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  }).values;
} catch (error) {
  fail((error as Error).message);
}
if (args.help) {
  console.log(usage);
  process.exit(0);
}

const port = integer("port", args.port ?? process.env.PORT, 0) ?? 8787;
if (port > 65535) fail(`--port must be at most 65535: received ${port}`);
const allowCode = args["allow-code"];
let hostname = args.host ?? process.env.HOST ?? "127.0.0.1";
if (allowCode && hostname !== "127.0.0.1") {
  console.error(`polycore playground: --allow-code binds to 127.0.0.1 (not ${hostname})`);
  hostname = "127.0.0.1";
}
const log = args.quiet ? undefined : (line: string) => console.log(line);
const jobTimeoutMs = integer("job-timeout-ms", args["job-timeout-ms"], 100);

const app = createApp({
  allowCode,
  ...(log ? { log } : {}),
  ...(args["max-in-flight"]
    ? { maxInFlight: integer("max-in-flight", args["max-in-flight"], 1) }
    : {}),
  ...(args["max-workers"] ? { maxWorkers: integer("max-workers", args["max-workers"], 1) } : {}),
  ...(jobTimeoutMs ? { jobTimeoutMs, maxJobTimeoutMs: Math.max(jobTimeoutMs, 120_000) } : {}),
});

const server = await serve(app, { port, hostname });
console.log(
  `polycore playground on ${runtime.name} ${runtime.version} (${cpuCount()} CPUs) listening on ${server.url}/` +
    (allowCode ? " — user code ALLOWED (--allow-code)" : ""),
);

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`polycore playground: ${signal}, shutting down`);
  const closed = server.close();
  await app.shutdown();
  await closed;
  console.log("polycore playground: stopped");
  process.exit(0);
}
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void stop(signal));
