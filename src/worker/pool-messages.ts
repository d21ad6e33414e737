/** Messages between a worker pool's master and its child processes (over the fork IPC channel). */

export type ChildMessage =
  /** The child's worker ids; with a sharded Resque also per shard (the same id may appear on several). */
  | { type: "ready"; ids: string[]; shards?: { namespace: string; ids: string[] }[] }
  /** A job began; the master watches its deadline (the child may be too stuck to report). `shard`: the namespace it runs on, when sharded. */
  | { type: "start"; workerId: string; reservation: string; queue: string; payload: string; timeoutMs: number | undefined; shard?: string }
  | { type: "end"; workerId: string; shard?: string };

export type MasterMessage = { type: "stop"; immediate: boolean };

export function isChildMessage(value: unknown): value is ChildMessage {
  return typeof value === "object" && value !== null && typeof (value as { type?: unknown }).type === "string";
}
