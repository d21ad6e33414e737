/** Options of the limit plugin, checked where the plugin is made. */
import { ConfigurationError } from "../../errors.js";

export interface LimitOptions {
  /** At most this many jobs of the limit key run at once, across all workers and hosts. */
  concurrency?: number;
  /** At most `limit` runs start per `per` seconds (a sliding window). */
  rate?: { limit: number; per: number };
  /**
   * The limit key from the job's arguments: jobs with the same key share the limit (default: one
   * limit for the whole class). E.g. `(args) => args[0].accountId` limits per account.
   */
  key?: (args: readonly unknown[]) => string | number;
  /**
   * Seconds a slot is leased for; the worker renews it every third of that while the job runs, so
   * the slot of a killed worker frees after at most this long even if nobody prunes it. Default 30.
   */
  lease?: number;
  /** Seconds a job over its concurrency limit waits in the delayed schedule before it is tried again (default 1). */
  backoff?: number;
}

export interface ResolvedLimitOptions {
  concurrency: number;
  rate: number;
  windowMs: number;
  key: ((args: readonly unknown[]) => string | number) | undefined;
  leaseMs: number;
  backoff: number;
}

const positive = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value) && value > 0;

export function resolveLimitOptions(options: LimitOptions = {}): ResolvedLimitOptions {
  const { concurrency, rate } = options;
  if (concurrency === undefined && rate === undefined) {
    throw new ConfigurationError("limit({...}) needs concurrency (jobs at once) or rate ({ limit, per }), or both.");
  }
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1)) {
    throw new ConfigurationError(`limit concurrency must be a whole number of at least 1, got ${String(concurrency)}.`);
  }
  if (rate !== undefined && !(typeof rate === "object" && rate !== null && Number.isInteger(rate.limit) && rate.limit >= 1 && positive(rate.per))) {
    throw new ConfigurationError(`limit rate must be { limit: a whole number ≥ 1, per: seconds > 0 }, got ${JSON.stringify(rate)}.`);
  }
  if (options.key !== undefined && typeof options.key !== "function") throw new ConfigurationError("limit key must be a function of the job's arguments.");
  if (options.lease !== undefined && !positive(options.lease)) throw new ConfigurationError(`limit lease must be a positive number of seconds, got ${String(options.lease)}.`);
  if (options.backoff !== undefined && !positive(options.backoff)) throw new ConfigurationError(`limit backoff must be a positive number of seconds, got ${String(options.backoff)}.`);
  return {
    concurrency: concurrency ?? 0,
    rate: rate?.limit ?? 0,
    windowMs: (rate?.per ?? 0) * 1000,
    key: options.key,
    leaseMs: (options.lease ?? 30) * 1000,
    backoff: options.backoff ?? 1,
  };
}
