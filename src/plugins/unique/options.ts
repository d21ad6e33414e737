/** Options of the unique plugin, checked where the plugin is made. */
import { ConfigurationError } from "../../errors.js";

/**
 * When an identical job counts as a duplicate:
 * - "queued": while one waits in a queue (resque-loner); a second enqueue is refused;
 * - "running": while one runs; a second that reaches a worker is dropped or waits (`onRunning`);
 * - "queued-or-running": both (resque-lock-timeout's `loner`); a second enqueue is refused while
 *   one waits or runs;
 * - "ttl": for `ttl` seconds after an enqueue, whatever happens to the job (debounce).
 */
export type UniqueScope = "queued" | "running" | "queued-or-running" | "ttl";

export interface UniqueOptions {
  /** Default "queued-or-running". */
  while?: UniqueScope;
  /** What a copy that reaches a worker while an identical one runs does: "drop" (default, skipped as Ruby's DontPerform) or "wait" (back to the delayed schedule, tried again later). */
  onRunning?: "drop" | "wait";
  /** Seconds a waiting copy waits before it is tried again (default 1). Needs a running scheduler. */
  waitSeconds?: number;
  /** Seconds the queued lock lives at most (required for "ttl"; optional otherwise, e.g. when jobs may be removed by hand). */
  ttl?: number;
  /**
   * Seconds a run lock is leased for; the worker renews it every third of that while the job runs,
   * so a lock of a killed worker expires after at most this long even if nobody prunes it.
   * Default 30.
   */
  lease?: number;
  /** The job's identity from its arguments (default: Ruby's `args.join('-')`, as resque-lock-timeout). */
  identifier?: (args: readonly unknown[]) => string;
}

export interface ResolvedUniqueOptions {
  scope: UniqueScope;
  onRunning: "drop" | "wait";
  waitSeconds: number;
  ttl: number | undefined;
  leaseMs: number;
  identifier: ((args: readonly unknown[]) => string) | undefined;
}

const positive = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value) && value > 0;

export function resolveUniqueOptions(options: UniqueOptions = {}): ResolvedUniqueOptions {
  const scope = options.while ?? "queued-or-running";
  if (!["queued", "running", "queued-or-running", "ttl"].includes(scope)) {
    throw new ConfigurationError(`unique while must be "queued", "running", "queued-or-running" or "ttl", got ${JSON.stringify(options.while)}.`);
  }
  const onRunning = options.onRunning ?? "drop";
  if (onRunning !== "drop" && onRunning !== "wait") {
    throw new ConfigurationError(`unique onRunning must be "drop" or "wait", got ${JSON.stringify(options.onRunning)}.`);
  }
  if (options.ttl !== undefined && !positive(options.ttl)) throw new ConfigurationError(`unique ttl must be a positive number of seconds, got ${String(options.ttl)}.`);
  if (scope === "ttl" && options.ttl === undefined) throw new ConfigurationError('unique({ while: "ttl" }) needs ttl: the seconds an identical job is refused after an enqueue.');
  if (options.lease !== undefined && !positive(options.lease)) throw new ConfigurationError(`unique lease must be a positive number of seconds, got ${String(options.lease)}.`);
  if (options.waitSeconds !== undefined && !positive(options.waitSeconds)) {
    throw new ConfigurationError(`unique waitSeconds must be a positive number of seconds, got ${String(options.waitSeconds)}.`);
  }
  if (options.identifier !== undefined && typeof options.identifier !== "function") {
    throw new ConfigurationError("unique identifier must be a function of the job's arguments returning a string.");
  }
  return {
    scope,
    onRunning,
    waitSeconds: options.waitSeconds ?? 1,
    ttl: options.ttl,
    leaseMs: (options.lease ?? 30) * 1000,
    identifier: options.identifier,
  };
}
