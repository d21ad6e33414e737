/**
 * Where the plugins' read functions (statuses, locks, limits) read from: a Resque instance, or
 * `{ redis, namespace }` as a dashboard holds them (an ioredis client, or connection options).
 */
import type { RedisConnectionOption } from "../redis/connection.js";
import { DataStore } from "../redis/store.js";
import type { Resque } from "../resque.js";

export type ReadSource = Resque | { redis: RedisConnectionOption; namespace?: string };

const stores = new WeakMap<object, DataStore>();

/** The store of a source. `{ redis, namespace }` objects get one store each (kept while the object lives). */
export function storeOf(source: ReadSource): DataStore {
  if ("store" in source && source.store instanceof DataStore) return source.store;
  let store = stores.get(source);
  if (!store) {
    const { redis, namespace } = source as { redis: RedisConnectionOption; namespace?: string };
    store = new DataStore({ redis, namespace });
    stores.set(source, store);
  }
  return store;
}
