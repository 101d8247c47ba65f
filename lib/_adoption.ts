/**
 * How an object over shared memory (a lock, an event, a queue, a shared value…)
 * crosses to a worker: it sends a descriptor of its state, and the worker
 * rebuilds it by calling the public constructor while that state is "adopted",
 * so the constructor takes the existing memory instead of allocating new.
 *
 * @module
 */
import { type HandleDescriptor, registerHandleType } from "./task/values.ts";

/**
 * The adoption of one module's handle types: the state a constructor revives
 * from, the descriptors the module's objects send, and their revivers.
 *
 * @example
 * ```ts ignore
 * const adoption = new Adoption<Int32Array>(import.meta.url);
 * class Flag {
 *   readonly #cells = adoption.state ?? new Int32Array(new SharedArrayBuffer(4));
 *   [toDescriptor]() {
 *     return adoption.descriptor("example.Flag", this.#cells);
 *   }
 * }
 * adoption.register("example.Flag", () => new Flag());
 * ```
 */
export class Adoption<S> {
  readonly #module: string;
  #state: S | undefined;

  /** @param module The URL of the module whose import registers the types (`import.meta.url`). */
  constructor(module: string) {
    this.#module = module;
  }

  /** The state of the object being revived, or `undefined` while one is created anew. */
  get state(): S | undefined {
    return this.#state;
  }

  /** Runs `make` with `state` adopted (the constructor it calls reads it), then forgets it. */
  revive<T>(state: S, make: () => T): T {
    this.#state = state;
    try {
      return make();
    } finally {
      this.#state = undefined;
    }
  }

  /**
   * Registers `type`: a worker given one of its descriptors adopts `adopt(state)`
   * (the state itself by default) and returns what `make` builds.
   */
  register(
    type: string,
    make: (state: S) => object,
    adopt: (state: unknown) => S = (state) => state as S,
  ): void {
    registerHandleType(type, (state) => {
      const adopted = adopt(state);
      return this.revive(adopted, () => make(adopted));
    });
  }

  /** What an object sends to a worker: `state`, revived there as `type` over the same memory. */
  descriptor(type: string, state: unknown): { descriptor: HandleDescriptor } {
    return { descriptor: { module: this.#module, type, state, sharesMemory: true } };
  }
}
