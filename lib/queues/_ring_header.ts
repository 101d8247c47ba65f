/**
 * The header of a `_ring.ts` ring: its Int32 cells (the producers' and the
 * consumers' on separate cache lines), flag bits, tuning constants, result
 * types, small helpers, and the counters that change without a mutex: the open
 * handles of a pipe's ends, and a JoinableQueue's unfinished tasks.
 *
 * @module
 */
import type { Steps } from "../sync/_atomics.ts";

// Producers' cache line.
export const PRODUCER_LOCK: number = 0; // three cells (_mutex.ts)
/** Next byte to write (producers' mutex). */
export const TAIL: number = 3;
/** Producers asleep on `USED`. */
export const SPACE_WAITERS: number = 4;
// Consumers' cache line.
export const CONSUMER_LOCK: number = 16; // three cells
/** Next byte to read (consumers' mutex). */
export const HEAD: number = 19;
/** Consumers asleep on `COUNT`. */
export const ITEM_WAITERS: number = 20;
// Shared cells.
/** Bytes in the ring; bit 31: no reader is left. */
export const USED: number = 32;
/** Messages in the ring (a message counts until it is read to its end); bit 31: no writer is left. */
export const COUNT: number = 33;
/** Bytes of data in use (both mutexes to change). */
export const CAPACITY: number = 34;
/** Most messages at once; 0 = no limit. */
export const MAXSIZE: number = 35;
/** Bit 0: count unfinished tasks (JoinableQueue). */
export const FLAGS: number = 36;
/** Messages put and not yet marked done (JoinableQueue). */
export const UNFINISHED: number = 37;
/** Open writing handles (pipes; queues keep 1). */
export const WRITERS: number = 38;
/** Open reading handles. */
export const READERS: number = 39;
export const HEADER_CELLS: number = 48;

export const CLOSED: number = 1 << 31;
export const MASK: number = 0x7fffffff;
export const JOINABLE: number = 1;
/** How long a `timeoutMs: 0` call may wait for a mutex another thread holds to copy a message. */
export const lockGraceMs = 2;
export const initialBytes: number = 1 << 16;
/** The largest data buffer: cells are Int32, and bit 31 is a flag. */
export const maxRingBytes: number = 1 << 30;

/** The shared memory of a ring, as sent to workers. */
export interface RingState {
  readonly header: Int32Array;
  readonly data: SharedArrayBuffer;
}

/** How a put ended: written, no room in time, or no reader left. */
export type PutResult = "ok" | "full" | "broken";
/** How a get ended: the message's bytes, nothing in time, or no writer left and nothing left. */
export type GetResult = Uint8Array | "empty" | "eof";

/** `n` rounded up to a multiple of 4: messages start on a 4-byte boundary. */
export const align = (n: number): number => (n + 3) & ~3;

/** Copies `n` bytes; by hand when few (no subarray objects). */
export function copy(
  from: Uint8Array,
  fromAt: number,
  to: Uint8Array,
  toAt: number,
  n: number,
): void {
  if (n <= 32) { for (let i = 0; i < n; i++) to[toAt + i] = from[fromAt + i]; }
  else to.set(from.subarray(fromAt, fromAt + n), toAt);
}

/** The deadline for taking a mutex: a short grace even for a call that must not wait. */
export function lockDeadline(deadline: number): number {
  return deadline === Infinity ? Infinity : Math.max(deadline, performance.now() + lockGraceMs);
}

/** `performance.now()`, skipped (0) when there is no deadline. */
export function now(deadline: number): number {
  return deadline === Infinity ? 0 : performance.now();
}

/** Which end of a ring a handle holds. */
export type End = "writer" | "reader";

/**
 * Counts one more open handle of an end (a pipe end on its way to a worker).
 *
 * @example
 * ```ts
 * import { HEADER_CELLS, openEnd, WRITERS } from "./_ring_header.ts";
 * const header = new Int32Array(new SharedArrayBuffer(HEADER_CELLS * 4));
 * openEnd(header, "writer");
 * console.log(header[WRITERS]); // 1
 * ```
 */
