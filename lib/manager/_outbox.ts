/**
 * A worker's manager writes that need no answer (`d.set(k, v)`,
 * `l.append(x)`, …), sent in batches and acknowledged lazily: each resolves
 * once queued, the queue goes out as one message when the writing loop
 * pauses (the microtasks stop adding to it) or it is full, and a write that
 * fails is reported by the next request. Requests on one connection are
 * served in order, so a later read of the same worker sees every earlier
 * write; the task runner syncs before a task's result leaves the worker, so
 * its caller sees them too (see `ManagerClient.sync`).
 *
 * @module
 */
import type { ManagerRequest } from "./protocol.ts";

/** The most writes in one batch. */
const maxBatch = 512;

type Call = ManagerRequest & { readonly tag: "call" };

/** Collects one-way calls and hands them to `post` in batches. */
export class Outbox {
  #queued: Call[] = [];
  #scheduled = false;
  readonly #post: (requests: Call[]) => void;

  constructor(post: (requests: Call[]) => void) {
    this.#post = post;
  }

  /** Whether writes are waiting to go out. */
  get size(): number {
    return this.#queued.length;
  }

  /** Queues a write; it goes out with the batch. */
  add(request: Call): void {
    this.#queued.push(request);
    if (this.#queued.length >= maxBatch) this.flush();
    else if (!this.#scheduled) this.#schedule();
  }

  /** Sends what is queued now. */
  flush(): void {
    if (this.#queued.length === 0) return;
    const requests = this.#queued;
    this.#queued = [];
    this.#post(requests);
  }

  /** Flushes once a microtask passes in which nothing was added (the writer paused). */
  #schedule(): void {
    this.#scheduled = true;
    let seen = -1;
    const tick = () => {
      if (this.#queued.length !== seen && this.#queued.length > 0) {
        seen = this.#queued.length;
        queueMicrotask(tick);
        return;
      }
      this.#scheduled = false;
      this.flush();
    };
    queueMicrotask(tick);
  }
}
