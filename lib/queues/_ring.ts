/**
 * The byte ring under `Queue`, `JoinableQueue`, `SimpleQueue` and `Pipe`: a
 * multi-producer, multi-consumer FIFO of length-prefixed messages (u32 length,
 * bytes padded to 4) in shared memory, so items go from worker to worker
 * without a relay through the main thread.
 *
 * Two SharedArrayBuffers: an Int32 header (`_ring_header.ts`) and the data, a
 * growable SharedArrayBuffer that starts at 64 KiB and doubles when a message
 * does not fit, up to `maxBytes`. Producers take the producers' futex mutex,
 * consumers the consumers' (`_mutex.ts`): one producer and one consumer run at
 * once, and see each other through the atomic `USED` and `COUNT`. Growing
 * moves the wrapped part of the ring, so a producer grows holding both mutexes
 * (producers' first). Consumers sleep on `COUNT` (while 0), producers on
 * `USED`, after a spin (`_spinner.ts`); each side counts its sleepers, so the
 * other notifies only when one sleeps, and a consumer that gives up after a
 * wake-up passes it on. A message larger than `maxBytes` is streamed: its
 * producer writes pieces as its consumer frees room, each keeping its mutex to
 * the end of the message.
 *
 * @module
 */
import type { Steps } from "../sync/_atomics.ts";
import { lockSteps } from "../sync/_mutex.ts";
import { Spinner } from "../sync/_spinner.ts";
import {
  align,
  CAPACITY,
  CONSUMER_LOCK,
  copy,
  COUNT,
  FLAGS,
  type GetResult,
  HEAD,
  ITEM_WAITERS,
  JOINABLE,
  lockDeadline,
  MASK,
  MAXSIZE,
  newRingState,
  now,
  PRODUCER_LOCK,
  type PutResult,
  type RingState,
  SPACE_WAITERS,
  TAIL,
  UNFINISHED,
  USED,
} from "./_ring_header.ts";

export { type GetResult, maxRingBytes, type PutResult, type RingState } from "./_ring_header.ts";

/** Per-thread buffer for messages read without waiting: valid until the next read. */
let scratch = new Uint8Array(1024);

/**
 * A multi-producer, multi-consumer message ring in shared memory.
 *
 * @example
 * ```ts
 * import { runSync } from "../sync/_atomics.ts";
 * import { Ring } from "./_ring.ts";
 * const ring = Ring.create({ maxsize: 0, maxBytes: 1 << 20 });
 * ring.tryPut(new Uint8Array([1, 2, 3]));
 * console.log(runSync(ring.getSteps(Infinity))); // Uint8Array(3) [ 1, 2, 3 ]
 * ```
 */
export class Ring {
  readonly #h: Int32Array;
  readonly #data: SharedArrayBuffer;
  readonly #maxBytes: number;
  // Fixed-length views of the data (length-tracking ones are ~20× slower on V8), redone
  // when another thread has grown it: `#cap` is the capacity they were made for.
  #cap = 0;
  #bytes: Uint8Array = new Uint8Array(0);
  #words: Uint32Array = new Uint32Array(0);
  /** How this thread spins before it sleeps on the ring (for an item or for room). */
  readonly #spinner = new Spinner();

  /** A new, empty ring holding at most `maxsize` messages (0: any number) and `maxBytes` bytes. */
  static create(options: { maxsize: number; maxBytes: number }): Ring {
    return new Ring(newRingState(options.maxsize, options.maxBytes));
  }

  /** The ring over existing shared memory (a handle revived in a worker). */
  constructor(state: RingState) {
    this.#h = state.header;
    this.#data = state.data;
    this.#maxBytes = state.data.maxByteLength & ~3;
  }

