/**
 * polycore: Python's `multiprocessing` for TypeScript, on Node, Deno and Bun,
 * over worker threads and child processes.
 *
 * @example Run a function in a worker
 * ```ts
 * import { Process } from "./mod.ts";
 * const p = new Process({ target: (n: number) => console.log(n * n), args: [7] });
 * p.start();
 * await p.join();
 * ```
 *
 * @module
 */
export { activeChildren, Process, type ProcessOptions } from "./lib/process.ts";
export {
  type CallOptions,
  type ImapOptions,
  type MapOptions,
  Pool,
  type PoolOptions,
} from "./lib/pool.ts";
export { IMapIterator } from "./lib/imap_iterator.ts";
export type { PoolStats } from "./lib/_pool_stats.ts";
export type { Percentiles } from "./lib/_stats.ts";
export { AsyncResult, type ResultCallbacks } from "./lib/async_result.ts";
export { Manager, type ManagerOptions } from "./lib/manager.ts";
export {
  ArrayProxy,
  DictProxy,
  JoinableQueueProxy,
  ListProxy,
  NamespaceProxy,
  QueueProxy,
  type TimeoutOptions,
  ValueProxy,
} from "./lib/manager_proxies.ts";
export { ManagerProxy, type ProxyState } from "./lib/_manager_proxy.ts";
export type { ManagedKind, ManagerAddress } from "./lib/_manager_protocol.ts";
export { ConnectionProxy } from "./lib/manager_pipe.ts";
export {
  AcquirerProxy,
  BarrierProxy,
  type BarrierState,
  ConditionProxy,
  EventProxy,
} from "./lib/manager_sync_proxies.ts";
export {
  type ExecutorMapOptions,
  type ExecutorOptions,
  ProcessPoolExecutor,
} from "./lib/executor.ts";
export { Future } from "./lib/future.ts";
export {
  asCompleted,
  type FutureValue,
  type ReturnWhen,
  wait,
  type WaitResult,
} from "./lib/as_completed.ts";
export { currentProcess, parentProcess, type ProcessInfo } from "./lib/current_process.ts";
export { type Context, cpuCount, getContext, runtime, type RuntimeInfo } from "./lib/context.ts";
export {
  fromModule,
  type ModuleTask,
  type ModuleTaskLocation,
  type Task,
  type TaskModule,
  taskRefKey,
} from "./lib/task.ts";
export {
  type Handle,
  type HandleDescriptor,
  registerHandleType,
  toDescriptor,
  transfer,
} from "./lib/_serialize.ts";
export { registerErrorClass } from "./lib/_error_codec.ts";
export type { Backend } from "./lib/_validate.ts";
// Shared memory and synchronization (thread backend): SharedArrayBuffer + Atomics.
export { Lock, RLock, type WaitOptions } from "./lib/lock.ts";
export { BoundedSemaphore, Semaphore } from "./lib/semaphore.ts";
export { Event } from "./lib/event.ts";
export { Condition } from "./lib/condition.ts";
export { Barrier, type BarrierAction, type BarrierOptions } from "./lib/barrier.ts";
export {
  RawValue,
  type SynchronizedOptions,
  type Typecode,
  Value,
  type ValueOf,
  type ViewOf,
} from "./lib/shared_value.ts";
export { RawArray, SharedArray } from "./lib/shared_array.ts";
export { type AttachOptions, SharedMemory, type SharedMemoryOptions } from "./lib/shared_memory.ts";
export { type ShareableItem, ShareableList } from "./lib/shareable_list.ts";
// Queues and pipes (thread backend): a ring buffer in shared memory, items copied in and out.
export { type BufferOptions, Queue } from "./lib/queue.ts";
export { JoinableQueue } from "./lib/joinable_queue.ts";
export { SimpleQueue } from "./lib/simple_queue.ts";
export { Connection, Pipe } from "./lib/pipe.ts";
export { EOFError } from "./lib/errors.ts";
export {
  BrokenBarrierError,
  CancelledError,
  PoolTerminatedError,
  ProcessError,
  QueueEmptyError,
  QueueFullError,
  RemoteError,
  TaskDeliveryError,
  TimeoutError,
  WorkerExitedError,
  type WorkerExitInfo,
} from "./lib/errors.ts";
// Beyond one machine: a Pool's workers on other hosts, over NATS JetStream (optional peers).
export type { NatsPoolOptions } from "./lib/nats/pool_options.ts";
export type { NatsConnectOptions } from "./lib/nats/_broker.ts";
export {
  NatsJoinableQueue,
  NatsQueue,
  type NatsQueueOptions,
  type NatsWaitOptions,
} from "./lib/nats/nats_queue.ts";
export {
  serveWorkers,
  type ServeWorkersOptions,
  type WorkerHost,
  type WorkerHostStats,
} from "./lib/nats/serve_workers.ts";
