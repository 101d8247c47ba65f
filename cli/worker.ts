/**
 * `polycore worker --servers nats://host:4222 [--pool NAME] [--processes N]
 * [--backend thread|process] [--quiet]`: joins a NATS pool as a worker host
 * (see `serveWorkers`) until SIGTERM or SIGINT, which drain it: the tasks it
 * runs finish and are answered, the rest go back to the queue, then it exits 0.
 *
 * @module
 */
import process from "node:process";
import { serveWorkers } from "../lib/nats/serve_workers.ts";
import type { Backend } from "../lib/context.ts";
import { UsageError } from "./_usage.ts";

interface WorkerArgs {
  servers: string[];
  pool?: string;
  processes?: number;
  backend?: Backend;
  quiet: boolean;
}

function parseWorkerArgs(args: readonly string[]): WorkerArgs {
  const parsed: WorkerArgs = { servers: [], quiet: false };
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].includes("=")
      ? [args[i].slice(0, args[i].indexOf("=")), args[i].slice(args[i].indexOf("=") + 1)]
      : [args[i], undefined];
    const value = (): string => {
      const v = inline ?? args[++i];
      if (v === undefined) throw new UsageError(`Cannot run worker as ${flag} expects a value`);
      return v;
    };
    switch (flag) {
      case "--servers":
        parsed.servers.push(...value().split(",").filter(Boolean));
        break;
      case "--pool":
        parsed.pool = value();
        break;
      case "--processes": {
        const text = value();
        const n = Number(text);
        if (!Number.isInteger(n) || n < 1) {
          throw new UsageError(
            `Cannot run worker as --processes must be a positive integer: received '${text}'`,
          );
        }
        parsed.processes = n;
        break;
      }
      case "--backend": {
        const text = value();
        if (text !== "thread" && text !== "process") {
          throw new UsageError(
            `Cannot run worker as --backend must be thread or process: received '${text}'`,
          );
        }
        parsed.backend = text;
        break;
      }
      case "--quiet":
        parsed.quiet = true;
        break;
      default:
        throw new UsageError(`Cannot run worker as '${flag}' is not an option of worker`);
    }
  }
  if (parsed.servers.length === 0) {
    throw new UsageError(
      "Cannot run worker as --servers is required: e.g. --servers nats://127.0.0.1:4222",
    );
  }
  return parsed;
}

/** Runs `polycore worker …`; resolves to the exit code once drained. */
export async function worker(args: readonly string[]): Promise<number> {
  const options = parseWorkerArgs(args);
  const log = (line: string) => {
    if (!options.quiet) console.log(`polycore worker: ${line}`);
  };
  const host = await serveWorkers({
    servers: options.servers,
    ...(options.pool !== undefined ? { pool: options.pool } : {}),
    ...(options.processes !== undefined ? { processes: options.processes } : {}),
    ...(options.backend !== undefined ? { backend: options.backend } : {}),
  });
  log(
    `serving pool '${host.pool}' from ${options.servers.join(",")} with ${host.processes} ` +
      `${options.backend ?? "thread"} workers (pid ${process.pid})`,
  );
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      log(`${signal}: draining`);
      void host.drain();
    });
  }
  await host.closed;
  const { completed, failed, dropped, returned } = host.stats();
  log(`stopped: ${completed} answered, ${failed} failed, ${dropped} dropped, ${returned} returned`);
  return 0;
}
