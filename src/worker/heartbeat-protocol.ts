/** What the main thread and the heartbeat thread (heartbeat-thread.ts) share and say to each other. */
import type { PortableConnection } from "../redis/connection.js";
import type { LoopWatchTiming } from "./loop-watch.js";

/** Index, in the shared Float64Array, of the number of the last ping the main loop answered (loop-watch.ts). */
export const LOOP_ANSWER = 0;
/** Index of the last heartbeat Redis acknowledged, from either thread (epoch ms). */
export const LAST_BEAT = 1;
/** Index of slot 0's job deadline; slot n's is at FIRST_DEADLINE + n. */
export const FIRST_DEADLINE = 2;

export interface HeartbeatThreadData {
  connection: PortableConnection;
  namespace: string;
  ids: string[];
  intervalMs: number;
  /** How often the thread looks at the main loop, and when an unanswered ping means it is blocked. */
  timing: LoopWatchTiming;
  /** Float64Array: [LOOP_ANSWER] last ping answered, [LAST_BEAT] last heartbeat, then one job deadline per slot (0 = none). */
  shared: SharedArrayBuffer;
}

export type HeartbeatThreadMessage =
  | { type: "ping"; number: number }
  | { type: "unregistered"; ids: string[] }
  | { type: "beat-failed"; message: string }
  | { type: "beat-restored" };
