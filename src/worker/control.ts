/**
 * Remote control: commands that reach worker processes through Redis, so the CLI and a dashboard
 * can pause, resume, stop or kill workers on any host.
 *
 * - pause / resume are state, kept in a hash (`resque-ts:paused`, per host or per worker id), so a
 *   worker that starts later, or missed a message, still honours them; the message only makes the
 *   change immediate. Ruby's `pause-all-workers` key is the "all" switch.
 * - stop (finish running jobs, like QUIT) and kill (stop now and requeue, like TERM) are one-shot
 *   commands for the processes listening at that moment.
 * A command for a worker id applies to the process that owns it (all its slots).
 */
import { ConfigurationError } from "../errors.js";

export type ControlTarget = { all: true } | { host: string } | { worker: string };

export interface ControlCommand {
  action: "pause" | "resume" | "stop" | "kill";
  target: ControlTarget;
}

export function targetKey(target: ControlTarget): string | undefined {
  if ("host" in target) return `host:${target.host}`;
  if ("worker" in target) return `worker:${target.worker}`;
  return undefined;
}

export function checkTarget(target: ControlTarget | undefined): ControlTarget {
  if (!target || typeof target !== "object") throw new ConfigurationError("A control target is { all: true }, { host } or { worker }.");
  if ("all" in target && target.all === true) return { all: true };
  if ("host" in target && typeof target.host === "string" && target.host) return { host: target.host };
  if ("worker" in target && typeof target.worker === "string" && target.worker) return { worker: target.worker };
  throw new ConfigurationError(`Unknown control target ${JSON.stringify(target)}; use { all: true }, { host } or { worker }.`);
}

/** Parses a control message; undefined for anything malformed (ignored, never fatal). */
export function parseCommand(message: string): ControlCommand | undefined {
  try {
    const value = JSON.parse(message) as ControlCommand;
    if (!["pause", "resume", "stop", "kill"].includes(value.action)) return undefined;
    return { action: value.action, target: checkTarget(value.target) };
  } catch {
    return undefined;
  }
}

/** Whether a command's target covers a process on `host` owning `ids`. */
export function targets(target: ControlTarget, host: string, ids: readonly string[]): boolean {
  if ("all" in target) return true;
  if ("host" in target) return target.host === host;
  return ids.includes(target.worker);
}
