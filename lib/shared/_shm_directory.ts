/**
 * How `SharedMemory.attach(name)` finds a block by name from any thread of
 * the program. Each thread keeps the blocks it holds (made, attached, or
 * received as a handle) in a local table, and listens on a `BroadcastChannel`, which reaches every thread of the
 * program — workers started before the block was made and after alike. An
 * `attach` asks on the channel; any thread that holds the name answers with
 * its `SharedArrayBuffer`. A block's "unlinked" flag lives in its own shared
 * memory, so `unlink()` is seen by every thread at once.
 *
 * The channel opens on a thread's first block or attach and stays open; it
 * never keeps a program alive (it is unref'd). A pending attach does, through
 * its timeout timer.
 *
 * @module
 */
import { runtime } from "../../runtimes/mod.ts";

/** One block as this thread holds it. */
export interface Block {
  readonly buffer: SharedArrayBuffer;
  readonly size: number;
}

interface Entry extends Block {
  /** Open `SharedMemory` objects of this thread on the block. */
  holders: number;
}

type Message =
  | { readonly tag: "polycore.shm.want"; readonly id: string; readonly name: string }
  | { readonly tag: "polycore.shm.have"; readonly id: string; readonly block: Block };

const channelName = "polycore.shared_memory";
const table = new Map<string, Entry>();
const pending = new Map<string, (block: Block) => void>();
let channel: BroadcastChannel | undefined;
let requests = 0;

/** Bytes after the data: the int32 "unlinked" flag and the block's random id. */
export const TRAILER_BYTES = 8;

/** The trailer of a block: `[unlinked, id]`. */
export function trailerOf(block: Block): Int32Array {
  return new Int32Array(block.buffer, block.buffer.byteLength - TRAILER_BYTES, 2);
}

/** Stamps a new block with a random id, which tells blocks of the same name apart. */
export function stamp(block: Block): void {
  trailerOf(block)[1] = crypto.getRandomValues(new Int32Array(1))[0];
}

function idOf(block: Block): number {
  return trailerOf(block)[1];
}

function isUnlinked(block: Block): boolean {
  return Atomics.load(trailerOf(block), 0) === 1;
}

function onMessage(event: MessageEvent): void {
  const message = event.data as Message;
  if (message?.tag === "polycore.shm.want") {
    const entry = table.get(message.name);
    if (!entry) return;
    if (isUnlinked(entry)) {
      table.delete(message.name);
      return;
    }
    const block: Block = { buffer: entry.buffer, size: entry.size };
    channel?.postMessage({ tag: "polycore.shm.have", id: message.id, block } satisfies Message);
  } else if (message?.tag === "polycore.shm.have") {
    pending.get(message.id)?.(message.block);
  }
}

/**
 * Opens this thread's channel on first use, and keeps it: it is unref'd, and
 * Deno drops the subscription of a channel opened right after the thread's
 * last one closed (the old subscription is still shutting down).
 */
function openChannel(): BroadcastChannel {
  if (!channel) {
    channel = new BroadcastChannel(channelName);
    channel.onmessage = onMessage;
    runtime.unrefBroadcastChannel(channel);
  }
  return channel;
}

/** Records that this thread holds `block` under `name`; false when the name is taken here. */
export function register(name: string, block: Block, exclusive: boolean): boolean {
  const entry = table.get(name);
  if (entry && !isUnlinked(entry)) {
    if (exclusive) return false;
    // Another handle on the same memory (which arrives as a new object in each message).
    if (idOf(entry) === idOf(block)) entry.holders++;
    return true;
  }
  table.set(name, { ...block, holders: 1 });
  openChannel();
  return true;
}

/** Ends one hold of `name` by this thread. */
export function unregister(name: string, block: Block): void {
  const entry = table.get(name);
  if (!entry || idOf(entry) !== idOf(block)) return;
  if (--entry.holders === 0 || isUnlinked(entry)) table.delete(name);
}

/** Finds a block by name: in this thread, else from any thread that answers within `timeoutMs`. */
export function find(name: string, timeoutMs: number): Promise<Block | undefined> {
  const entry = table.get(name);
  if (entry && !isUnlinked(entry)) {
    return Promise.resolve({ buffer: entry.buffer, size: entry.size });
  }
  const id = `${Math.random().toString(36).slice(2)}-${++requests}`;
  return new Promise((resolve) => {
    const done = (block: Block | undefined): void => {
      clearTimeout(timer);
      pending.delete(id);
      resolve(block && !isUnlinked(block) ? block : undefined);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    pending.set(id, done);
    openChannel().postMessage({ tag: "polycore.shm.want", id, name } satisfies Message);
  });
}
