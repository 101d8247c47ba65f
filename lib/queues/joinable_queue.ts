/**
 * `JoinableQueue`: a `Queue` whose consumers say when each item is done, so
 * that a producer can wait for all of them (Python: `multiprocessing.JoinableQueue`).
 *
 * @module
 */
import { runAsync, runSync } from "../sync/_atomics.ts";
import type { BufferOptions } from "./_channel.ts";
import { joinSteps, makeJoinable, taskDone, UNFINISHED } from "./_ring_header.ts";
import { type HandleDescriptor, toDescriptor } from "../task/values.ts";
import { ProcessError } from "../errors.ts";
import { Queue, ringAdoption, ringOf, ringOfState } from "./queue.ts";

const joinableType = "polycore.JoinableQueue";

/**
 * A {@linkcode Queue} that counts unfinished tasks (Python:
 * `multiprocessing.JoinableQueue`): each `put()` adds one, each `taskDone()`
 * (called by a consumer once it has finished with an item it got) removes
 * one, and `join()` waits until none is left. Calling `taskDone()` more times
 * than items were put throws `ProcessError` (Python's `ValueError`).
 *
 * @example Wait until every task is done
 * ```ts
 * import { JoinableQueue } from "./joinable_queue.ts";
 * const tasks = new JoinableQueue<string>();
 * await tasks.put("Task-0");
 * await tasks.put("Task-1");
 * setTimeout(async () => {
 *   while (!tasks.empty()) {
 *     console.log(`processed ${await tasks.get()}`);
 *     tasks.taskDone();
 *   }
 * }, 0);
 * await tasks.join();
 * console.log("All tasks have been finished!");
 * ```
 */
export class JoinableQueue<T = unknown> extends Queue<T> {
  /**
   * Creates the queue (see the class description).
   *
   * @param maxsize Most items in the queue at once; 0 (the default) for no limit.
   * @param options `maxBytes`: most bytes of items waiting (default 1 GiB).
   */
  constructor(maxsize: number = 0, options?: BufferOptions) {
    super(maxsize, options);
    makeJoinable(ringOf(this).state.header);
  }

  /**
   * Marks one task got from the queue as done (Python: `task_done()`); throws
   * `ProcessError` when every task put was already marked done.
   */
  taskDone(): void {
    if (!taskDone(ringOf(this).state.header)) {
      throw new ProcessError(
        "Cannot mark a task done as taskDone() was called more times than items were put (Python: task_done() called too many times)",
      );
    }
  }

  /** Resolves once every item put has been marked done with `taskDone()` (Python: `join()`). */
  async join(): Promise<void> {
    await runAsync(joinSteps(ringOf(this).state.header, Infinity));
  }

  /** Like {@linkcode JoinableQueue.join}, blocking the thread while it waits. */
  joinSync(): void {
    runSync(joinSteps(ringOf(this).state.header, Infinity));
  }

  /** The number of items put and not yet marked done. */
  unfinishedTasks(): number {
    return Atomics.load(ringOf(this).state.header, UNFINISHED);
  }

  /** Sent to workers as the same queue. */
  override [toDescriptor](): { descriptor: HandleDescriptor } {
    const { descriptor } = super[toDescriptor]();
    return { descriptor: { ...descriptor, module: import.meta.url, type: joinableType } };
  }
}

ringAdoption.register(joinableType, () => new JoinableQueue(), ringOfState);
