/**
 * Minimal shapes of the Deno and Bun globals the adapters touch, so the
 * published types need neither Deno's nor `@types/bun`.
 *
 * @module
 */

/** The part of `Deno` polycore uses. */
export interface DenoShim {
  readonly version: { readonly deno: string };
}

/** The part of `Bun` polycore uses. */
export interface BunShim {
  readonly version: string;
}

/** `globalThis.Deno`, when running on Deno. */
export function denoGlobal(): DenoShim {
  return (globalThis as unknown as { Deno: DenoShim }).Deno;
}

/** `globalThis.Bun`, when running on Bun. */
export function bunGlobal(): BunShim {
  return (globalThis as unknown as { Bun: BunShim }).Bun;
}
