/**
 * The scheduler's leader lock: resque-scheduler's master lock (same key, `host:pid` value, TTL
 * LOCK_TIMEOUT, default 180 s). Each scheduler pass takes or extends it in one script; only the
 * holder promotes delayed jobs and fires schedules.
 */
import { hostname } from "node:os";
import type { LockOutcome, SchedulerLockStore } from "../redis/stores/scheduler-lock-store.js";

/** The lock value resque-scheduler writes: host:pid. */
export function defaultLockValue(): string {
  return `${hostname()}:${process.pid}`;
}

export class LeaderLock {
  constructor(
    private readonly store: SchedulerLockStore,
    readonly value: string,
    readonly timeoutMs: number,
    private readonly lockPrefix = "",
  ) {}

  /** Takes the lock if free, extends it if ours. */
  check(): Promise<LockOutcome> {
    return this.store.acquireOrExtend(this.value, this.timeoutMs, this.lockPrefix);
  }

  /** Gives the lock up if still ours, so another scheduler can lead at once. */
  release(): Promise<boolean> {
    return this.store.release(this.value, this.lockPrefix);
  }

  /** Who leads now (host:pid), or null. */
  holder(): Promise<string | null> {
    return this.store.holder(this.lockPrefix);
  }
}
