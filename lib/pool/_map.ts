/**
 * `map`-style work over many items: chunking (explicit, or sized from the
 * pool's measured cost per item), and the lazy, bounded streams behind
 * `imap` and `imapUnordered`.
 *
 * @module
 */
import { itemsPerMessage } from "./_task_estimates.ts";
import { copyResults, packNumbers } from "../task/_packed.ts";
import { chunkProgress } from "./_chunk_progress.ts";

/** Submits one chunk; `cancel` withdraws it if it has not started. */
export interface ChunkRunner {
  submit(
    items: unknown[],
    offset: number,
  ): { promise: Promise<ArrayLike<unknown>>; cancel(): void };
  /** Estimated run time of one item, once measured (ms). */
  estimateMs(): number | undefined;
}

/** Options of a stream. */
export interface StreamOptions {
  readonly chunksize?: number;
  readonly buffersize: number;
  readonly ordered: boolean;
  /** Yield a {@linkcode ChunkFailure} for a failed chunk and go on, instead of throwing. */
  readonly continueOnError?: boolean;
}

/** What a stream that goes on after errors yields in place of a failed chunk's results. */
export class ChunkFailure {
  /** The chunk's error. */
  readonly error: unknown;
  /** @param error The chunk's error. */
  constructor(error: unknown) {
    this.error = error;
  }
}

/** A chunk submitted to the pool: its results, and how to withdraw it. */
type Submitted = { promise: Promise<unknown>; cancel(): void };

/** Chunks of up to this many items take microseconds to make (see {@linkcode mapInChunks}). */
const quickChunkItems = 64;

/**
 * `map` over collected items: chunks of `size` (numbers packed, when `pack`). Small chunks of a
 * first round (`firstRound`, one per worker) are submitted together, so the scheduler sends them
 * one right after the other, as a program would start its workers; so are those of a map of two
 * small chunks a worker or fewer, which the scheduler may send as one message per worker (see
 * `tailShare` in `_batching.ts`). Other chunks are each submitted
 * before the next is made, so workers run while the rest are packed (a large chunk held back for
 * the next costs its worker more than a late start costs the next worker). Each chunk's results
 * are copied as they arrive, while the workers run the next ones. A failure withdraws the chunks
 * not started.
 */
export async function mapInChunks(
  items: unknown[],
  size: number,
  pack: boolean,
  firstRound: number,
  submit: (chunk: unknown[] | Float64Array, offset: number) => Submitted,
): Promise<unknown[]> {
  const chunks: Submitted[] = [];
  const count = Math.ceil(items.length / size);
  for (let offset = 0; offset < items.length; offset += size) {
    const end = Math.min(items.length, offset + size);
    chunks.push(
      submit(
        (pack ? packNumbers(items, offset, end) : undefined) ?? items.slice(offset, end),
        offset,
      ),
    );
    // Lets the scheduler send the chunks so far before the next is packed.
    const together = (chunks.length < firstRound || count <= 2 * firstRound) &&
      size <= quickChunkItems;
    if (end < items.length && !together) await undefined;
  }
  try {
    const out = new Array<unknown>(items.length);
    await Promise.all(
      chunks.map((chunk, i) =>
        chunk.promise.then((results) => copyResults(out, i * size, results as ArrayLike<unknown>))
      ),
    );
    return out;
  } catch (error) {
    for (const chunk of chunks) chunk.cancel();
    throw error;
  }
}

/** Python's automatic chunksize for a known length: `ceil(length / (4 × workers))`. */
export function automaticChunksize(length: number, workers: number): number {
  return Math.max(1, Math.ceil(length / (4 * workers)));
}

/** Collects a sync or async iterable. */
export async function collect<T>(iterable: Iterable<T> | AsyncIterable<T>): Promise<T[]> {
  if (Array.isArray(iterable)) return iterable;
  const items: T[] = [];
  for await (const item of iterable as AsyncIterable<T>) items.push(item);
  return items;
}

function adaptiveChunksize(runner: ChunkRunner): number {
  return itemsPerMessage(runner.estimateMs());
}

/** A submitted chunk: its items and where they start, to run the rest after a failed one. */
type Chunk = {
  promise: Promise<ArrayLike<unknown>>;
  cancel(): void;
  readonly items: unknown[];
  readonly offset: number;
};
type Settled = { ok: true; results: ArrayLike<unknown> } | {
  ok: false;
  error: unknown;
  chunk: Chunk;
};

/**
 * Results of `runner` over `source`, consuming it lazily with at most
 * `buffersize` chunks submitted and not yet yielded. Input is pulled in the
 * background, so results flow while a slow source is still producing. An
 * input that throws yields the results of every item before the failure,
 * then throws; leaving the loop early withdraws queued chunks and closes the
 * source (`return()`).
 */
