/**
 * Checks: judgements over the facts of `admin.overview()` — what deserves attention now. Pure
 * functions, shared by the dashboard's overview and the monitor (which adds state across
 * evaluations, such as "growing for T minutes", and sends notifications).
 */
import type { Overview } from "../admin/overview.js";

export type CheckName =
  | "failed"
  | "failure-rate"
  | "queue-size"
  | "queue-without-workers"
  | "long-running-job"
  | "stale-heartbeat"
  | "scheduler-leader"
  | "redis-memory"
  | "eviction-policy";

export type Severity = "warning" | "critical";

/** Where in the dashboard a finding is fixed. */
export interface FindingLink {
  page: "failed" | "queues" | "workers" | "working" | "delayed" | "schedule" | "stats" | "redis";
  queue?: string;
  worker?: string;
}

/** One thing that deserves attention. */
export interface Finding {
  check: CheckName;
  severity: Severity;
  /** What it is about, stable across evaluations (the alert identity): "failed", "queue:mail", "worker:<id>", "scheduler", "redis". */
  subject: string;
  /** One sentence for people. */
  message: string;
  link: FindingLink;
  /** The measured value and the threshold it crossed, when there are numbers. */
  value?: number;
  threshold?: number;
}

/** Thresholds; every field is optional and has the default shown. */
export interface ChecksConfig {
  /** Failed jobs (all failed lists) above this: warning. Default 0. */
  failedAbove?: number;
  /** Failed jobs in the last complete minute above this: critical. Default 10. */
  failuresPerMinuteAbove?: number;
  /** Jobs waiting on a queue above this: warning. Default 1000. */
  queueSizeAbove?: number;
  /** Per-queue overrides of queueSizeAbove. */
  queues?: Record<string, { sizeAbove?: number }>;
  /** A job running longer than this many seconds: warning. Default 900 (or the worker's job timeout, when shorter). */
  runningLongerThanSeconds?: number;
  /** Redis memory above this percent of maxmemory: critical. Default 90. */
  redisMemoryPercent?: number;
  /** Checks switched off. */
  disabled?: readonly CheckName[];
}

const DEFAULTS = {
  failedAbove: 0,
  failuresPerMinuteAbove: 10,
  queueSizeAbove: 1000,
  runningLongerThanSeconds: 900,
  redisMemoryPercent: 90,
};

/** Ruby's prune threshold; resque-ts workers are stale after 4 intervals plus a second. */
const FOREIGN_STALE_MS = 300_000;

/** What deserves attention in an overview, most severe first. */
export function evaluateChecks(overview: Overview, config: ChecksConfig = {}): Finding[] {
  const c = { ...DEFAULTS, ...stripUndefined(config) };
  const off = new Set(config.disabled ?? []);
  const findings: Finding[] = [];
  const add = (finding: Finding) => {
    if (!off.has(finding.check)) findings.push(finding);
  };

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
  // The last complete minute: the current one is still being written.
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
  for (const queue of overview.queues) {
    const limit = config.queues?.[queue.name]?.sizeAbove ?? c.queueSizeAbove;
    if (queue.size > 0 && queue.workers.length === 0) {
      add({
        check: "queue-without-workers",
        severity: "critical",
        subject: `queue:${queue.name}`,
        message: `${queue.size} ${plural(queue.size, "job")} on "${queue.name}" and no worker takes from it`,
        link: { page: "queues", queue: queue.name },
        value: queue.size,
      });
    }
    if (queue.size > limit) {
      add({
        check: "queue-size",
        severity: "warning",
        subject: `queue:${queue.name}`,
        message: `"${queue.name}" has ${queue.size} waiting jobs (more than ${limit})`,
        link: { page: "queues", queue: queue.name },
        value: queue.size,
        threshold: limit,
      });
    }
  }
  const byId = new Map(overview.workers.map((w) => [w.id, w]));
  for (const job of overview.running) {
    const timeout = byId.get(job.workerId)?.jobTimeoutSeconds;
    const limitSeconds = timeout !== undefined ? Math.min(timeout, c.runningLongerThanSeconds) : c.runningLongerThanSeconds;
    if (job.runningForMs !== undefined && job.runningForMs > limitSeconds * 1000) {
      add({
        check: "long-running-job",
        severity: "warning",
        subject: `worker:${job.workerId}`,
        message: `${job.class} on "${job.queue}" has run for ${duration(job.runningForMs)} on ${job.workerId}`,
        link: { page: "working", worker: job.workerId },
        value: Math.round(job.runningForMs / 1000),
        threshold: limitSeconds,
      });
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
  const { scheduler } = overview;
  if (!scheduler.leader && scheduler.delayedTimestamps > 0) {
    const due = scheduler.dueTimestamps > 0;
    add({
      check: "scheduler-leader",
      severity: due ? "critical" : "warning",
      subject: "scheduler",
      message: due
        ? `no scheduler is running, and delayed jobs of ${scheduler.dueTimestamps} ${plural(scheduler.dueTimestamps, "time")} are due`
        : "no scheduler is running; delayed jobs will not be enqueued when due",
      link: { page: "delayed" },
      value: scheduler.dueTimestamps,
    });
  }
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
