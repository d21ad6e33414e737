/**
 * What the main thread and the process's heartbeat thread (heartbeat-thread.ts) share and say to
 * each other. One thread serves every worker of the process (heartbeat-thread-host.ts): each
 * worker is a registration, watched under a number of its own.
 */
import type { PortableConnection } from "../redis/connection.js";

/** Index, in the process's shared Float64Array, of the number of the last ping the main loop answered (loop-watch.ts). */
export const LOOP_ANSWER = 0;

/** Index, in a registration's shared Float64Array, of the last heartbeat Redis acknowledged, from either thread (epoch ms). */
export const LAST_BEAT = 0;
/** Index of slot 0's job deadline; slot n's is at FIRST_DEADLINE + n. */
export const FIRST_DEADLINE = 1;

/** What the thread starts with. */
export interface HeartbeatThreadData {
  /** Float64Array: [LOOP_ANSWER] the last ping the main loop answered. */
  loop: SharedArrayBuffer;
}

/** A worker's registration: what the thread needs to watch its jobs and beat for it. */
export interface HeartbeatRegistration {
  connection: PortableConnection;
  namespace: string;
  ids: string[];
  intervalMs: number;
  /** Float64Array: [LAST_BEAT] last heartbeat, then one job deadline per slot (0 = none). */
  shared: SharedArrayBuffer;
}

export type HeartbeatHostMessage =
  | { type: "watch"; watch: number; registration: HeartbeatRegistration }
  /** Stop beating for a registration; the thread answers "unwatched" once no beat of it is in flight. */
  | { type: "unwatch"; watch: number };

export type HeartbeatThreadMessage =
  | { type: "ping"; number: number }
  | { type: "unregistered"; watch: number; ids: string[] }
  | { type: "beat-failed"; watch: number; message: string }
  | { type: "beat-restored"; watch: number }
  | { type: "unwatched"; watch: number };