export function openEnd(header: Int32Array, end: End): void {
  Atomics.add(header, end === "writer" ? WRITERS : READERS, 1);
}

/**
 * Closes one handle of an end. The last one sets bit 31 of the word the other
 * side sleeps on (`COUNT` for readers, `USED` for writers), so that no sleeper
 * misses it, and wakes them all.
 *
 * @example
 * ```ts
 * import { closeEnd, COUNT, HEADER_CELLS, WRITERS } from "./_ring_header.ts";
 * const header = new Int32Array(new SharedArrayBuffer(HEADER_CELLS * 4));
 * header[WRITERS] = 1;
 * closeEnd(header, "writer");
 * console.log(header[COUNT] < 0); // true: readers see the end of the stream
 * ```
 */
export function closeEnd(header: Int32Array, end: End): void {
  if (Atomics.sub(header, end === "writer" ? WRITERS : READERS, 1) !== 1) return;
  Atomics.or(header, end === "writer" ? COUNT : USED, CLOSED);
  Atomics.notify(header, COUNT);
  Atomics.notify(header, USED);
}

/**
 * From now on, counts each message put as an unfinished task (JoinableQueue).
 *
 * @example
 * ```ts
 * import { FLAGS, HEADER_CELLS, makeJoinable } from "./_ring_header.ts";
 * const header = new Int32Array(new SharedArrayBuffer(HEADER_CELLS * 4));
 * makeJoinable(header);
 * console.log(header[FLAGS]); // 1
 * ```
 */
export function makeJoinable(header: Int32Array): void {
  Atomics.or(header, FLAGS, JOINABLE);
}

/**
 * Marks one task done; false (nothing done) when none is unfinished.
 *
 * @example
 * ```ts
 * import { HEADER_CELLS, taskDone, UNFINISHED } from "./_ring_header.ts";
 * const header = new Int32Array(new SharedArrayBuffer(HEADER_CELLS * 4));
 * header[UNFINISHED] = 1;
 * console.log(taskDone(header), taskDone(header)); // true false
 * ```
 */
export function taskDone(header: Int32Array): boolean {
  for (let n = Atomics.load(header, UNFINISHED); n > 0;) {
    const seen = Atomics.compareExchange(header, UNFINISHED, n, n - 1);
    if (seen === n) {
      if (n === 1) Atomics.notify(header, UNFINISHED);
      return true;
    }
    n = seen;
  }
  return false;
}

/**
 * Waits until no task is unfinished (true), or until `deadline` (false).
 *
 * @example
 * ```ts
 * import { runSync } from "../sync/_atomics.ts";
 * import { HEADER_CELLS, joinSteps } from "./_ring_header.ts";
 * const header = new Int32Array(new SharedArrayBuffer(HEADER_CELLS * 4));
 * console.log(runSync(joinSteps(header, Infinity))); // true
 * ```
 */
export function* joinSteps(header: Int32Array, deadline: number): Steps<boolean> {
  for (;;) {
    const n = Atomics.load(header, UNFINISHED);
    if (n === 0) return true;
    if (now(deadline) >= deadline) return false;
    yield { cells: header, index: UNFINISHED, value: n, deadline };
  }
}

/**
 * The shared memory of a new, empty ring: at most `maxsize` messages (0: any
 * number), data starting at 64 KiB and growing up to `maxBytes`.
 *
 * @example
 * ```ts
 * import { CAPACITY, newRingState } from "./_ring_header.ts";
 * const { header, data } = newRingState(0, 1 << 20);
 * console.log(header[CAPACITY], data.maxByteLength); // 65536 1048576
 * ```
 */
export function newRingState(maxsize: number, maxBytes: number): RingState {
  const max = maxBytes & ~3;
  const header = new Int32Array(new SharedArrayBuffer(HEADER_CELLS * 4));
  const capacity = Math.min(initialBytes, max);
  const data = new SharedArrayBuffer(capacity, { maxByteLength: max });
  header[CAPACITY] = capacity;
  header[MAXSIZE] = maxsize;
  header[WRITERS] = 1;
  header[READERS] = 1;
  return { header, data };
}
