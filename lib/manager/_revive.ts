/**
 * Brings manager proxies to life where they arrive (a worker imports this
 * module on first sight of one): the proxy class per managed kind.
 *
 * @module
 */
import type { ManagedKind } from "./protocol.ts";
import { type ManagerProxy, type ProxyState, proxyType } from "./proxy.ts";
import { registerHandleType } from "../task/values.ts";
import {
  ArrayProxy,
  DictProxy,
  JoinableQueueProxy,
  ListProxy,
  NamespaceProxy,
  QueueProxy,
  ValueProxy,
} from "./proxies.ts";
import { AcquirerProxy, BarrierProxy, ConditionProxy, EventProxy } from "./sync_proxies.ts";
import { ConnectionProxy } from "./connection_proxy.ts";

const classes: Record<ManagedKind, new (state: ProxyState) => ManagerProxy> = {
  dict: DictProxy,
  list: ListProxy,
  Namespace: NamespaceProxy,
  Value: ValueProxy,
  Array: ArrayProxy,
  Queue: QueueProxy,
  JoinableQueue: JoinableQueueProxy,
  Lock: AcquirerProxy,
  RLock: AcquirerProxy,
  Semaphore: AcquirerProxy,
  BoundedSemaphore: AcquirerProxy,
  Event: EventProxy,
  Condition: ConditionProxy,
  Barrier: BarrierProxy,
  Pipe: ConnectionProxy,
};

/** The proxy for an object on a manager's server. */
export function makeProxy(state: ProxyState): ManagerProxy {
  return new classes[state.kind](state);
}

registerHandleType(proxyType, (state) => makeProxy(state as ProxyState));
