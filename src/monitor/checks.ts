/**
 * Checks: judgements over the facts of `admin.overview()` — what deserves attention now. Pure
 * functions, shared by the dashboard's overview and the monitor. The monitor passes extra facts
 * (`CheckFacts`): what it remembers across evaluations ("growing for T minutes", "no leader for
 * T"), recurring schedules, pruned workers, failed counts by queue and class; checks that need a
 * fact not given are skipped, or judged from the overview alone as the dashboard does.
 */
import type { Overview } from "../admin/overview.js";
import type { ScheduleInfo } from "../admin/schedules.js";
import type { PrunedWorker } from "../admin/workers.js";

export type CheckName =
  | "failed"
  | "failure-rate"
  | "queue-size"
  | "queue-growing"
  | "queue-without-workers"
  | "long-running-job"
  | "stale-heartbeat"
  | "worker-pruned"
  | "scheduler-leader"
  | "missed-schedule"
  | "redis-memory"
  | "eviction-policy"
  | "redis-unreachable";

/** Every check, in the order they are evaluated. */
export const CHECK_NAMES: readonly CheckName[] = Object.freeze([
  "failed",
  "failure-rate",
  "queue-size",
  "queue-growing",
  "queue-without-workers",
  "long-running-job",
  "stale-heartbeat",
  "worker-pruned",
  "scheduler-leader",
  "missed-schedule",
  "redis-memory",
  "eviction-policy",
  "redis-unreachable",
] as const);

/** How urgent a finding is: "critical" wants someone now, "warning" wants a look. */
export type Severity = "warning" | "critical";

/** Where in the dashboard a finding is fixed. */
export interface FindingLink {
  /** The dashboard page. */
  page: "failed" | "queues" | "workers" | "working" | "delayed" | "schedule" | "stats" | "redis";
  /** A queue the finding is about (queues page, failed page filter). */
  queue?: string;
  /** A worker id the finding is about. */
  worker?: string;
  /** A job class the finding is about (failed page filter). */
  class?: string;
  /** A recurring schedule's name. */
  schedule?: string;
}

/** One thing that deserves attention. */
export interface Finding {
  /** The check that found it. */
  check: CheckName;
  /** Its severity (the check's, or the `severity` override). */
  severity: Severity;
  /**
   * What it is about, stable across evaluations (with `check`, the alert identity): "failed",
   * "failure-rate", "queue:mail", "class:SendInvoice", "worker:<id>", "schedule:<name>", "scheduler", "redis".
   */
  subject: string;
  /** One sentence for people. */
  message: string;
  /** Where it is fixed. */
  link: FindingLink;
  /** The measured value, when there is a number (units as in the config field: jobs, seconds, minutes, percent). */
  value?: number;
  /** The threshold it crossed, when there is one. */
  threshold?: number;
}

/** Per-queue thresholds; each overrides the global one for that queue. */
export interface QueueChecks {
  /** Jobs waiting above this: queue-size. */
  sizeAbove?: number;
  /** Growing for this many minutes: queue-growing. */
  growingMinutes?: number;
  /** Failed jobs of this queue above this: failed (needs failed counts by queue, which the monitor reads). */
  failedAbove?: number;
  /** Jobs of this queue failed in the last complete minute above this: failure-rate. */
  failuresPerMinuteAbove?: number;
  /** A job of this queue running longer than this many seconds: long-running-job. */
  runningLongerThanSeconds?: number;
  /** Checks switched off for this queue (findings about it or about its jobs). */
  disabled?: readonly CheckName[];
}

/** Per-job-class thresholds; each overrides the queue's and the global one for jobs of that class. */
export interface ClassChecks {
  /** Failed jobs of this class above this: failed (needs failed counts by class, which the monitor reads). */
  failedAbove?: number;
  /** Jobs of this class failed in the last complete minute above this: failure-rate. */
  failuresPerMinuteAbove?: number;
  /** A job of this class running longer than this many seconds: long-running-job. */
  runningLongerThanSeconds?: number;
  /** Checks switched off for this class (its running jobs, failures, schedules, pruned workers' jobs). */
  disabled?: readonly CheckName[];
}

