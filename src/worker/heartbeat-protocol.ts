/** What the main thread and the heartbeat thread (heartbeat-thread.ts) share and say to each other. */
import type { PortableConnection } from "../redis/connection.js";

/** Index, in the shared Float64Array, of the main loop's last tick (epoch ms); slot deadlines follow. */
export const LOOP_TICK = 0;

export interface HeartbeatThreadData {
  connection: PortableConnection;
  namespace: string;
  ids: string[];
  intervalMs: number;
  /** How often the watchdog looks at the main loop. */
  watchEveryMs: number;
  /** The loop counts as blocked when it has not ticked for this long. */
  blockedAfterMs: number;
  /** Float64Array: [LOOP_TICK] last tick, then one job deadline per slot (0 = none). */
  shared: SharedArrayBuffer;
}

export type HeartbeatThreadMessage =
  | { type: "unregistered"; ids: string[] }
  | { type: "beat-failed"; message: string }
  | { type: "beat-restored" };
