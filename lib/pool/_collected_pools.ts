/**
 * What happens to a pool that is garbage-collected: it is **closed**, not terminated.
 *
 * Python terminates a collected `Pool`; here that would lose work. A pool can be collected
 * while work it was given still runs — once a call is queued, nothing needs to point at the
 * pool (`await new Pool(2).apply(f)` keeps nothing that does) — so terminating on collection
 * would reject calls in flight at a moment chosen by the garbage collector. Closing (Python's
 * `close()`, and what CPython's
 * `ProcessPoolExecutor` does when it is collected) lets everything already submitted run and
 * settle, then the workers exit: a program that drops pools leaks no threads or processes,
 * and loses nothing.
 *
 * The registry holds the pool's scheduler, which must never point back at the pool (or the
 * pool would never be collected).
 *
 * @module
 */

/** The part of a pool's scheduler closed here. */
interface Closable {
  close(): void;
}

const collected = new FinalizationRegistry<Closable>((scheduler) => scheduler.close());

/** Closes `scheduler` once `pool` is garbage-collected; returns `scheduler`. */
export function closeWhenCollected<S extends Closable>(pool: object, scheduler: S): S {
  collected.register(pool, scheduler, pool);
  return scheduler;
}

/** `pool` was closed or terminated explicitly: its collection has nothing left to do. */
export function forgetCollected(pool: object): void {
  collected.unregister(pool);
}
