/** What the main thread and the heartbeat thread (heartbeat-thread.ts) share and say to each other. */
import type { PortableConnection } from "../redis/connection.js";

/** Index, in the shared Float64Array, of the main loop's last tick (epoch ms). */
export const LOOP_TICK = 0;
/** Index of the last heartbeat Redis acknowledged, from either thread (epoch ms). */
export const LAST_BEAT = 1;
/** Index of slot 0's job deadline; slot n's is at FIRST_DEADLINE + n. */
export const FIRST_DEADLINE = 2;

export interface HeartbeatThreadData {
  connection: PortableConnection;
  namespace: string;
  ids: string[];
  intervalMs: number;
  /** How often the watchdog looks at the main loop. */
  watchEveryMs: number;
  /** The loop counts as blocked when it has not ticked for this long. */
  blockedAfterMs: number;
  /** Float64Array: [LOOP_TICK] last tick, [LAST_BEAT] last heartbeat, then one job deadline per slot (0 = none). */
  shared: SharedArrayBuffer;
}

export type HeartbeatThreadMessage =
  | { type: "unregistered"; ids: string[] }
  | { type: "beat-failed"; message: string }
  | { type: "beat-restored" };
