/**
 * Every Redis key name the library uses, in one place. Names follow Ruby Resque,
 * resque-scheduler and resque-retry (see docs/redis-layout.md); keys of our own sit beside them.
 * Only key names carry the namespace; values (such as `delayed:<ts>` members) never do.
 */

/** Turns a user namespace ("resque", "resque:", "{resque}", "resque:App") into a key prefix ending in ":". */
export function namespacePrefix(namespace: string | undefined): string {
  const ns = namespace ?? "resque";
  if (ns === "") return "";
  return ns.endsWith(":") ? ns : `${ns}:`;
}

export class Keys {
  constructor(readonly prefix: string) {}

  // Core Resque
  get queues(): string {
    return `${this.prefix}queues`;
  }
  queue(name: string): string {
    return `${this.prefix}queue:${name}`;
  }
  get workers(): string {
    return `${this.prefix}workers`;
  }
  worker(id: string): string {
    return `${this.prefix}worker:${id}`;
  }
  workerStarted(id: string): string {
    return `${this.prefix}worker:${id}:started`;
  }
  get heartbeats(): string {
    return `${this.prefix}workers:heartbeat`;
  }
  get processed(): string {
    return `${this.prefix}stat:processed`;
  }
  get failedCount(): string {
    return `${this.prefix}stat:failed`;
  }
  workerProcessed(id: string): string {
    return `${this.prefix}stat:processed:${id}`;
  }
  workerFailed(id: string): string {
    return `${this.prefix}stat:failed:${id}`;
  }
  get failed(): string {
    return `${this.prefix}failed`;
  }
  get pruneLock(): string {
    return `${this.prefix}pruning_dead_workers_in_progress`;
  }
  get pauseAll(): string {
    return `${this.prefix}pause-all-workers`;
  }
  /** Set of `<queue>_failed` list names (Ruby's redis_multi_queue failure backend). */
  get failedQueues(): string {
    return `${this.prefix}failed_queues`;
  }
  /**
   * A failed list by its unprefixed name: a queue's list `<queue>_failed` (redis_multi_queue
   * backend), or `failed` (the default backend's list).
   */
  failedQueue(name: string): string {
    return `${this.prefix}${name}`;
  }

  /** node-resque's heartbeat of a worker process (`<host>:<pid>`); tells its workers apart. */
  nodeResquePing(name: string): string {
    return `${this.prefix}worker:ping:${name}`;
  }

  // resque-scheduler (docs/redis-layout.md, "Delayed jobs and schedules")
  /** zset of due times of non-empty delayed:<ts> lists; member = score = unix seconds. */
  get delayedSchedule(): string {
    return `${this.prefix}delayed_queue_schedule`;
  }
  /** List of `{"class","args","queue"}` items due at unix second `timestamp`. */
  delayed(timestamp: number | string): string {
    return `${this.prefix}delayed:${timestamp}`;
  }
  /** The unprefixed `delayed:<ts>` name stored as a member of timestamps:* sets. */
  delayedMember(timestamp: number | string): string {
    return `delayed:${timestamp}`;
  }
  /** Set of the `delayed:<ts>` members holding exactly this encoded item (fast removal). */
  timestamps(encodedItem: string): string {
    return `${this.prefix}timestamps:${encodedItem}`;
  }
  /** Hash schedule name → last fire time (Ruby Time#to_s). Matches `delayed:*` but is no timestamp list. */
  get lastEnqueuedAt(): string {
    return `${this.prefix}delayed:last_enqueued_at`;
  }
  /** Hash schedule name → config JSON of dynamic schedules (resque-scheduler ≥ 4.2). */
  get persistentSchedules(): string {
    return `${this.prefix}persistent_schedules`;
  }
  /** Set of schedule names changed since the leading scheduler last reloaded them. */
  get schedulesChanged(): string {
    return `${this.prefix}schedules_changed`;
  }
  /**
   * The scheduler leader lock. resque-scheduler builds "<namespace>:<lock prefix>resque_scheduler_master_lock"
   * and sends it through the namespaced client, so the physical key carries the namespace twice
   * (resque:resque:resque_scheduler_master_lock); sharing it keeps Ruby and us from leading together.
   */
  schedulerMasterLock(lockPrefix = ""): string {
    return `${this.prefix}${this.prefix}${lockPrefix ? `${lockPrefix}:` : ""}resque_scheduler_master_lock`;
  }

