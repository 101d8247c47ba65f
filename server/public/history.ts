/**
 * The comparisons run in this browser, newest first, kept in `localStorage` (or any `Storage`)
 * under one key, at most `limit` of them. A stored value that is not such a list (another
 * version's, or edited by hand) counts as empty and is replaced by the next run.
 *
 * @module
 */
import type { RunRecord } from "./run_record.ts";

/** The storage key of the history. */
export const historyKey = "polycore.playground.history";

function isRecord(value: unknown): value is RunRecord {
  const r = value as RunRecord | null;
  return typeof r === "object" && r !== null && typeof r.id === "string" &&
    typeof r.query === "string" && typeof r.finishedAt === "string" &&
    typeof r.result === "object" && r.result !== null && Array.isArray(r.result.cells);
}

function isQuotaError(error: unknown): boolean {
  return error instanceof DOMException &&
    (error.name === "QuotaExceededError" || error.name === "NS_ERROR_DOM_QUOTA_REACHED");
}

/** The history of runs in one `Storage`. */
export class RunHistory {
  readonly #storage: Storage;
  readonly #limit: number;

  /** A history in `storage` (`localStorage` in the page) of at most `limit` runs (20). */
  constructor(storage: Storage, options: { readonly limit?: number } = {}) {
    const limit = options.limit ?? 20;
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError(
        `Cannot create the history as 'limit' must be a positive integer: received ${limit}`,
      );
    }
    this.#storage = storage;
    this.#limit = limit;
  }

  /** The runs, newest first. */
  list(): RunRecord[] {
    const text = this.#storage.getItem(historyKey);
    if (text === null) return [];
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return []; // not ours: replaced by the next add()
    }
    return Array.isArray(value) ? value.filter(isRecord) : [];
  }

  /** The run with this job id, if kept. */
  find(id: string): RunRecord | undefined {
    return this.list().find((record) => record.id === id);
  }

  /**
   * Keeps `record` first (replacing an older copy) and drops the oldest runs past the limit,
   * or while the storage is full.
   *
   * @throws {DOMException} `QuotaExceededError` when even `record` alone does not fit.
   */
  add(record: RunRecord): RunRecord[] {
    const runs = [record, ...this.list().filter((r) => r.id !== record.id)].slice(0, this.#limit);
    for (;;) {
      try {
        this.#storage.setItem(historyKey, JSON.stringify(runs));
        return runs;
      } catch (error) {
        if (!isQuotaError(error) || runs.length === 1) throw error;
        runs.pop();
      }
    }
  }

  /** Forgets every run. */
  clear(): void {
    this.#storage.removeItem(historyKey);
  }
}
