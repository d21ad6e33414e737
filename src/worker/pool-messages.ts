/** Messages between a worker pool's master and its child processes (over the fork IPC channel). */

export type ChildMessage =
  | { type: "ready"; ids: string[] }
  /** A job began; the master watches its deadline (the child may be too stuck to report). */
  | { type: "start"; workerId: string; reservation: string; queue: string; payload: string; timeoutMs: number | undefined }
  | { type: "end"; workerId: string };

export type MasterMessage = { type: "stop"; immediate: boolean };

export function isChildMessage(value: unknown): value is ChildMessage {
  return typeof value === "object" && value !== null && typeof (value as { type?: unknown }).type === "string";
}