/** Thresholds; every field is optional and has the default shown. */
export interface ChecksConfig {
  /** Failed jobs (all failed lists) above this: warning. Default 0. */
  failedAbove?: number;
  /** Failed jobs in the last complete minute above this: critical. Default 10. */
  failuresPerMinuteAbove?: number;
  /** Jobs waiting on a queue above this: warning. Default 1000. */
  queueSizeAbove?: number;
  /** A queue growing (not worked down) for this many minutes: warning. Default 15. Monitor only. */
  queueGrowingMinutes?: number;
  /** A job running longer than this many seconds: warning. Default 900 (or the worker's job timeout, when shorter). */
  runningLongerThanSeconds?: number;
  /** A worker found dead by pruning is reported for this many minutes after. Default 15. Monitor only. */
  prunedWithinMinutes?: number;
  /**
   * No scheduler leader for this many seconds while there is work for one (delayed jobs or recurring
   * schedules), or delayed jobs due this long and not moved: warning (critical when jobs are due).
   * Default 60. Without the monitor's memory, a missing leader is reported at once.
   */
  schedulerMissingSeconds?: number;
  /** A recurring schedule this many seconds past its next run without firing: warning. Default 120. Monitor only. */
  scheduleLateSeconds?: number;
  /** Redis memory above this percent of maxmemory: critical. Default 90. */
  redisMemoryPercent?: number;
  /** Per-queue overrides. */
  queues?: Record<string, QueueChecks>;
  /** Per-job-class overrides. */
  classes?: Record<string, ClassChecks>;
  /** Severity overrides per check. */
  severity?: Partial<Record<CheckName, Severity>>;
  /** Checks switched off. */
  disabled?: readonly CheckName[];
}

/** What a queue has grown by: how long (0: not growing) and from which size. */
export interface QueueGrowth {
  /** Milliseconds the queue has been growing; 0 when it is not. */
  growingForMs: number;
  /** The size its growth started from. */
  fromSize: number;
}

/** Facts beyond the overview, which the monitor reads or remembers. Each is optional. */
export interface CheckFacts {
  /** Per queue, how long it has been growing (the monitor's memory across evaluations). */
  queueGrowth?: Readonly<Record<string, QueueGrowth>>;
  /** How long no scheduler has held the leader lock (undefined while one does), from the monitor's memory. */
  scheduler?: { leaderMissingForMs: number | undefined };
  /** Every recurring schedule (`admin.schedules.list()`). */
  schedules?: readonly ScheduleInfo[];
  /** Workers pruning found dead (`admin.workers.pruned()`). */
  pruned?: readonly PrunedWorker[];
  /** Failed jobs counted by queue and by class (read when a per-queue or per-class `failedAbove` is set). */
  failedCounts?: { byQueue: Readonly<Record<string, number>>; byClass: Readonly<Record<string, number>> };
}

export const CHECK_DEFAULTS = Object.freeze({
  failedAbove: 0,
  failuresPerMinuteAbove: 10,
  queueSizeAbove: 1000,
  queueGrowingMinutes: 15,
  runningLongerThanSeconds: 900,
  prunedWithinMinutes: 15,
  schedulerMissingSeconds: 60,
  scheduleLateSeconds: 120,
  redisMemoryPercent: 90,
});

/** Ruby's prune threshold; resque-ts workers are stale after 4 intervals plus a second. */
const FOREIGN_STALE_MS = 300_000;

/** The growth window of a queue in milliseconds (its `growingMinutes`, else the global one). */
export function queueGrowthWindowMs(config: ChecksConfig, queue: string): number {
  return (config.queues?.[queue]?.growingMinutes ?? config.queueGrowingMinutes ?? CHECK_DEFAULTS.queueGrowingMinutes) * 60_000;
}

/** Whether a per-queue or per-class `failedAbove` is set (the monitor then counts failed jobs by queue and class). */
export function needsFailedCounts(config: ChecksConfig): boolean {
  const set = (entries: Record<string, { failedAbove?: number }> | undefined) => Object.values(entries ?? {}).some((e) => e.failedAbove !== undefined);
  return set(config.queues) || set(config.classes);
}

