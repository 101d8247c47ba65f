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
export { activeChildren, Process, type ProcessOptions } from "./lib/process/process.ts";
export {
  type CallOptions,
  type ImapOptions,
  type MapOptions,
  Pool,
  type PoolOptions,
} from "./lib/pool/pool.ts";
export { IMapIterator } from "./lib/pool/imap_iterator.ts";
export type { PoolStats } from "./lib/pool/pool_stats.ts";
export type { Percentiles } from "./lib/pool/percentiles.ts";
export { AsyncResult, type ResultCallbacks } from "./lib/pool/async_result.ts";
export { Manager, type ManagerOptions } from "./lib/manager/manager.ts";
export {
  ArrayProxy,
  DictProxy,
  JoinableQueueProxy,
  ListProxy,
  NamespaceProxy,
  QueueProxy,
  type TimeoutOptions,
  ValueProxy,
} from "./lib/manager/proxies.ts";
export { ManagerProxy, type ProxyState } from "./lib/manager/proxy.ts";
export type { ManagedKind, ManagerAddress } from "./lib/manager/protocol.ts";
export { ConnectionProxy } from "./lib/manager/connection_proxy.ts";
export {
  AcquirerProxy,
  BarrierProxy,
  type BarrierState,
  ConditionProxy,
  EventProxy,
} from "./lib/manager/sync_proxies.ts";
export {
  type ExecutorMapOptions,
  type ExecutorOptions,
  ProcessPoolExecutor,
} from "./lib/futures/executor.ts";
export { Future } from "./lib/futures/future.ts";
export {
  asCompleted,
  type FutureValue,
  type ReturnWhen,
  wait,
  type WaitResult,
} from "./lib/futures/as_completed.ts";
export { currentProcess, parentProcess, type ProcessInfo } from "./lib/process/current_process.ts";
export { type Context, cpuCount, getContext, runtime, type RuntimeInfo } from "./lib/context.ts";
export {
  fromModule,
  type ModuleTask,
  type ModuleTaskLocation,
  type Task,
  type TaskModule,
  taskRefKey,
} from "./lib/task/task.ts";
export {
  type Handle,
  type HandleDescriptor,
  registerHandleType,
  toDescriptor,
  transfer,
} from "./lib/task/values.ts";
export { registerErrorClass } from "./lib/task/error_codec.ts";
export type { Backend } from "./lib/context.ts";
// Shared memory and synchronization (thread backend): SharedArrayBuffer + Atomics.
export { Lock, RLock, type WaitOptions } from "./lib/sync/lock.ts";
export { BoundedSemaphore, Semaphore } from "./lib/sync/semaphore.ts";
export { Event } from "./lib/sync/event.ts";
export { Condition } from "./lib/sync/condition.ts";
export { Barrier, type BarrierAction, type BarrierOptions } from "./lib/sync/barrier.ts";
export {
  RawValue,
  type SynchronizedOptions,
  type Typecode,
  Value,
  type ValueOf,
  type ViewOf,
} from "./lib/shared/shared_value.ts";
export { RawArray, SharedArray } from "./lib/shared/shared_array.ts";
export {
  type AttachOptions,
  SharedMemory,
  type SharedMemoryOptions,
} from "./lib/shared/shared_memory.ts";
export { type ShareableItem, ShareableList } from "./lib/shared/shareable_list.ts";
// Queues and pipes (thread backend): a ring buffer in shared memory, items copied in and out.
export { type BufferOptions, Queue } from "./lib/queues/queue.ts";
export { JoinableQueue } from "./lib/queues/joinable_queue.ts";
export { SimpleQueue } from "./lib/queues/simple_queue.ts";
export { Connection, Pipe } from "./lib/queues/pipe.ts";
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
