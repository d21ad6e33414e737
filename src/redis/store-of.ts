/**
 * The store behind a Resque (or an Admin), for the library's own modules (workers, plugins, the CLI) that hold
 * a Resque and must reach Redis. Not exported from the package: applications use the admin API.
 * It sits below the facade, so plugins reach it without importing the Resque class.
 */
import type { DataStore } from "./store.js";

const stores = new WeakMap<object, DataStore>();

export function attachStore(owner: object, store: DataStore): void {
  stores.set(owner, store);
}

/** The store attached to `owner` (a Resque or an Admin), or undefined. */
export function attachedStore(owner: object): DataStore | undefined {
  return stores.get(owner);
}

export function storeOf(owner: object): DataStore {
  const store = stores.get(owner);
  if (!store) throw new Error("resque-ts: this object has no Redis store attached (pass a Resque instance).");
  return store;
}