  // resque-retry (docs/redis-layout.md, "Retries")
  /**
   * The part of a job identity's names after "resque-retry:": "<class>[:<identifier>]" (no
   * identifier part when it is undefined, Ruby's nil). Ruby strips whitespace from the whole name
   * (`gsub(/\s/, '')`), so we do too. work-cycle.lua builds the identity's keys from it.
   */
  retryIdentityName(className: string, identifier: string | undefined): string {
    const name = identifier === undefined ? className : `${className}:${identifier}`;
    return name.replace(/[ \t\n\v\f\r]/g, "");
  }
  /** resque-retry's name for a job identity, unprefixed: "resque-retry:<class>[:<identifier>]". */
  retryName(className: string, identifier: string | undefined): string {
    return `resque-retry:${this.retryIdentityName(className, identifier)}`;
  }
  /** String: the attempt counter of a job identity (-1 before the first run, then 0, 1, ...). */
  retryCounter(className: string, identifier: string | undefined): string {
    return this.retryCounterOfName(this.retryIdentityName(className, identifier));
  }
  /** The attempt counter of an identity by its name "<class>[:<identifier>]" (retryIdentityName). */
  retryCounterOfName(identityName: string): string {
    return `${this.prefix}resque-retry:${identityName}`;
  }
  /** String with a TTL: the last failure of a job that will be retried (resque-retry's suppression copy). */
  retryFailureCopy(className: string, identifier: string | undefined): string {
    return `${this.prefix}failure-${this.retryName(className, identifier)}`;
  }
  /** String with a TTL, ours: JSON describing the retry scheduled for a job identity (duplicate guard). */
  retryPending(className: string, identifier: string | undefined): string {
    return `${this.prefix}resque-ts:retry-pending:${this.retryIdentityName(className, identifier)}`;
  }

  // resque-status (docs/plugins/status.md)
  /** String: a job's status JSON (resque-status's Hash), `status:<uuid>`. */
  status(uuid: string): string {
    return `${this.prefix}status:${uuid}`;
  }
  /** Zset: status uuids scored by creation time (unix seconds), `_statuses`. */
  get statusSet(): string {
    return `${this.prefix}_statuses`;
  }
  /** Set: uuids of jobs asked to stop (resque-status's kill list), `_kill`. */
  get statusKill(): string {
    return `${this.prefix}_kill`;
  }

  // resque-lock-timeout (docs/plugins/unique.md)
  /** String: the lock a running job holds, `lock:<class>:<identifier>`; value = unix second it times out, or "true". */
  runLock(className: string, identifier: string | undefined): string {
    return `${this.prefix}${["lock", className, identifier].filter((p) => p !== undefined).join(":")}`;
  }
  /** String: the lock a queued job holds (resque-lock-timeout's loner lock), `loner:lock:<class>:<identifier>`. */
  queuedLock(className: string, identifier: string | undefined): string {
    return `${this.prefix}loner:${["lock", className, identifier].filter((p) => p !== undefined).join(":")}`;
  }
  /** Zset of our own: the lock keys (unprefixed) taken by the unique plugin, scored by when they time out (ms); for listing. */
  get uniqueLocks(): string {
    return `${this.prefix}resque-ts:unique-locks`;
  }

  // Limits (docs/plugins/limit.md), our own keys
  /** Zset: holders of a concurrency limit's slots; member = holder token, score = lease expiry (ms). */
  limitHolders(key: string): string {
    return `${this.prefix}resque-ts:limit:${key}:holders`;
  }
  /** Zset: the runs started in the last rate window (member = a run id, score = its start, ms). */
  limitRate(key: string): string {
    return `${this.prefix}resque-ts:limit:${key}:rate`;
  }
  /** Hash: limit key → JSON of its configuration, for listing limits. */
  get limits(): string {
    return `${this.prefix}resque-ts:limits`;
  }