  /** The shared memory, for a descriptor. */
  get state(): RingState {
    return { header: this.#h, data: this.#data };
  }

  /** The message limit; 0 when there is none. */
  get maxsize(): number {
    return this.#h[MAXSIZE];
  }

  /** Messages in the ring. */
  count(): number {
    return Atomics.load(this.#h, COUNT) & MASK;
  }

  /** The capacity, with views made for it; call holding a mutex. */
  #capacity(): number {
    const cap = this.#h[CAPACITY];
    if (cap !== this.#cap) {
      this.#cap = cap;
      this.#bytes = new Uint8Array(this.#data, 0, cap);
      this.#words = new Uint32Array(this.#data, 0, cap >> 2);
    }
    return cap;
  }

  #unlock(index: number): void {
    if (Atomics.exchange(this.#h, index, 0) === 2) Atomics.notify(this.#h, index, 1);
  }

  /** Takes a mutex (`_mutex.ts`), waiting until `deadline`. */
  *#lock(index: number, deadline: number): Steps<boolean> {
    if (Atomics.compareExchange(this.#h, index, 0, 1) === 0) return true;
    return yield* lockSteps(this.#h.subarray(index, index + 3), deadline);
  }

  /** Writes `message` if that needs no waiting; `"wait"` when it would. */
  tryPut(message: Uint8Array): PutResult | "wait" {
    const h = this.#h;
    if (Atomics.compareExchange(h, PRODUCER_LOCK, 0, 1) !== 0) return "wait";
    let result: PutResult | "wait" = "wait";
    const used = Atomics.load(h, USED);
    const need = 4 + align(message.length);
    const maxsize = h[MAXSIZE];
    if (used < 0) result = "broken";
    else if (maxsize === 0 || (Atomics.load(h, COUNT) & MASK) < maxsize) {
      const cap = this.#capacity();
      if (cap - used >= need) {
        this.#write(message, need, cap);
        result = "ok";
      } else if (cap < this.#maxBytes && Atomics.compareExchange(h, CONSUMER_LOCK, 0, 1) === 0) {
        const grown = this.#grow(need);
        if (grown - Atomics.load(h, USED) >= need) {
          this.#write(message, need, grown);
          result = "ok";
        }
      }
    }
    this.#unlock(PRODUCER_LOCK);
    return result;
  }

  /** Writes `message`, waiting until `deadline` for the mutex, a free slot and room. */
  *putSteps(message: Uint8Array, deadline: number): Steps<PutResult> {
    if (!(yield* this.#lock(PRODUCER_LOCK, lockDeadline(deadline)))) return "full";
    try {
      return yield* this.#putLocked(message, deadline);
    } finally {
      this.#unlock(PRODUCER_LOCK);
    }
  }

  *#putLocked(message: Uint8Array, deadline: number): Steps<PutResult> {
    const h = this.#h;
    const need = 4 + align(message.length);
    const maxsize = h[MAXSIZE];
    for (;;) {
      const used = Atomics.load(h, USED);
      if (used < 0) return "broken";
      if (maxsize === 0 || (Atomics.load(h, COUNT) & MASK) < maxsize) {
        const cap = this.#capacity();
        if (cap - used >= need) {
          this.#write(message, need, cap);
          return "ok";
        }
        if (cap < this.#maxBytes) {
          yield* this.#lock(CONSUMER_LOCK, Infinity);
          this.#grow(need);
          continue;
        }
        if (need > cap && cap - used >= 4) return yield* this.#writeInPieces(message, cap);
      }
      if (now(deadline) >= deadline) return "full";
      if (this.#spinner.changedSoon(h, USED, used)) continue;
      Atomics.add(h, SPACE_WAITERS, 1);
      yield { cells: h, index: USED, value: used, deadline };
      Atomics.sub(h, SPACE_WAITERS, 1);
    }
  }

  /** Publishes one message, whole; the producers' mutex is held and there is room. */
  #write(message: Uint8Array, need: number, cap: number): void {
    const h = this.#h;
    const tail = h[TAIL];
    const length = message.length;
    this.#words[tail >> 2] = length;
    const at = tail + 4 === cap ? 0 : tail + 4;
    const first = Math.min(length, cap - at);
    copy(message, 0, this.#bytes, at, first);
    if (first < length) copy(message, first, this.#bytes, 0, length - first);
    h[TAIL] = tail + need >= cap ? tail + need - cap : tail + need;
    this.#publish(need);
  }

  #publish(bytes: number): void {
    const h = this.#h;
    if (h[FLAGS] & JOINABLE) Atomics.add(h, UNFINISHED, 1);
    Atomics.add(h, USED, bytes);
    Atomics.add(h, COUNT, 1);
    if (Atomics.load(h, ITEM_WAITERS) > 0) Atomics.notify(h, COUNT, 1);
  }

  /**
   * Grows the data to fit `need` more bytes and returns the new capacity; both
   * mutexes are held; releases the consumers'.
   */
  #grow(need: number): number {
    const h = this.#h;
    try {
      const cap = this.#capacity();
      const used = Atomics.load(h, USED) & MASK;
      let next = cap * 2;
      while (next < used + need && next < this.#maxBytes) next *= 2;
      next = Math.min(next, this.#maxBytes);
      this.#data.grow(next);
      const head = h[HEAD];
      Atomics.store(h, CAPACITY, next);
      this.#capacity();
      if (head + used > cap) {
        // Wrapped: move the part at the end of the old buffer to the end of the new one.
        this.#bytes.copyWithin(next - (cap - head), head, cap);
        h[HEAD] = next - (cap - head);
      } else h[TAIL] = head + used;
      return next;
    } finally {
      this.#unlock(CONSUMER_LOCK);
    }
  }

  /** Streams a message larger than the ring as consumers make room; publishes it at once. */
  *#writeInPieces(message: Uint8Array, cap: number): Steps<PutResult> {
    const h = this.#h;
    let tail = h[TAIL];
    this.#words[tail >> 2] = message.length;
    tail = tail + 4 === cap ? 0 : tail + 4;
    h[TAIL] = tail;
    this.#publish(4);
    const padded = align(message.length);
    for (let sent = 0; sent < padded;) {
      const used = Atomics.load(h, USED);
      if (used < 0) return "broken";
      if (used === cap) {
        Atomics.add(h, SPACE_WAITERS, 1);
        yield { cells: h, index: USED, value: used, deadline: Infinity };
        Atomics.sub(h, SPACE_WAITERS, 1);
        continue;
      }
      const n = Math.min(cap - used, padded - sent, cap - tail);
      const end = Math.min(sent + n, message.length);
      if (end > sent) copy(message, sent, this.#bytes, tail, end - sent);
      sent += n;
      tail = tail + n === cap ? 0 : tail + n;
      h[TAIL] = tail;
      Atomics.add(h, USED, n);
      Atomics.notify(h, USED);
    }
    return "ok";
  }

  /** Reads the next message if one is there whole and the mutex is free; `"wait"` otherwise. */
  tryGet(): GetResult | "wait" {
    const h = this.#h;
    const count = Atomics.load(h, COUNT);
    if ((count & MASK) === 0) return count < 0 ? "eof" : "wait";
    if (Atomics.compareExchange(h, CONSUMER_LOCK, 0, 1) !== 0) return "wait";
    let result: Uint8Array | "wait" = "wait";
    if ((Atomics.load(h, COUNT) & MASK) > 0) {
      const cap = this.#capacity();
      const head = h[HEAD];
      const length = this.#words[head >> 2];
      if (4 + align(length) <= (Atomics.load(h, USED) & MASK)) {
        if (scratch.length < length) scratch = new Uint8Array(Math.max(length, scratch.length * 2));
        result = scratch.subarray(0, length);
        if (scratch.length > 1 << 20) scratch = new Uint8Array(1024);
        this.#readWhole(result, head, cap);
      }
    }
    this.#unlock(CONSUMER_LOCK);
    return result;
  }

  /** Reads a message that is there whole into `target`; the consumers' mutex is held. */
  #readWhole(target: Uint8Array, head: number, cap: number): void {
    const h = this.#h;
    const length = target.length;
    const need = 4 + align(length);
    const at = head + 4 === cap ? 0 : head + 4;
    const first = Math.min(length, cap - at);
    copy(this.#bytes, at, target, 0, first);
    if (first < length) copy(this.#bytes, 0, target, first, length - first);
    h[HEAD] = head + need >= cap ? head + need - cap : head + need;
    Atomics.sub(h, COUNT, 1);
    this.#release(need);
  }

  /** Hands `bytes` of read data back to producers. */
  #release(bytes: number): void {
    const h = this.#h;
    Atomics.sub(h, USED, bytes);
    if (Atomics.load(h, SPACE_WAITERS) > 0) Atomics.notify(h, USED);
  }

  /** Reads the next message, waiting until `deadline` for one (into a buffer of its own). */
  *getSteps(deadline: number): Steps<GetResult> {
    const h = this.#h;
    for (;;) {
      if (!(yield* this.#awaitItem(deadline))) return this.writersGone() ? "eof" : this.#giveUp();
      if (!(yield* this.#lock(CONSUMER_LOCK, lockDeadline(deadline)))) return this.#giveUp();
      try {
        if ((Atomics.load(h, COUNT) & MASK) > 0) return yield* this.#take();
      } finally {
        this.#unlock(CONSUMER_LOCK);
      }
    }
  }

  /** Waits until there is a message (true), or until `deadline` or no writer is left (false). */
  *#awaitItem(deadline: number): Steps<boolean> {
    const h = this.#h;
    for (;;) {
      const count = Atomics.load(h, COUNT);
      if ((count & MASK) > 0) return true;
      if (count < 0 || now(deadline) >= deadline) return false;
      if (this.#spinner.changedSoon(h, COUNT, 0)) continue;
      Atomics.add(h, ITEM_WAITERS, 1);
      yield { cells: h, index: COUNT, value: 0, deadline };
      Atomics.sub(h, ITEM_WAITERS, 1);
    }
  }

  /** Leaves without a message; a wake-up this consumer may have taken goes to another. */
  #giveUp(): "empty" {
    const h = this.#h;
    if ((Atomics.load(h, COUNT) & MASK) > 0 && Atomics.load(h, ITEM_WAITERS) > 0) {
      Atomics.notify(h, COUNT, 1);
    }
    return "empty";
  }

  /** Reads the message at the head, waiting for the pieces of a large one; the mutex is held. */
  *#take(): Steps<Uint8Array | "eof"> {
    const h = this.#h;
    const cap = this.#capacity();
    let head = h[HEAD];
    const length = this.#words[head >> 2];
    const padded = align(length);
    const target = new Uint8Array(length);
    if (4 + padded <= (Atomics.load(h, USED) & MASK)) {
      this.#readWhole(target, head, cap);
      return target;
    }
    head = head + 4 === cap ? 0 : head + 4;
    let unreleased = 4;
    for (let got = 0; got < padded;) {
      const available = (Atomics.load(h, USED) & MASK) - unreleased;
      if (available <= 0) {
        this.#release(unreleased);
        unreleased = 0;
        const used = Atomics.load(h, USED);
        if ((used & MASK) !== 0) continue;
        if (this.writersGone()) return "eof";
        yield { cells: h, index: USED, value: used, deadline: Infinity };
        continue;
      }
      const n = Math.min(available, padded - got, cap - head);
      const end = Math.min(got + n, length);
      if (end > got) copy(this.#bytes, head, target, got, end - got);
      head = head + n === cap ? 0 : head + n;
      got += n;
      unreleased += n;
    }
    h[HEAD] = head;
    Atomics.sub(h, COUNT, 1);
    this.#release(unreleased);
    return target;
  }

  /** Waits until a message is there or no writer is left (true), or until `deadline` (false). */
  *readableSteps(deadline: number): Steps<boolean> {
    const ready = (yield* this.#awaitItem(deadline)) || this.writersGone();
    if (ready && Atomics.load(this.#h, ITEM_WAITERS) > 0) Atomics.notify(this.#h, COUNT, 1);
    return ready;
  }

  /** Whether the last writer has closed. */
  writersGone(): boolean {
    return Atomics.load(this.#h, COUNT) < 0;
  }
}
