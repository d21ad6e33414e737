/**
 * Worker ids: Ruby Resque's `host:pid:queues`. Each concurrency slot registers as its own worker
 * so resque-web shows every running job; the slot number rides on the host part ("web1+3"),
 * because Ruby's pruner compares the pid part with running processes and must see the real pid.
 */
import { hostname } from "node:os";

/** The host name as it can appear in an id (Ruby splits ids on ":"). */
export function workerHost(host = hostname()): string {
  return host.replace(/:/g, "-");
}

export function slotIds(options: { host?: string; pid?: number; queues: readonly string[]; concurrency: number }): string[] {
  const host = workerHost(options.host);
  const pid = options.pid ?? process.pid;
  const queues = options.queues.join(",");
  if (options.concurrency === 1) return [`${host}:${pid}:${queues}`];
  return Array.from({ length: options.concurrency }, (_, i) => `${host}+${i + 1}:${pid}:${queues}`);
}

/** Splits an id into its parts; the host loses any "+slot" suffix. */
export function parseWorkerId(id: string): { host: string; slot: number | undefined; pid: number; queues: string[] } {
  const [hostPart = "", pid = "", queues = ""] = splitId(id);
  const plus = /^(.*)\+(\d+)$/.exec(hostPart);
  return {
    host: plus ? plus[1]! : hostPart,
    slot: plus ? Number(plus[2]) : undefined,
    pid: Number(pid),
    queues: queues === "" ? [] : queues.split(","),
  };
}

/** Ruby's `id.split(':', 3)`. */
function splitId(id: string): string[] {
  const first = id.indexOf(":");
  if (first < 0) return [id];
  const second = id.indexOf(":", first + 1);
  if (second < 0) return [id.slice(0, first), id.slice(first + 1)];
  return [id.slice(0, first), id.slice(first + 1, second), id.slice(second + 1)];
}
