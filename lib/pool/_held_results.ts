/**
 * A pool worker's results that wait for its next batch's. Each result a worker sends wakes its
 * parent, and while every core computes that wake-up takes a core from a worker: on a 2-core
 * machine a `Pool(2).map` of four long calls lost ~0.2 ms a call to it. The last chunks of a
 * `map` need no such wake-up: the map settles with its last chunk anyway. So the parent marks a
 * batch `holdPrevious` when it needs none of the worker's results before that batch's (see
 * `Scheduler`), and a worker that finds such a batch already in hand when one ends keeps that
 * one's results, and sends them just before the next batch's own: the parent wakes once for both.
 *
 * A batch that arrives without the mark sends whatever is held at once, before it runs; so does
 * the worker's exit. A child process learns of a batch in hand only on its event loop's next
 * poll, so there a map chunk's results wait for that poll ({@linkcode HeldResults.endedAwaiting}),
 * where the runtime has a quick way to wait for it (Node and Bun: a few µs; not Deno, whose child
 * processes never hold); a thread takes its port's messages at once.
 *
 * @module
 */

/**
 * The results a worker holds back for its next batch's.
 *
 * @example
 * ```ts
 * import { HeldResults } from "./_held_results.ts";
 * const sent: string[] = [];
 * const held = new HeldResults<string>((message) => sent.push(message), queueMicrotask);
 * held.arrived(true); // a batch in hand that holds the results before it
 * held.ended("first", true); // the batch before it ended: held
 * held.ended("second", false); // the holding batch ended: both go, in order
 * console.log(sent); // ["first", "second"]
 * ```
 */
export class HeldResults<Message> {
  readonly #send: (message: Message) => void;
  readonly #afterNextPoll: ((fn: () => void) => void) | undefined;
  readonly #held: Message[] = [];
  /** Whether the newest batch to arrive holds the results of those before it. */
  #holding = false;
  #arrivals = 0;

  /**
   * @param send Sends one batch's results to the parent.
   * @param afterNextPoll Runs a function once the event loop has polled for I/O again (see
   *   `Runtime.afterNextPoll`); without it, {@linkcode endedAwaiting} sends at once.
   */
  constructor(send: (message: Message) => void, afterNextPoll?: (fn: () => void) => void) {
    this.#send = send;
    this.#afterNextPoll = afterNextPoll;
  }

  /** A batch arrived; unless it holds the results before it (`holdPrevious`), they go now. */
  arrived(holdPrevious: boolean): void {
    this.#arrivals++;
    this.#holding = holdPrevious;
    if (!holdPrevious) this.flush();
  }

  /**
   * A batch ended with `message`. With another batch in hand (`inHand`) that holds it, it waits
   * for that batch's; otherwise it goes now, after those held before it.
   */
  ended(message: Message, inHand: boolean): void {
    this.#held.push(message);
    if (!(inHand && this.#holding)) this.flush();
  }

  /**
   * A batch ended with `message` and none is in hand yet, but one may be waiting where only the
   * event loop reads (a child process's channel): `message` goes once the loop has polled again,
   * unless a batch that holds it arrived by then (then it goes with that batch's).
   */
  endedAwaiting(message: Message): void {
    if (this.#afterNextPoll === undefined) return this.ended(message, false);
    this.#held.push(message);
    const arrivals = this.#arrivals;
    this.#afterNextPoll(() => {
      if (this.#arrivals === arrivals) this.flush();
    });
  }

  /** Sends every held message now, oldest first. */
  flush(): void {
    for (const message of this.#held.splice(0)) this.#send(message);
  }
}
