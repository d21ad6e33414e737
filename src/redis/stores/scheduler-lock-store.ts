/**
 * The scheduler leader lock, on resque-scheduler's own master lock key and value format, so a
 * Ruby resque-scheduler and this library's scheduler never lead at the same time.
 */
import type { RedisClient } from "../connection.js";
import type { Keys } from "../keys.js";
import { runScript } from "../scripts/load.js";

export type LockOutcome = "acquired" | "extended" | "held-elsewhere";

const OUTCOMES: Record<number, LockOutcome> = { 0: "held-elsewhere", 1: "acquired", 2: "extended" };

export class SchedulerLockStore {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: Keys,
  ) {}

  /** Takes the lock if free or extends it if `value` holds it, for `ttlMs`. */
  async acquireOrExtend(value: string, ttlMs: number, lockPrefix = ""): Promise<LockOutcome> {
    const reply = await runScript(this.client, "schedulerLock", [this.keys.schedulerMasterLock(lockPrefix)], [value, Math.max(1, Math.round(ttlMs))]);
    return OUTCOMES[reply as number] ?? "held-elsewhere";
  }

  /** Releases the lock if `value` still holds it. Returns whether it did. */
  async release(value: string, lockPrefix = ""): Promise<boolean> {
    return (await runScript(this.client, "deleteIfOwner", [this.keys.schedulerMasterLock(lockPrefix)], [value])) === 1;
  }

  /** The current holder's value (host:pid), or null when no scheduler leads. */
  holder(lockPrefix = ""): Promise<string | null> {
    return this.client.get(this.keys.schedulerMasterLock(lockPrefix));
  }

  /** The holder and the milliseconds its lock has left (undefined when no scheduler leads). */
  async lease(lockPrefix = ""): Promise<{ holder: string; ttlMs: number } | undefined> {
    const key = this.keys.schedulerMasterLock(lockPrefix);
    const [holder, ttl] = await Promise.all([this.client.get(key), this.client.pttl(key)]);
    return holder === null ? undefined : { holder, ttlMs: ttl };
  }
}