export async function* streamResults<T>(
  runner: ChunkRunner,
  source: Iterable<T> | AsyncIterable<T>,
  options: StreamOptions,
): AsyncGenerator<unknown, void, undefined> {
  const iterator = Symbol.asyncIterator in source
    ? (source as AsyncIterable<T>)[Symbol.asyncIterator]()
    : (source as Iterable<T>)[Symbol.iterator]();
  /** Submitted chunks in input order; unordered, only those not settled yet. */
  const inFlight: Chunk[] = [];
  /** Unordered: settled chunks waiting to be yielded. */
  const finished: Settled[] = [];
  /** 1 while the results of a chunk are being yielded: it still holds its slot. */
  let yielding = 0;
  let exhausted = false;
  let stopped = false;
  let inputError: { error: unknown } | undefined;
  let offset = 0;
  let pumping: Promise<void> | undefined;
  let wake: (() => void) | undefined;

  const notify = () => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  const changed = () => new Promise<void>((resolve) => wake = resolve);
  const held = () => inFlight.length + finished.length + yielding;

  /** Submits `items`, the input's from `at`; first in line (in order) when `first`. */
  function submit(items: unknown[], at: number, first = false): void {
    const chunk: Chunk = { ...runner.submit(items, at), items, offset: at };
    if (first) inFlight.unshift(chunk);
    else inFlight.push(chunk);
    if (options.ordered) {
      chunk.promise.catch(() => {}); // reported when its turn comes, or dropped on early exit
    } else {
      const settle = (settled: Settled) => {
        inFlight.splice(inFlight.indexOf(chunk), 1);
        finished.push(settled);
        notify();
      };
      chunk.promise.then(
        (results) => settle({ ok: true, results }),
        (error) => settle({ ok: false, error, chunk }),
      );
    }
    notify();
  }

  /** Pulls input and submits chunks until `buffersize` chunks are held or the input ends. */
  async function fill(): Promise<void> {
    while (!exhausted && !stopped && held() < options.buffersize) {
      const count = options.chunksize ?? adaptiveChunksize(runner);
      const items: unknown[] = [];
      try {
        while (items.length < count) {
          const next = await iterator.next();
          if (next.done) {
            exhausted = true;
            break;
          }
          items.push(next.value);
        }
      } catch (error) {
        exhausted = true;
        inputError = { error };
      }
      if (stopped || items.length === 0) return;
      submit(items, offset);
      offset += items.length;
    }
  }

  /** Starts filling in the background, unless it is running or there is nothing to do. */
  function pump(): void {
    if (pumping || exhausted || stopped || held() >= options.buffersize) return;
    pumping = fill().catch((error) => {
      exhausted = true;
      inputError ??= { error };
    }).finally(() => {
      pumping = undefined;
      notify();
    });
  }

  /** Waits until `ready()`; false once nothing more can come (the input ended, nothing held). */
  async function until(ready: () => boolean): Promise<boolean> {
    while (!ready()) {
      pump();
      if (!pumping && inFlight.length === 0 && finished.length === 0) return false;
      await changed();
    }
    return true;
  }

  try {
    while (true) {
      let settled: Settled;
      if (options.ordered) {
        if (!await until(() => inFlight.length > 0)) break;
        yielding = 1;
        const chunk = inFlight.shift()!;
        settled = await chunk.promise.then(
          (results): Settled => ({ ok: true, results }),
          (error): Settled => ({ ok: false, error, chunk }),
        );
      } else {
        if (!await until(() => finished.length > 0)) break;
        yielding = 1;
        settled = finished.shift()!;
      }
      if (!settled.ok) {
        // Known how far the chunk got: its results before the failing item, that item's error,
        // how the items that ran after it ended, then the rest run anew (first in line), as if
        // chunks were single items.
        const { error, chunk } = settled;
        const progress = chunkProgress(error);
        if (progress) { for (const result of progress.before) yield result; }
        if (!options.continueOnError) throw error;
        yield new ChunkFailure(error);
        for (const end of progress?.after ?? []) {
          yield end.ok ? end.value : new ChunkFailure(end.error);
        }
        const next = progress ? progress.index + 1 + progress.after.length : chunk.items.length;
        if (progress && next < chunk.items.length && !stopped) {
          submit(chunk.items.slice(next), chunk.offset + next, true);
        }
        yielding = 0;
        pump();
        continue;
      }
      const { results } = settled;
      for (let i = 0; i < results.length; i++) yield results[i];
      yielding = 0;
      pump();
    }
    if (inputError) throw inputError.error;
  } finally {
    stopped = true;
    for (const chunk of inFlight) chunk.cancel();
    if (!exhausted) await iterator.return?.();
  }
}
