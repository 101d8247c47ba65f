/**
 * A FIFO queue with O(1) push and shift (an array with a moving head).
 *
 * @module
 */

/** First in, first out. */
export class Deque<T> {
  #items: (T | undefined)[] = [];
  #head = 0;

  /** Number of items. */
  get length(): number {
    return this.#items.length - this.#head;
  }

  /** Adds an item at the back. */
  push(item: T): void {
    this.#items.push(item);
  }

  /** The front item, or `undefined`. */
  peek(): T | undefined {
    return this.#items[this.#head];
  }

  /** Removes and returns the front item, or `undefined`. */
  shift(): T | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head++] = undefined;
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }

  /** The items, front first. */
  *values(): IterableIterator<T> {
    for (let i = this.#head; i < this.#items.length; i++) yield this.#items[i] as T;
  }

  /** Removes every item, returning them in order. */
  drain(): T[] {
    const items = this.#items.slice(this.#head) as T[];
    this.#items = [];
    this.#head = 0;
    return items;
  }
}
