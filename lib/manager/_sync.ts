/**
 * The synchronization objects a manager's server holds: Lock, RLock,
 * Semaphore, BoundedSemaphore, Event, Condition and Barrier. Ownership is by
 * client connection (one per thread or process), like Python's by thread.
 *
 * @module
 */
import type { Managed } from "./_data.ts";
import { unknownMethod } from "./_data.ts";
import { deadlineOf, remaining, Waiters } from "./_waiters.ts";
import { BrokenBarrierError, ProcessError } from "../errors.ts";

type Timeout = number | undefined;

/** `manager.Lock()` and `manager.RLock()`. */
export class ManagedLock implements Managed {
  readonly #reentrant: boolean;
  readonly #waiters = new Waiters();
  #owner = -1;
  #count = 0;

  constructor(reentrant: boolean) {
    this.#reentrant = reentrant;
  }

  /** Takes the lock for `caller`; `false` when `timeoutMs` passed first. */
  async acquire(caller: number, timeoutMs: Timeout): Promise<boolean> {
    if (this.#reentrant && this.#owner === caller) {
      this.#count++;
      return true;
    }
    const deadline = deadlineOf(timeoutMs);
    while (this.#count > 0) {
      if (!await this.#waiters.wait(remaining(deadline))) return false;
    }
    this.#owner = caller;
    this.#count = 1;
    return true;
  }

  /** Releases one level; throws when `caller` may not. */
  release(caller: number): void {
    if (this.#count === 0) throw new ProcessError("Cannot release an unlocked lock");
    if (this.#reentrant && this.#owner !== caller) {
      throw new ProcessError("Cannot release an RLock held by another thread or process");
    }
    if (--this.#count === 0) {
      this.#owner = -1;
      this.#waiters.wake();
    }
  }

  /** Releases every level held by `caller` (for Condition.wait); returns how many. */
  releaseAll(caller: number): number {
    const levels = this.#reentrant ? this.#count : 1;
    if (this.#count === 0 || (this.#reentrant && this.#owner !== caller)) {
      throw new ProcessError("Cannot wait on a condition without holding its lock");
    }
    this.#count = 0;
    this.#owner = -1;
    this.#waiters.wake();
    return levels;
  }

  /** Takes `levels` levels back for `caller`. */
  async reacquire(caller: number, levels: number): Promise<void> {
    await this.acquire(caller, undefined);
    this.#count = levels;
  }

  /** Whether `caller` holds it (any holder, for a plain Lock). */
  heldBy(caller: number): boolean {
    return this.#count > 0 && (!this.#reentrant || this.#owner === caller);
  }

  call(method: string, args: readonly unknown[], caller: number): unknown {
    switch (method) {
      case "acquire":
        return this.acquire(caller, args[0] as Timeout);
      case "release":
        return this.release(caller);
      case "locked":
        return this.#count > 0;
    }
    return unknownMethod(this.#reentrant ? "RLock" : "Lock", method);
  }
}

/** `manager.Semaphore(value)` and `manager.BoundedSemaphore(value)`. */
export class ManagedSemaphore implements Managed {
  readonly #bound: number | undefined;
  readonly #waiters = new Waiters();
  #value: number;

  constructor(value: unknown, bounded: boolean) {
    const initial = Number(value ?? 1);
    if (!Number.isInteger(initial) || initial < 0) {
      throw new RangeError(
        `Cannot create semaphore as 'value' must be an integer >= 0: received ${String(value)}`,
      );
    }
    this.#value = initial;
    this.#bound = bounded ? initial : undefined;
  }

  async #acquire(timeoutMs: Timeout): Promise<boolean> {
    const deadline = deadlineOf(timeoutMs);
    while (this.#value === 0) {
      if (!await this.#waiters.wait(remaining(deadline))) return false;
    }
    this.#value--;
    return true;
  }

  call(method: string, args: readonly unknown[]): unknown {
    switch (method) {
      case "acquire":
        return this.#acquire(args[0] as Timeout);
      case "release": {
        const n = Number(args[0] ?? 1);
        if (this.#bound !== undefined && this.#value + n > this.#bound) {
          throw new ProcessError("Semaphore released too many times");
        }
        this.#value += n;
        this.#waiters.wake(n);
        return undefined;
      }
      case "value":
        return this.#value;
    }
    return unknownMethod(this.#bound === undefined ? "Semaphore" : "BoundedSemaphore", method);
  }
}

/** `manager.Event()`. */
export class ManagedEvent implements Managed {
  readonly #waiters = new Waiters();
  #set = false;

  call(method: string, args: readonly unknown[]): unknown {
    switch (method) {
      case "set":
        this.#set = true;
        this.#waiters.wakeAll();
        return undefined;
      case "clear":
        this.#set = false;
        return undefined;
      case "isSet":
        return this.#set;
      case "wait":
        return this.#set ? true : this.#waiters.wait(args[0] as Timeout).then(() => this.#set);
    }
    return unknownMethod("Event", method);
  }
}

/** `manager.Condition(lock?)`: over a managed Lock or RLock (an RLock by default). */
export class ManagedCondition implements Managed {
  readonly #lock: ManagedLock;
  readonly #waiters = new Waiters();

  constructor(lock: ManagedLock | undefined) {
    this.#lock = lock ?? new ManagedLock(true);
  }

  #checkHeld(caller: number, what: string): void {
    if (!this.#lock.heldBy(caller)) {
      throw new ProcessError(`Cannot ${what} on a condition without holding its lock`);
    }
  }

  async #wait(caller: number, timeoutMs: Timeout): Promise<boolean> {
    this.#checkHeld(caller, "wait");
    const levels = this.#lock.releaseAll(caller);
    try {
      return await this.#waiters.wait(timeoutMs);
    } finally {
      await this.#lock.reacquire(caller, levels);
    }
  }

  call(method: string, args: readonly unknown[], caller: number): unknown {
    switch (method) {
      case "acquire":
        return this.#lock.acquire(caller, args[0] as Timeout);
      case "release":
        return this.#lock.release(caller);
      case "wait":
        return this.#wait(caller, args[0] as Timeout);
      case "notify":
        this.#checkHeld(caller, "notify");
        this.#waiters.wake(Number(args[0] ?? 1));
        return undefined;
      case "notifyAll":
        this.#checkHeld(caller, "notify");
        this.#waiters.wakeAll();
        return undefined;
    }
    return unknownMethod("Condition", method);
  }
}

interface Round {
  readonly waiters: Waiters;
  passed: boolean;
}

/** `manager.Barrier(parties, { action, timeoutMs })`; `action` runs on the server. */
export class ManagedBarrier implements Managed {
  readonly #parties: number;
  readonly #action: (() => unknown) | undefined;
  readonly #timeoutMs: Timeout;
  #waiting = 0;
  #broken = false;
  #round: Round = { waiters: new Waiters(), passed: false };

  constructor(parties: unknown, action: (() => unknown) | undefined, timeoutMs: Timeout) {
    const n = Number(parties);
    if (!Number.isInteger(n) || n < 1) {
      throw new RangeError(
        `Cannot create barrier as 'parties' must be a positive integer: received ${
          String(parties)
        }`,
      );
    }
    this.#parties = n;
    this.#action = action;
    this.#timeoutMs = timeoutMs;
  }

  /** Fails the parties waiting now; `broken` stays until `reset()`. */
  #breakRound(): void {
    this.#broken = true;
    this.#waiting = 0;
    this.#round.waiters.wakeAll();
    this.#round = { waiters: new Waiters(), passed: false };
  }

  async #wait(timeoutMs: Timeout): Promise<number> {
    if (this.#broken) throw new BrokenBarrierError("The barrier is broken");
    const index = this.#waiting++;
    const round = this.#round;
    if (this.#waiting === this.#parties) {
      try {
        await this.#action?.();
      } catch (error) {
        this.#breakRound();
        throw error;
      }
      round.passed = true;
      this.#waiting = 0;
      this.#round = { waiters: new Waiters(), passed: false };
      round.waiters.wakeAll();
      return index;
    }
    const woken = await round.waiters.wait(timeoutMs ?? this.#timeoutMs);
    if (round.passed) return index;
    if (!woken && this.#round === round) this.#breakRound();
    throw new BrokenBarrierError("The barrier is broken");
  }

  call(method: string, args: readonly unknown[]): unknown {
    switch (method) {
      case "wait":
        return this.#wait(args[0] as Timeout);
      case "reset":
        if (this.#waiting > 0) this.#breakRound();
        this.#broken = false;
        return undefined;
      case "abort":
        this.#breakRound();
        return undefined;
      case "state":
        return { parties: this.#parties, nWaiting: this.#waiting, broken: this.#broken };
    }
    return unknownMethod("Barrier", method);
  }
}
