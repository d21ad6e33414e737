/**
 * One heartbeat: the worker ids' heartbeat times set to Redis's clock. Sent by the main thread
 * while its event loop runs, and by the heartbeat thread while that loop is blocked; the thread
 * loads this module (and with it the Redis client) only then, so a worker whose loop never blocks
 * carries no second client in its thread (about 11 MB of resident memory).
 */
import { DataStore } from "../redis/store.js";
import { isoWithOffset } from "../redis/time-formats.js";
import type { HeartbeatRegistration } from "./heartbeat-protocol.js";

/** Sends one heartbeat; resolves with the ids Redis no longer lists as workers (pruned elsewhere). */
export async function sendHeartbeat(store: DataStore, ids: readonly string[]): Promise<string[]> {
  const now = new Date(await store.time());
  return store.workers.heartbeat(ids, isoWithOffset(now));
}

export interface ThreadSender {
  send(): Promise<string[]>;
  close(): Promise<void>;
}

/** The thread's sender for one worker: a connection of its own, made from the settings the main thread copied. */
export function threadHeartbeat(registration: HeartbeatRegistration): ThreadSender {
  const store = new DataStore({ redis: registration.connection, namespace: registration.namespace });
  store.client.on("error", () => {}); // reconnects by itself; a late beat is reported by the thread
  return { send: () => sendHeartbeat(store, registration.ids), close: () => store.close() };
}
