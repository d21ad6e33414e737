/**
 * Where the plugins' read functions (statuses, locks, limits) read from: a Resque instance, an
 * Admin (as the dashboard and CLI hold one), or `{ redis, namespace }` (an ioredis client, or
 * connection options).
 */
import type { Admin } from "./index.js";
import type { RedisConnectionOption } from "../redis/connection.js";
import { DataStore } from "../redis/store.js";
import { attachedStore } from "../redis/store-of.js";
import type { Resque } from "../resque.js";

export type ReadSource = Resque | Admin | { redis: RedisConnectionOption; namespace?: string };

const stores = new WeakMap<object, DataStore>();

/** The store of a source. `{ redis, namespace }` objects get one store each (kept while the object lives). */
export function storeOf(source: ReadSource): DataStore {
  const attached = attachedStore(source);
  if (attached) return attached;
  let store = stores.get(source);
  if (!store) {
    const { redis, namespace } = source as { redis: RedisConnectionOption; namespace?: string };
    store = new DataStore({ redis, namespace });
    stores.set(source, store);
  }
  return store;
}
