/** Limits of the limit plugin and their current holders, for dashboards. */
import type { StoredLimit } from "../redis/stores/limit-store.js";
import { storeOf, type ReadSource } from "./read-source.js";

/** A limit as dashboards show it. */
export interface LimitInfo {
  /** The limit key: the job class, or `<class>:<key>` for limits keyed by arguments. */
  key: string;
  concurrency: number | null;
  rate: { limit: number; per: number } | null;
  /** Seconds a slot is leased for. */
  lease: number;
  /** Who holds a slot now: worker slot ids, with when their lease ends. */
  holders: { workerId: string; leaseExpiresAt: Date }[];
  /** Runs started within the last rate window. */
  recentRuns: number;
}

function toInfo(stored: StoredLimit): LimitInfo {
  let config: { concurrency?: number | null; rate?: { limit: number; per: number } | null; lease?: number } = {};
  try {
    config = JSON.parse(stored.config) as typeof config;
  } catch {
    // an unreadable registry entry still lists its holders
  }
  return {
    key: stored.key,
    concurrency: config.concurrency ?? null,
    rate: config.rate ?? null,
    lease: config.lease ?? 0,
    holders: stored.holders.map((h) => ({ workerId: h.token, leaseExpiresAt: new Date(h.leaseExpiresAt) })),
    recentRuns: stored.recentRuns,
  };
}

/** Every limit that has been used, with its live holders (leases that ended are left out). */
export async function listLimits(source: ReadSource): Promise<LimitInfo[]> {
  return (await storeOf(source).limits.all()).map(toInfo);
}
