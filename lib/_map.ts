/**
 * `map`-style work over many items: chunking (explicit, or sized from the
 * pool's measured cost per item), and the lazy, bounded streams behind
 * `imap` and `imapUnordered`.
 *
 * @module
 */

/** Submits one chunk; `cancel` withdraws it if it has not started. */
export interface ChunkRunner {
  submit(items: unknown[], offset: number): { promise: Promise<unknown[]>; cancel(): void };
  /** Estimated run time of one item, once measured (ms). */
  estimateMs(): number | undefined;
}

/** Options of a stream. */
export interface StreamOptions {
  readonly chunksize?: number;
  readonly buffersize: number;
  readonly ordered: boolean;
}

const targetChunkMs = 2;
const maxAdaptiveChunk = 4096;

/** Python's automatic chunksize for a known length: `ceil(length / (4 × workers))`. */
export function automaticChunksize(length: number, workers: number): number {
  return Math.max(1, Math.ceil(length / (4 * workers)));
}

/** Splits items into chunks of `size`. */
export function toChunks<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/** Collects a sync or async iterable. */
export async function collect<T>(iterable: Iterable<T> | AsyncIterable<T>): Promise<T[]> {
  if (Array.isArray(iterable)) return iterable;
  const items: T[] = [];
  for await (const item of iterable as AsyncIterable<T>) items.push(item);
  return items;
}

function adaptiveChunksize(runner: ChunkRunner): number {
  const estimate = runner.estimateMs();
  if (estimate === undefined) return 1;
  return Math.max(
    1,
    Math.min(maxAdaptiveChunk, Math.round(targetChunkMs / Math.max(estimate, 1e-6))),
  );
}

type Settled = { ok: true; results: unknown[] } | { ok: false; error: unknown };

/**
 * Results of `runner` over `source`, consuming it lazily with at most
 * `buffersize` chunks in flight. An input that throws yields what was
 * already computed, then throws; leaving the loop early withdraws queued chunks.
 */
export async function* streamResults<T>(
  runner: ChunkRunner,
  source: Iterable<T> | AsyncIterable<T>,
  options: StreamOptions,
): AsyncGenerator<unknown, void, undefined> {
  const iterator = Symbol.asyncIterator in source
    ? (source as AsyncIterable<T>)[Symbol.asyncIterator]()
    : (source as Iterable<T>)[Symbol.iterator]();
  const inFlight: { promise: Promise<unknown[]>; cancel(): void }[] = [];
  const finished: Settled[] = [];
  let wake: (() => void) | undefined;
  let exhausted = false;
  let inputError: { error: unknown } | undefined;
  let offset = 0;

  async function pull(count: number): Promise<unknown[]> {
    const items: unknown[] = [];
    while (items.length < count) {
      const next = await iterator.next();
      if (next.done) {
        exhausted = true;
        break;
      }
      items.push(next.value);
    }
    return items;
  }

  async function fill(): Promise<void> {
    while (!exhausted && inFlight.length < options.buffersize) {
      let items: unknown[];
      try {
        items = await pull(options.chunksize ?? adaptiveChunksize(runner));
      } catch (error) {
        exhausted = true;
        inputError = { error };
        return;
      }
      if (items.length === 0) return;
      const chunk = runner.submit(items, offset);
      offset += items.length;
      inFlight.push(chunk);
      if (options.ordered) {
        chunk.promise.catch(() => {}); // reported when its turn comes, or dropped on early exit
        continue;
      }
      chunk.promise.then(
        (results) => finished.push({ ok: true, results }),
        (error) => finished.push({ ok: false, error }),
      ).finally(() => {
        inFlight.splice(inFlight.indexOf(chunk), 1);
        wake?.();
      });
    }
  }

  try {
    while (true) {
      await fill();
      if (inFlight.length === 0 && finished.length === 0) {
        if (inputError) throw inputError.error;
        return;
      }
      let settled: Settled;
      if (options.ordered) {
        const head = inFlight.shift()!;
        settled = await head.promise.then(
          (results): Settled => ({ ok: true, results }),
          (error): Settled => ({ ok: false, error }),
        );
      } else {
        while (finished.length === 0) await new Promise<void>((resolve) => wake = resolve);
        settled = finished.shift()!;
      }
      if (!settled.ok) throw settled.error;
      yield* settled.results;
    }
  } finally {
    for (const chunk of inFlight) chunk.cancel();
    if (!exhausted) await iterator.return?.();
  }
}
