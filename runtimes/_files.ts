/**
 * Files and the end of the program, the same on every runtime through
 * `node:fs` and `node:process` (Deno and Bun implement both): reading a
 * module's source, writing and removing the context modules written beside it.
 *
 * @module
 */
import { fsModule } from "./_builtins.ts";
import type { Runtime } from "./types.ts";

/** Reads a text file. */
export function readTextFile(url: URL): string {
  return fsModule().readFileSync(url, "utf8");
}

/** Writes a text file whole: to a temporary name first, then renamed, so no reader sees it half-written. */
export function writeTextFile(url: URL, text: string): void {
  const fs = fsModule();
  const temporary = new URL(`${url.href}.${process.pid}.tmp`);
  fs.writeFileSync(temporary, text);
  fs.renameSync(temporary, url);
}

/** Removes a file; one already gone is not an error. */
export function removeFile(url: URL): void {
  fsModule().rmSync(url, { force: true });
}

/** The names of the entries of a folder. */
export function listFolder(url: URL): string[] {
  return fsModule().readdirSync(url);
}

/** Whether a process with this id exists (it may belong to another user). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === "EPERM";
  }
}

/** Calls `handler` synchronously when this thread or program ends normally. */
export function atExit(handler: () => void): void {
  process.on("exit", handler);
}

/** The part of every adapter that this module provides, the same on each runtime. */
export const fileAccess: Pick<
  Runtime,
  "readTextFile" | "writeTextFile" | "removeFile" | "listFolder" | "processExists" | "atExit"
> = { readTextFile, writeTextFile, removeFile, listFolder, processExists, atExit };