/** What deserves attention in an overview, most severe first. */
export function evaluateChecks(overview: Overview, config: ChecksConfig = {}, facts: CheckFacts = {}): Finding[] {
  const c = { ...CHECK_DEFAULTS, ...stripUndefined(config) };
  const off = new Set(config.disabled ?? []);
  const findings: Finding[] = [];
  const add = (finding: Finding, scope: { queue?: string | undefined; class?: string | undefined } = {}) => {
    if (off.has(finding.check)) return;
    if (scope.queue !== undefined && config.queues?.[scope.queue]?.disabled?.includes(finding.check)) return;
    if (scope.class !== undefined && config.classes?.[scope.class]?.disabled?.includes(finding.check)) return;
    const severity = config.severity?.[finding.check];
    findings.push(severity ? { ...finding, severity } : finding);
  };
  const now = overview.at.getTime();

  // Failed jobs, in all lists, then by queue and class where a threshold is set.
  if (overview.failed.count > c.failedAbove) {
    add({
      check: "failed",
      severity: "warning",
      subject: "failed",
      message: `${overview.failed.count} failed ${plural(overview.failed.count, "job")} to retry or remove`,
      link: { page: "failed" },
      value: overview.failed.count,
      threshold: c.failedAbove,
    });
  }
  for (const [queue, checks] of Object.entries(config.queues ?? {})) {
    if (checks.failedAbove === undefined) continue;
    const ownList = overview.failed.lists.find((list) => list.queue === queue);
    const count = facts.failedCounts?.byQueue[queue] ?? ownList?.size;
    if (count !== undefined && count > checks.failedAbove) {
      add(
        {
          check: "failed",
          severity: "warning",
          subject: `queue:${queue}`,
          message: `${count} failed ${plural(count, "job")} of queue "${queue}"`,
          link: { page: "failed", queue },
          value: count,
          threshold: checks.failedAbove,
        },
        { queue },
      );
    }
  }
  for (const [className, checks] of Object.entries(config.classes ?? {})) {
    const count = facts.failedCounts?.byClass[className];
    if (checks.failedAbove === undefined || count === undefined || count <= checks.failedAbove) continue;
    add(
      {
        check: "failed",
        severity: "warning",
        subject: `class:${className}`,
        message: `${count} failed ${className} ${plural(count, "job")}`,
        link: { page: "failed", class: className },
        value: count,
        threshold: checks.failedAbove,
      },
      { class: className },
    );
  }

  // The failure rate of the last complete minute (the current one is still being written).
  const lastMinute = overview.recentMinutes.at(-2);
  if (lastMinute && lastMinute.failed > c.failuresPerMinuteAbove) {
    add({
      check: "failure-rate",
      severity: "critical",
      subject: "failure-rate",
      message: `${lastMinute.failed} jobs failed in the last minute`,
      link: { page: "failed" },
      value: lastMinute.failed,
      threshold: c.failuresPerMinuteAbove,
    });
  }
  if (lastMinute) {
    for (const [queue, checks] of Object.entries(config.queues ?? {})) {
      const failed = lastMinute.byQueue[queue]?.failed ?? 0;
      if (checks.failuresPerMinuteAbove === undefined || failed <= checks.failuresPerMinuteAbove) continue;
      add(
        {
          check: "failure-rate",
          severity: "critical",
          subject: `queue:${queue}`,
          message: `${failed} ${plural(failed, "job")} of queue "${queue}" failed in the last minute`,
          link: { page: "failed", queue },
          value: failed,
          threshold: checks.failuresPerMinuteAbove,
        },
        { queue },
      );
    }
    for (const [className, checks] of Object.entries(config.classes ?? {})) {
      const failed = lastMinute.byClass[className]?.failed ?? 0;
      if (checks.failuresPerMinuteAbove === undefined || failed <= checks.failuresPerMinuteAbove) continue;
      add(
        {
          check: "failure-rate",
          severity: "critical",
          subject: `class:${className}`,
          message: `${failed} ${className} ${plural(failed, "job")} failed in the last minute`,
          link: { page: "failed", class: className },
          value: failed,
          threshold: checks.failuresPerMinuteAbove,
        },
        { class: className },
      );
    }
  }

  // Queues: without workers, too long, growing.
  for (const queue of overview.queues) {
    const own = config.queues?.[queue.name];
    const limit = own?.sizeAbove ?? c.queueSizeAbove;
    const scope = { queue: queue.name };
    if (queue.size > 0 && queue.workers.length === 0) {
      add(
        {
          check: "queue-without-workers",
          severity: "critical",
          subject: `queue:${queue.name}`,
          message: `${queue.size} ${plural(queue.size, "job")} on "${queue.name}" and no worker takes from it`,
          link: { page: "queues", queue: queue.name },
          value: queue.size,
        },
        scope,
      );
    }
    if (queue.size > limit) {
      add(
        {
          check: "queue-size",
          severity: "warning",
          subject: `queue:${queue.name}`,
          message: `"${queue.name}" has ${queue.size} waiting jobs (more than ${limit})`,
          link: { page: "queues", queue: queue.name },
          value: queue.size,
          threshold: limit,
        },
        scope,
      );
    }
    const growth = facts.queueGrowth?.[queue.name];
    const windowMs = queueGrowthWindowMs(config, queue.name);
    if (growth && growth.growingForMs > 0 && growth.growingForMs >= windowMs && queue.size > growth.fromSize) {
      add(
        {
          check: "queue-growing",
          severity: "warning",
          subject: `queue:${queue.name}`,
          message: `"${queue.name}" has grown from ${growth.fromSize} to ${queue.size} jobs over ${duration(growth.growingForMs)} without being worked down`,
          link: { page: "queues", queue: queue.name },
          value: Math.floor(growth.growingForMs / 60_000),
          threshold: windowMs / 60_000,
        },
        scope,
      );
    }
  }

  // Workers: jobs running too long, stale heartbeats, found dead.
  const byId = new Map(overview.workers.map((w) => [w.id, w]));
  for (const job of overview.running) {
    const timeout = byId.get(job.workerId)?.jobTimeoutSeconds;
    const configured = config.classes?.[job.class]?.runningLongerThanSeconds ?? config.queues?.[job.queue]?.runningLongerThanSeconds ?? c.runningLongerThanSeconds;
    const limitSeconds = timeout !== undefined ? Math.min(timeout, configured) : configured;
    if (job.runningForMs !== undefined && job.runningForMs > limitSeconds * 1000) {
      add(
        {
          check: "long-running-job",
          severity: "warning",
          subject: `worker:${job.workerId}`,
          message: `${job.class} on "${job.queue}" has run for ${duration(job.runningForMs)} on ${job.workerId}`,
          link: { page: "working", worker: job.workerId },
          value: Math.round(job.runningForMs / 1000),
          threshold: limitSeconds,
        },
        { queue: job.queue, class: job.class },
      );
    }
  }
  for (const worker of overview.workers) {
    if (worker.heartbeatAgeMs === undefined) continue;
    const staleMs = worker.heartbeatIntervalSeconds !== undefined ? worker.heartbeatIntervalSeconds * 4000 + 1000 : FOREIGN_STALE_MS;
    if (worker.heartbeatAgeMs > staleMs) {
      add({
        check: "stale-heartbeat",
        severity: "warning",
        subject: `worker:${worker.id}`,
        message: `${worker.id} has not sent a heartbeat for ${duration(worker.heartbeatAgeMs)}; pruning will requeue its job if it is dead`,
        link: { page: "workers", worker: worker.id },
        value: Math.round(worker.heartbeatAgeMs / 1000),
        threshold: Math.round(staleMs / 1000),
      });
    }
  }
  const prunedSince = now - c.prunedWithinMinutes * 60_000;
  const reported = new Set<string>();
  for (const pruned of facts.pruned ?? []) {
    if (pruned.at.getTime() < prunedSince || reported.has(pruned.id)) continue;
    reported.add(pruned.id); // newest first: the latest record of a worker speaks for it
    const job =
      pruned.outcome === "requeued"
        ? `its ${pruned.class ?? "job"} job on "${pruned.queue}" went back to the front of the queue`
        : pruned.outcome === "failed"
          ? `its ${pruned.class ?? "job"} job on "${pruned.queue}" was failed as DirtyExit (its workers died too often)`
          : "it held no job";
    add(
      {
        check: "worker-pruned",
        severity: "warning",
        subject: `worker:${pruned.id}`,
        message: `${pruned.id} was found dead at ${pruned.at.toISOString()}; ${job}`,
        link: { page: "workers" },
      },
      { queue: pruned.queue, class: pruned.class },
    );
  }

  // The scheduler: a leader, and delayed jobs moved when due.
  const { scheduler } = overview;
  const missingMs = c.schedulerMissingSeconds * 1000;
  const hasRecurring = (facts.schedules ?? []).some((s) => s.enabled);
  const needsScheduler = scheduler.delayedTimestamps > 0 || hasRecurring;
  const leaderMissing = facts.scheduler ? (facts.scheduler.leaderMissingForMs ?? -1) >= missingMs : !scheduler.leader;
  const dueForMs = scheduler.earliestDue === undefined ? 0 : now - scheduler.earliestDue.getTime();
  if (!scheduler.leader && leaderMissing && needsScheduler) {
    const due = scheduler.dueTimestamps > 0;
    add({
      check: "scheduler-leader",
      severity: due ? "critical" : "warning",
      subject: "scheduler",
      message: due
        ? `no scheduler is running, and delayed jobs of ${scheduler.dueTimestamps} ${plural(scheduler.dueTimestamps, "time")} are due`
        : scheduler.delayedTimestamps > 0
          ? "no scheduler is running; delayed jobs will not be enqueued when due"
          : "no scheduler is running; recurring schedules will not fire",
      link: { page: scheduler.delayedTimestamps > 0 ? "delayed" : "schedule" },
      value: scheduler.dueTimestamps,
    });
  } else if (scheduler.leader && scheduler.dueTimestamps > 0 && dueForMs > missingMs) {
    add({
      check: "scheduler-leader",
      severity: "critical",
      subject: "scheduler",
      message: `delayed jobs due since ${scheduler.earliestDue!.toISOString()} have not been moved to their queues; the scheduler holding the lock (${scheduler.leader.holder}) is not working`,
      link: { page: "delayed" },
      value: scheduler.dueTimestamps,
    });
  }
  const lateMs = c.scheduleLateSeconds * 1000;
  for (const schedule of facts.schedules ?? []) {
    if (!schedule.enabled || !schedule.loaded || schedule.nextRun === undefined) continue;
    const lateBy = now - schedule.nextRun.getTime();
    if (lateBy <= lateMs) continue;
    add(
      {
        check: "missed-schedule",
        severity: "warning",
        subject: `schedule:${schedule.name}`,
        message: `schedule "${schedule.name}" (${schedule.class}) was due at ${schedule.nextRun.toISOString()} and has not run (${duration(lateBy)} late)`,
        link: { page: "schedule", schedule: schedule.name },
        value: Math.round(lateBy / 1000),
        threshold: c.scheduleLateSeconds,
      },
      { queue: schedule.queue, class: schedule.class },
    );
  }

  // Redis.
  const { redis } = overview;
  if (redis.maxMemoryBytes > 0) {
    const percent = (redis.usedMemoryBytes / redis.maxMemoryBytes) * 100;
    if (percent > c.redisMemoryPercent) {
      add({
        check: "redis-memory",
        severity: "critical",
        subject: "redis",
        message: `Redis uses ${Math.round(percent)} % of its maxmemory`,
        link: { page: "stats" },
        value: Math.round(percent),
        threshold: c.redisMemoryPercent,
      });
    }
  }
  if (redis.evictsAnyKey || redis.evictsKeysWithTtl) {
    add({
      check: "eviction-policy",
      severity: redis.evictsAnyKey ? "critical" : "warning",
      subject: "redis",
      message: redis.evictsAnyKey
        ? `maxmemory-policy ${redis.maxMemoryPolicy} can evict queues and failed jobs; use noeviction`
        : `maxmemory-policy ${redis.maxMemoryPolicy} can evict keys with a TTL (history, retry copies); prefer noeviction`,
      link: { page: "stats" },
    });
  }
  return findings.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === "critical" ? -1 : 1));
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 3600)} h`;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
