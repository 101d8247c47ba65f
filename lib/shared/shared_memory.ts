/**
 * `SharedMemory`: a named block of bytes every thread of the program can
 * reach (Python: `multiprocessing.shared_memory.SharedMemory`).
 *
 * @module
 */
import {
  type Block,
  find,
  register,
  stamp,
  TRAILER_BYTES,
  trailerOf,
  unregister,
} from "./_shm_directory.ts";
import { type HandleDescriptor, toDescriptor } from "../task/values.ts";
import { Adoption } from "../_adoption.ts";
import { checkTimeout, invalid, outOfRange } from "../_validate.ts";
import { ProcessError } from "../errors.ts";

const sharedMemoryType = "polycore.SharedMemory";
const maxSize = 2 ** 53 - 1;

/** Options of {@linkcode SharedMemory} (Python: `SharedMemory(name, create=True, size)`). */
export interface SharedMemoryOptions {
  /** Bytes in the block; more than 0. */
  readonly size: number;
  /** Its name; a fresh `psm_…` name by default. */
  readonly name?: string;
}

/** Options of {@linkcode SharedMemory.attach}. */
export interface AttachOptions {
  /** How long to wait for a thread that holds the name to answer (default 1000 ms). */
  readonly timeoutMs?: number;
}

interface SharedMemoryState {
  readonly name: string;
  readonly block: Block;
}

const adoption = new Adoption<SharedMemoryState>(import.meta.url);

function freshName(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(4));
  return `psm_${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

function checkName(action: string, name: unknown): string {
  if (typeof name !== "string" || name.length === 0) {
    invalid(action, "name", "must be a non-empty string", name);
  }
  return name;
}

/**
 * A block of shared bytes with a name (Python: `shared_memory.SharedMemory`).
 * `buf` is a `Uint8Array` over it; pass the object itself to a worker, or
 * pass its `name` and `await SharedMemory.attach(name)` there, from any
 * thread of the program. `close()` ends this object's access; `unlink()`
 * removes the name so no new attach finds it (the memory is freed once no
 * object uses it). Blocks cannot cross to the process backend.
 *
 * `attach` asks the program's threads over a `BroadcastChannel`; a thread
 * that holds the block answers when its event loop is free, so attach from a
 * worker while the holder is blocked (say in `acquireSync`) waits up to
 * `timeoutMs`. An explicit `name` is checked against this thread's blocks only.
 *
 * @example Make a block, attach to it by name
 * ```ts
 * import { SharedMemory } from "./shared_memory.ts";
 * const shm = new SharedMemory({ size: 16 });
 * shm.buf[0] = 42;
 * const again = await SharedMemory.attach(shm.name);
 * console.log(again.buf[0], again.size); // 42 16
 * again.close();
 * shm.close();
 * shm.unlink();
 * ```
 */
export class SharedMemory {
  readonly #name: string;
  readonly #block: Block;
  #buf: Uint8Array | undefined;

  /**
   * Creates it (see the class description).
   * @param options `size` in bytes, and an optional `name`.
   */
  constructor(options: SharedMemoryOptions) {
    const state = adoption.state;
    if (state) {
      this.#name = state.name;
      this.#block = state.block;
      register(this.#name, this.#block, false);
    } else {
      const action = "create shared memory";
      if (typeof options !== "object" || options === null) {
        invalid(action, "options", "must be an object such as { size: 1024 }", options);
      }
      const size = options.size;
      if (typeof size !== "number") invalid(action, "size", "must be a positive integer", size);
      if (!Number.isInteger(size) || size < 1 || size > maxSize) {
        outOfRange(action, "size", "must be a positive integer", size);
      }
      this.#name = options.name === undefined ? freshName() : checkName(action, options.name);
      const bytes = Math.ceil(size / 8) * 8 + TRAILER_BYTES;
      this.#block = { buffer: new SharedArrayBuffer(bytes), size };
      stamp(this.#block);
      if (!register(this.#name, this.#block, true)) {
        throw new ProcessError(
          `Cannot create shared memory '${this.#name}' as a block of that name exists in this thread`,
        );
      }
    }
    this.#buf = new Uint8Array(this.#block.buffer, 0, this.#block.size);
  }

  /**
   * Finds the block called `name`, made by any thread of the program (Python:
   * `SharedMemory(name)`). Rejects with `ProcessError` when no thread that
   * holds it answers within `timeoutMs`, or it was unlinked.
   */
  static async attach(name: string, options: AttachOptions = {}): Promise<SharedMemory> {
    const action = "attach shared memory";
    checkName(action, name);
    if (typeof options !== "object" || options === null) {
      invalid(action, "options", "must be an object such as { timeoutMs: 1000 }", options);
    }
    const timeoutMs = checkTimeout(action, "timeoutMs", options.timeoutMs) ?? 1000;
    const block = await find(name, timeoutMs);
    if (!block) {
      throw new ProcessError(
        `Cannot attach shared memory '${name}' as no thread of this program holds it (none answered within ${timeoutMs} ms; an unlinked block cannot be attached)`,
      );
    }
    return reviveSharedMemory({ name, block });
  }

  /** The block's name (Python: `name`), for `SharedMemory.attach`. */
  get name(): string {
    return this.#name;
  }

  /** Its size in bytes (Python: `size`). */
  get size(): number {
    return this.#block.size;
  }

  /** The bytes, shared with every thread (Python: `buf`); throws after `close()`. */
  get buf(): Uint8Array {
    if (!this.#buf) {
      throw new ProcessError(`Cannot use shared memory '${this.#name}' as it is closed`);
    }
    return this.#buf;
  }

  /** Ends this object's access (Python: `close()`); other objects keep theirs. */
  close(): void {
    if (!this.#buf) return;
    this.#buf = undefined;
    unregister(this.#name, this.#block);
  }

  /**
   * Removes the name for every thread (Python: `unlink()`): later attaches fail;
   * objects already open keep working. Throws `ProcessError` when already unlinked.
   */
  unlink(): void {
    if (Atomics.compareExchange(trailerOf(this.#block), 0, 0, 1) !== 0) {
      throw new ProcessError(
        `Cannot unlink shared memory '${this.#name}' as it is already unlinked`,
      );
    }
    unregister(this.#name, this.#block);
  }

  /** `using shm = new SharedMemory(…)` closes it at the end of the block. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** Sent to workers as the same block. */
  [toDescriptor](): { descriptor: HandleDescriptor } {
    const state: SharedMemoryState = { name: this.#name, block: this.#block };
    return adoption.descriptor(sharedMemoryType, state);
  }
}

/** Rebuilds a block's handle from its descriptor state, in a worker. */
export function reviveSharedMemory(state: unknown): SharedMemory {
  const adopted = state as SharedMemoryState;
  return adoption.revive(adopted, () => new SharedMemory({ size: adopted.block.size }));
}

adoption.register(sharedMemoryType, (state) => new SharedMemory({ size: state.block.size }));
