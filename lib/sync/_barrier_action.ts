/**
 * A barrier's `action` on its way to other threads: shipped as source (a
 * self-contained function, like a function task) or as a module task, and
 * made runnable again in whichever thread arrives last.
 *
 * @module
 */
import { type ModuleTask, toTaskSpec } from "../task/task.ts";

/** What `Barrier` accepts as `action`: a self-contained function or a module task. */
export type BarrierAction = (() => unknown) | ModuleTask<() => unknown>;

/** A barrier action as it crosses to a worker. */
export type ShippedAction =
  | { readonly kind: "function"; readonly name: string; readonly source: string }
  | { readonly kind: "module"; readonly url: string; readonly exportName: string };

/** A barrier action in one thread: runnable now, or once its module has loaded. */
export interface ResolvedAction {
  ready: boolean;
  run: () => void;
  load(): Promise<() => void>;
}

/**
 * Checks an action and describes it for workers; `undefined` without one.
 *
 * @example
 * ```ts
 * import { shipAction } from "./_barrier_action.ts";
 * console.log(shipAction(() => 1)?.kind); // "function"
 * ```
 */
export function shipAction(action: unknown): ShippedAction | undefined {
  if (action === undefined) return undefined;
  const spec = toTaskSpec(action, "create barrier", "action");
  return spec.module
    ? { kind: "module", url: spec.module.url, exportName: spec.module.exportName }
    : { kind: "function", name: spec.label, source: spec.source };
}

const nothing = (): void => {};

/**
 * Makes a shipped action runnable in this thread. `local` is the original
 * function in the thread that made the barrier, which may use its closure.
 *
 * @example
 * ```ts
 * import { resolveAction, shipAction } from "./_barrier_action.ts";
 * const action = resolveAction(shipAction(() => console.log("all here")));
 * action.run(); // "all here"
 * ```
 */
export function resolveAction(shipped: ShippedAction | undefined, local?: unknown): ResolvedAction {
  if (!shipped) return { ready: true, run: nothing, load: () => Promise.resolve(nothing) };
  if (shipped.kind === "function") {
    const run = typeof local === "function"
      ? local as () => void
      : new Function(`return (${shipped.source}\n)`)() as () => void;
    return { ready: true, run, load: () => Promise.resolve(run) };
  }
  const resolved: ResolvedAction = {
    ready: false,
    run: nothing,
    load: () => loading,
  };
  const loading = import(shipped.url).then((module: Record<string, unknown>) => {
    const fn = module[shipped.exportName];
    if (typeof fn !== "function") {
      throw new TypeError(
        `Cannot run barrier action '${shipped.exportName}' as ${shipped.url} does not export a function by that name: found ${typeof fn}`,
      );
    }
    resolved.run = fn as () => void;
    resolved.ready = true;
    return resolved.run;
  });
  loading.catch(nothing); // reported by wait(), which awaits it
  return resolved;
}
