#!/usr/bin/env node
// Finds the nats-server binary the NATS backend's tests and benchmark start, and fetches it
// when it is missing. No npm package ships it (those that try download it at install time);
// the Debian package `nats-server` is reachable, so it is unpacked, without root, into
// `.cache/nats-server/` of the repository: `apt-get download nats-server`, then `dpkg-deb -x`.
//
// Looks in this order: $NATS_SERVER_BIN, `nats-server` on PATH, the cache folder.
//
// Usage:
//   node scripts/get_nats_server.mjs           prints the binary's path, fetching it if needed
//   node scripts/get_nats_server.mjs --check   prints the path or exits 1 (fetches nothing)
//   node scripts/get_nats_server.mjs --optional
//                                              as the first, but a failed fetch only warns
//                                              (exit 0) unless CI=true: npm test's pretest step
//
// Exits 1 with a message saying how to get it when it cannot be found or fetched.

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const CACHE = join(ROOT, ".cache", "nats-server");
const CACHED_BIN = join(CACHE, "usr", "sbin", "nats-server");
const HOW_TO =
  "Get it with `node scripts/get_nats_server.mjs` (Debian: apt-get download nats-server), " +
  "`apt-get install nats-server`, or point NATS_SERVER_BIN at a nats-server 2.9+ binary.";

function runs(bin) {
  const result = spawnSync(bin, ["--version"], { encoding: "utf8", timeout: 10_000 });
  return !result.error && result.status === 0;
}

/** The first nats-server that runs, or undefined. */
export function findNatsServer() {
  const fromEnv = process.env.NATS_SERVER_BIN;
  if (fromEnv) return runs(fromEnv) ? fromEnv : undefined;
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const candidate = join(dir, "nats-server");
    if (dir && existsSync(candidate) && runs(candidate)) return candidate;
  }
  return existsSync(CACHED_BIN) && runs(CACHED_BIN) ? CACHED_BIN : undefined;
}

function run(cmd, args, cwd) {
  const result = spawnSync(cmd, args, { cwd, encoding: "utf8", timeout: 120_000 });
  return { ok: !result.error && result.status === 0, output: `${result.stdout}${result.stderr}` };
}

/** Downloads and unpacks Debian's nats-server into the cache; returns the binary or throws. */
function fetchNatsServer() {
  mkdirSync(CACHE, { recursive: true });
  let download = run("apt-get", ["download", "nats-server"], CACHE);
  if (!download.ok) {
    // A machine whose package lists were never read: read them once, then try again.
    run("apt-get", ["update"], CACHE);
    download = run("apt-get", ["download", "nats-server"], CACHE);
  }
  const deb = readdirSync(CACHE).find((name) => /^nats-server_.*\.deb$/.test(name));
  if (!download.ok || !deb) {
    throw new Error(`apt-get download nats-server failed:\n${download.output.trim()}`);
  }
  const unpack = run("dpkg-deb", ["-x", deb, "."], CACHE);
  rmSync(join(CACHE, deb), { force: true });
  if (!unpack.ok || !runs(CACHED_BIN)) {
    throw new Error(`dpkg-deb -x ${deb} failed:\n${unpack.output.trim()}`);
  }
  return CACHED_BIN;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const checkOnly = process.argv.includes("--check");
  const optional = process.argv.includes("--optional") && process.env.CI !== "true";
  let bin = findNatsServer();
  if (!bin && !checkOnly) {
    try {
      bin = fetchNatsServer();
    } catch (error) {
      console.error(`get_nats_server: ${error.message}\n${HOW_TO}`);
      if (optional) console.error("get_nats_server: the NATS backend's tests will be skipped");
      process.exit(optional ? 0 : 1);
    }
  }
  if (!bin) {
    console.error(`get_nats_server: no nats-server found. ${HOW_TO}`);
    process.exit(1);
  }
  console.log(bin);
}