  // Our own keys (documented in docs/redis-layout.md)
  /** Hash: sha1 of a payload → times workers died running it (poison-job guard), TTL 1 day. */
  get dirtyExits(): string {
    return `${this.prefix}resque-ts:dirty-exits`;
  }
  /** Hash of per-minute stats history (see src/redis/history-format.ts); `minute` = unix seconds of its start. */
  historyMinute(minute: number): string {
    return `${this.prefix}resque-ts:history:m:${minute}`;
  }
  /** Hash of per-hour stats history; `hour` = unix seconds of its start. */
  historyHour(hour: number): string {
    return `${this.prefix}resque-ts:history:h:${hour}`;
  }
  /** Hash: job duration counts per class and bucket, and total milliseconds per class (cumulative). */
  get durations(): string {
    return `${this.prefix}resque-ts:durations`;
  }
  /** Hash: worker id → heartbeat interval (s), for every worker run by resque-ts. */
  get ourWorkers(): string {
    return `${this.prefix}resque-ts:workers`;
  }
  /** String: the token of a worker process's last applied history flush, to recognise a re-sent flush. */
  historyFlushMarker(processToken: string): string {
    return `${this.prefix}resque-ts:flush:${processToken}`;
  }
  /** Pub/sub channel: remote-control commands for workers (JSON, see worker/control.ts). */
  get controlChannel(): string {
    return `${this.prefix}resque-ts:control`;
  }
  /** Hash: "host:<name>" or "worker:<id>" → "1" while that host or worker is paused by remote control. */
  get pausedTargets(): string {
    return `${this.prefix}resque-ts:paused`;
  }
  /** Pub/sub channel: our enqueue publishes the queue name so idle workers wake at once. */
  get wakeupChannel(): string {
    return `${this.prefix}wakeup`;
  }
  /** Pub/sub channel: a delayed time earlier than any known, or a dynamic schedule change, wakes the scheduler. */
  get schedulerWakeupChannel(): string {
    return `${this.prefix}scheduler:wakeup`;
  }
  /** String with a TTL: set once when schedule `name` fires for due slot `slot` (unix seconds). */
  scheduleFired(name: string, slot: number): string {
    return `${this.prefix}scheduler:fired:${name}:${slot}`;
  }
  /** Hash schedule name → unix seconds of the last slot fired. */
  get scheduleLastRun(): string {
    return `${this.prefix}scheduler:last_run`;
  }
  /** Hash schedule name → unix seconds of the next slot the leader expects to fire. */
  get scheduleNextRun(): string {
    return `${this.prefix}scheduler:next_run`;
  }
  /** Hash schedule name → JSON of the leading scheduler's effective schedule (static and dynamic). */
  get publishedSchedules(): string {
    return `${this.prefix}resque-ts:schedules`;
  }
  /** Hash schedule name → "1" while an operator has disabled the schedule; the scheduler skips its slots. */
  get disabledSchedules(): string {
    return `${this.prefix}resque-ts:schedules:disabled`;
  }
  /** List, newest first, capped at 100: JSON of each worker pruning found dead (written by release-workers.lua). */
  get prunedWorkers(): string {
    return `${this.prefix}resque-ts:pruned-workers`;
  }

  // The monitor (docs/monitoring.md)
  /** Hash: alert id → JSON of the alert while it fires; "@evaluated" → Redis-clock ms of the last evaluation applied. */
  get monitorAlerts(): string {
    return `${this.prefix}resque-ts:monitor:alerts`;
  }
  /** List, newest first, capped: JSON of recent alert transitions (fired, resolved). */
  get monitorEvents(): string {
    return `${this.prefix}resque-ts:monitor:events`;
  }
  /** Hash: what checks remember between evaluations ("queue:<name>" → growth, "scheduler" → missing since). */
  get monitorObservations(): string {
    return `${this.prefix}resque-ts:monitor:observations`;
  }

}
