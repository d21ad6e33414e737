/** Locks held by the unique plugin, for dashboards (resque-lock-timeout's keys, listed through our index). */
import type { StoredLock } from "../redis/stores/lock-store.js";
import { storeOf, type ReadSource } from "./read-source.js";

export type { StoredLock as HeldLock } from "../redis/stores/lock-store.js";

/** Locks held now (`lock:…` while a job runs, `loner:lock:…` while it is queued), `limit` from `offset`. */
export async function listLocks(source: ReadSource, paging: { offset?: number; limit?: number } = {}): Promise<{ total: number; locks: StoredLock[] }> {
  const store = storeOf(source).locks;
  return store.held(Math.max(0, Math.trunc(paging.offset ?? 0)), Math.max(0, Math.trunc(paging.limit ?? 100)));
}
