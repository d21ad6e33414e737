/** Options of the status plugin, checked where the plugin is made. */
import { ConfigurationError } from "../../errors.js";

export interface StatusOptions {
  /**
   * Seconds a status lives after its last update (resque-status's expire_in); 0 keeps statuses
   * until removed. Default 86,400 (one day).
   */
  expireIn?: number;
  /** Seconds between checks of the kill list while the job runs (default 1). */
  killCheckInterval?: number;
}

export interface ResolvedStatusOptions {
  expireIn: number;
  killCheckIntervalMs: number;
}

export function resolveStatusOptions(options: StatusOptions = {}): ResolvedStatusOptions {
  const expireIn = options.expireIn ?? 86_400;
  if (typeof expireIn !== "number" || !Number.isFinite(expireIn) || expireIn < 0) {
    throw new ConfigurationError(`status expireIn must be 0 (never) or a positive number of seconds, got ${String(options.expireIn)}.`);
  }
  const interval = options.killCheckInterval ?? 1;
  if (typeof interval !== "number" || !Number.isFinite(interval) || interval <= 0) {
    throw new ConfigurationError(`status killCheckInterval must be a positive number of seconds, got ${String(options.killCheckInterval)}.`);
  }
  return { expireIn, killCheckIntervalMs: interval * 1000 };
}
