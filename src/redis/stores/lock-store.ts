/**
 * The unique plugin's locks in resque-lock-timeout's layout: `lock:<class>:<identifier>` while a
 * job runs and `loner:lock:<class>:<identifier>` while it is queued, with our index of held locks
 * (`resque-ts:unique-locks`) for listing. Every change is one call of unique-lock.lua.
 */
import type { RedisClient } from "../connection.js";
import type { Keys } from "../keys.js";
import { runScript } from "../scripts/load.js";

/** A job identity as resque-lock-timeout names it: class name and identifier. */
export interface LockIdentity {
  className: string;
  identifier: string | undefined;
}

/** How a lock is written: resque-lock-timeout's value, and how long it lives. */
export interface LockValue {
  /** Unix second the lock times out, or "true" (no timeout), as resque-lock-timeout writes. */
  value: string;
  /** Milliseconds the key lives in Redis (0 = no expiry). */
  ms: number;
  /** Owner token appended as ":<token>" (run locks), or "" (queued locks). */
  owner?: string;
}

/** A held lock, for dashboards. */
export interface StoredLock {
  /** The key without the namespace, e.g. `lock:Export:42` or `loner:lock:Export:42`. */
  name: string;
  value: string;
  /** Milliseconds until it expires (undefined: no expiry). */
  ttlMs: number | undefined;
}

export class LockStore {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: Keys,
  ) {}

  #names(identity: LockIdentity): { run: string; queued: string } {
    const run = this.keys.runLock(identity.className, identity.identifier);
    const queued = this.keys.queuedLock(identity.className, identity.identifier);
    return { run, queued };
  }

  #unprefixed(key: string): string {
    return key.slice(this.keys.prefix.length);
  }

  async #call(op: string, first: string, second: string, lock: LockValue, extra: (string | number)[] = []): Promise<boolean> {
    const names = [this.#unprefixed(first), second ? this.#unprefixed(second) : ""].join("\n");
    const reply = await runScript(this.client, "uniqueLock", [first, second, this.keys.uniqueLocks], [op, lock.owner ?? "", lock.value, lock.ms, names, ...extra]);
    return reply === 1;
  }

  /** Takes the queued lock, unless it is held (or, with `checkRunning`, the run lock is). */
  takeQueued(identity: LockIdentity, lock: LockValue, checkRunning: boolean): Promise<boolean> {
    const { run, queued } = this.#names(identity);
    return this.#call("enqueue", queued, checkRunning ? run : "", lock);
  }

  /** Takes the run lock; on success drops the queued lock when `releaseQueued`. */
  takeRun(identity: LockIdentity, lock: LockValue, releaseQueued: boolean): Promise<boolean> {
    const { run, queued } = this.#names(identity);
    return this.#call("start", run, releaseQueued ? queued : "", lock);
  }

  /** Extends the run lock while its owner still holds it. */
  renewRun(identity: LockIdentity, lock: LockValue): Promise<boolean> {
    return this.#call("renew", this.#names(identity).run, "", lock);
  }

  /**
   * Releases the run lock held by `owner`; with `requeued`, takes the queued lock as the job is
   * back on its queue.
   */
  releaseRun(identity: LockIdentity, owner: string, requeued?: LockValue): Promise<boolean> {
    const { run, queued } = this.#names(identity);
    return this.#call("release", run, requeued ? queued : "", { value: "", ms: 0, owner }, requeued ? [requeued.value, requeued.ms] : ["", 0]);
  }

  /** Releases the queued lock (the job was dequeued or started). */
  releaseQueued(identity: LockIdentity): Promise<boolean> {
    return this.#call("release", this.#names(identity).queued, "", { value: "", ms: 0 }, ["", 0]);
  }

  /** Locks held now, soonest to expire first; `limit` of them from `offset`. Reads only. */
  async held(offset = 0, limit = 100): Promise<{ total: number; locks: StoredLock[] }> {
    // Expired entries are skipped here (the lock script drops them as new locks are taken).
    const now = await this.#nowMs();
    const [total, names] = await Promise.all([
      this.client.zcount(this.keys.uniqueLocks, now, "+inf"),
      this.client.zrangebyscore(this.keys.uniqueLocks, now, "+inf", "LIMIT", offset, limit),
    ]);
    if (names.length === 0) return { total, locks: [] };
    const pipeline = this.client.pipeline();
    for (const name of names) pipeline.get(this.keys.prefix + name).pttl(this.keys.prefix + name);
    const replies = (await pipeline.exec()) ?? [];
    const locks: StoredLock[] = [];
    names.forEach((name, i) => {
      const value = replies[2 * i]?.[1] as string | null;
      const ttl = replies[2 * i + 1]?.[1] as number;
      if (value !== null && value !== undefined) locks.push({ name, value, ttlMs: ttl >= 0 ? ttl : undefined });
    });
    return { total, locks };
  }

  /** Redis' clock in milliseconds (index scores are expiry times on it). */
  async #nowMs(): Promise<number> {
    const [seconds, micros] = await this.client.time();
    return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  }
}
