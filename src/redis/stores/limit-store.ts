/**
 * Concurrency and rate limits of the limit plugin, in keys of our own (no Ruby plugin leases its
 * slots; see docs/plugins/limit.md): `resque-ts:limit:<key>:holders` (leases), `…:rate` (the
 * sliding window of run starts) and the `resque-ts:limits` registry for listing.
 */
import { randomBytes } from "node:crypto";
import type { RedisClient } from "../connection.js";
import type { Keys } from "../keys.js";
import { runScript } from "../scripts/load.js";

export interface LimitRequest {
  key: string;
  token: string;
  concurrency: number;
  leaseMs: number;
  rate: number;
  windowMs: number;
  /** Configuration JSON kept in the registry for dashboards. */
  config: string;
}

export type LimitDecision = { taken: true } | { taken: false; reason: "concurrency" | "rate"; retryAfterMs: number };

/** A limit and who holds it now, for dashboards. */
export interface StoredLimit {
  key: string;
  config: string;
  /** Holder tokens (worker slot ids) with their lease expiry (ms since the epoch). */
  holders: { token: string; leaseExpiresAt: number }[];
  /** Runs started in the current rate window. */
  recentRuns: number;
}

export class LimitStore {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: Keys,
  ) {}

  #rate(key: string): string {
    return this.keys.limitRate(key);
  }

  async acquire(request: LimitRequest): Promise<LimitDecision> {
    const keys = [this.keys.limitHolders(request.key), this.#rate(request.key), this.keys.limits];
    const reply = (await runScript(this.client, "limitAcquire", keys, [
      request.token,
      request.concurrency,
      request.leaseMs,
      request.rate,
      request.windowMs,
      request.key,
      request.config,
      randomBytes(8).toString("hex"),
    ])) as [number, string?, number?];
    if (reply[0] === 1) return { taken: true };
    return { taken: false, reason: reply[1] === "rate" ? "rate" : "concurrency", retryAfterMs: Math.max(0, Number(reply[2] ?? 0)) };
  }

  async renew(key: string, token: string, leaseMs: number): Promise<boolean> {
    return (await runScript(this.client, "limitRenew", [this.keys.limitHolders(key)], [token, leaseMs])) === 1;
  }

  async release(key: string, token: string): Promise<void> {
    await this.client.zrem(this.keys.limitHolders(key), token);
  }

  /** Every registered limit with its live holders (expired leases left out). */
  async all(): Promise<StoredLimit[]> {
    const registry = await this.client.hgetall(this.keys.limits);
    const keys = Object.keys(registry).sort();
    if (keys.length === 0) return [];
    const [seconds, micros] = await this.client.time();
    const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    const pipeline = this.client.pipeline();
    for (const key of keys) {
      pipeline.zrangebyscore(this.keys.limitHolders(key), now, "+inf", "WITHSCORES");
      pipeline.zcount(this.#rate(key), "-inf", "+inf");
    }
    const replies = (await pipeline.exec()) ?? [];
    return keys.map((key, i) => {
      const flat = (replies[2 * i]?.[1] as string[] | undefined) ?? [];
      const holders: StoredLimit["holders"] = [];
      for (let j = 0; j < flat.length; j += 2) holders.push({ token: flat[j]!, leaseExpiresAt: Number(flat[j + 1]) });
      return { key, config: registry[key]!, holders, recentRuns: Number(replies[2 * i + 1]?.[1] ?? 0) };
    });
  }
}
