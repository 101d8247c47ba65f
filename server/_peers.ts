/**
 * The playground's own dependencies are optional peers of polycore, so `npm i polycore` brings
 * the core alone. Loading the server without them fails with one error naming what to install.
 *
 * @module
 */

/** The command that installs what the playground needs. */
export const serverInstall =
  "npm install hono@4 @hono/zod-openapi@1 zod@4 @scalar/hono-api-reference@0.12 @scalar/api-reference@1 @hono/node-server@2";

/** Whether `error` says a package could not be found (each runtime words it its own way). */
export function isMissingPackage(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND" ||
    /Cannot find (package|module)|Could not (find|resolve)|not found in|Relative import path .* not prefixed/i
      .test(String(message));
}

/** Runs `load`; a missing package becomes an error saying how to install the playground's. */
export async function withServerPeers<T>(what: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (!isMissingPackage(error)) throw error;
    throw new Error(
      `Cannot load ${what}: the playground's dependencies are optional peers of polycore and are not installed. Install them with: ${serverInstall}`,
      { cause: error },
    );
  }
}
