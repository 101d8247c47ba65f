/**
 * Brings manager proxies to life where they arrive (a worker imports this
 * module on first sight of one): the proxy class per managed kind.
 *
 * @module
 */
import type { ManagedKind } from "./protocol.ts";
import { type ManagerProxy, type ProxyState, proxyType } from "./proxy.ts";
import { registerHandleType } from "../task/values.ts";
import * as data from "./proxies.ts";
import * as sync from "./sync_proxies.ts";
import { ConnectionProxy } from "./connection_proxy.ts";

const classes: Record<ManagedKind, new (state: ProxyState) => ManagerProxy> = {
  dict: data.DictProxy,
  list: data.ListProxy,
  Namespace: data.NamespaceProxy,
  Value: data.ValueProxy,
  Array: data.ArrayProxy,
  Queue: data.QueueProxy,
  JoinableQueue: data.JoinableQueueProxy,
  Lock: sync.AcquirerProxy,
  RLock: sync.AcquirerProxy,
  Semaphore: sync.AcquirerProxy,
  BoundedSemaphore: sync.AcquirerProxy,
  Event: sync.EventProxy,
  Condition: sync.ConditionProxy,
  Barrier: sync.BarrierProxy,
  Pipe: ConnectionProxy,
};

/** The proxy for an object on a manager's server. */
export function makeProxy(state: ProxyState): ManagerProxy {
  return new classes[state.kind](state);
}

registerHandleType(proxyType, (state) => makeProxy(state as ProxyState));
