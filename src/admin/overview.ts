/**
 * The overview: facts about one Resque (one Redis + namespace) in a few round trips, for
 * dashboards and monitors to judge from. It states what is, never whether that is good: a monitor
 * decides what "too many failed jobs" or "a stale heartbeat" means for its users.
 */
import type { AdminContext } from "./context.js";
import { DEFAULT_FAILED_LIST } from "../redis/stores/failure-store.js";
import type { FailedList } from "./failed.js";
import type { RedisInfo } from "./redis-health.js";
import type { SchedulerLeader } from "./schedules.js";
import { toPoint, type Counts, type HistoryPoint } from "./stats.js";
import { describeWorkers, watches, type PausedState, type WorkerInfo } from "./workers.js";

/** A queue, its size, and the workers that take from it. */
export interface QueueOverview {
  name: string;
  size: number;
  /** Ids of the registered workers whose queue list covers this queue (globs resolved as workers do). */
  workers: string[];
}

/** A job running now. */
export interface RunningJobOverview {
  workerId: string;
  queue: string;
  class: string;
  runAt: Date | undefined;
  /** Milliseconds it has run, by Redis' clock. */
  runningForMs: number | undefined;
}

/** An alert a monitor keeps firing in this Redis (see docs/monitoring.md). */
export interface FiringAlert {
  /** `<check>|<subject>`. */
  id: string;
  /** The monitor's finding, as it stored it: check, severity, subject, message, link, ... */
  finding: { check: string; severity: "warning" | "critical"; subject: string; message: string; link?: { page: string; queue?: string; worker?: string } };
  /** When it went bad. */
  since: Date;
}

export interface Overview {
  /** The Admin's name (its `name` option, or where it connects and its namespace). */
  name: string;
  /** The key prefix, e.g. "resque:". */
  namespace: string;
  /** Redis' clock when this was read. */
  at: Date;
  /** stat:processed and stat:failed. */
  totals: Counts;
  failed: {
    /** Entries in every failed list. */
    count: number;
    lists: FailedList[];
  };
  queues: QueueOverview[];
  workers: WorkerInfo[];
  running: RunningJobOverview[];
  paused: PausedState;
  scheduler: {
    /** The scheduler holding the leader lock (Ruby's or ours); undefined when none leads. */
    leader: SchedulerLeader | undefined;
    /** Distinct due times with delayed jobs. */
    delayedTimestamps: number;
    /** Of those, how many are due now or past: a leading scheduler moves them within seconds. */
    dueTimestamps: number;
    /** The earliest due time, when any. */
    earliestDue: Date | undefined;
  };
  redis: RedisInfo;
  /** Processed and failed in each of the last 15 minutes, oldest first (resque-ts workers write this history; others do not). */
  recentMinutes: HistoryPoint[];
  /**
   * Alerts a monitor (`resque monitor`, or one inside an app or resque-web) keeps firing in this Redis,
   * including those that need memory across evaluations (a queue growing for minutes, a scheduler
   * missing for minutes); empty when no monitor runs.
   */
  alerts: FiringAlert[];
}

/** Minutes of history in an overview. */
const RECENT_MINUTES = 15;

/** Reads an overview: three round trips whatever the number of queues and workers. */
export async function readOverview(context: AdminContext, name: string, redis: () => Promise<RedisInfo>): Promise<Overview> {
  const { store } = context;
  const [queueNames, workerIds, totals, failedLists, pausedAll, pausedTargets, leader, delayedTimestamps, earliest, redisInfo, now, firing] = await Promise.all([
    store.queues.names(),
    store.workerRecords.ids(),
    store.stats.totals(),
    store.failures.lists(),
    store.control.pauseAll(),
    store.control.pausedTargets(),
    store.schedulerLock.lease(),
    store.delayed.scheduleSize(),
    store.delayed.earliest(),
    redis(),
    store.server.time(),
    store.monitor.firing(),
  ]);
  const lastMinute = Math.floor(now / 60_000) * 60;
  const minutes = Array.from({ length: RECENT_MINUTES }, (_, i) => lastMinute - (RECENT_MINUTES - 1 - i) * 60);
  const [sizes, details, dueTimestamps, history] = await Promise.all([
    store.queues.sizes(queueNames),
    store.workerRecords.details(workerIds),
    store.delayed.dueCount(now / 1000),
    store.stats.history("minute", minutes),
  ]);
  const paused = { all: pausedAll, targets: pausedTargets };
  const workers = describeWorkers(details, now, paused);
  return {
    name,
    namespace: store.keys.prefix,
    at: new Date(now),
    totals,
    failed: {
      count: failedLists.reduce((sum, list) => sum + list.size, 0),
      lists: failedLists.map(({ name: list, size }) => ({ name: list, queue: list === DEFAULT_FAILED_LIST ? undefined : list.replace(/_failed$/, ""), size })),
    },
    queues: queueNames.map((queue, i) => ({ name: queue, size: sizes[i]!, workers: workers.filter((w) => watches(w, queue)).map((w) => w.id) })),
    workers,
    running: workers
      .filter((w) => w.job !== null)
      .map((w) => ({ workerId: w.id, queue: w.job!.queue, class: w.job!.class, runAt: w.job!.runAt, runningForMs: w.job!.runningForMs })),
    paused,
    scheduler: {
      leader,
      delayedTimestamps,
      dueTimestamps,
      earliestDue: earliest === undefined ? undefined : new Date(earliest * 1000),
    },
    redis: redisInfo,
    recentMinutes: minutes.map((start, i) => toPoint(start, history[i]!)),
    alerts: firingAlerts(firing.alerts),
  };
}

/** The firing alerts whose stored finding can be read (a resolved one is not firing). */
function firingAlerts(stored: ReadonlyMap<string, { since: number; finding: string; resolvedAt?: number }>): FiringAlert[] {
  const alerts: FiringAlert[] = [];
  for (const [id, alert] of stored) {
    if (alert.resolvedAt !== undefined) continue;
    try {
      const finding = JSON.parse(alert.finding) as FiringAlert["finding"];
      if (typeof finding?.check === "string" && typeof finding.message === "string" && (finding.severity === "warning" || finding.severity === "critical")) {
        alerts.push({ id, finding, since: new Date(alert.since) });
      }
    } catch {
      // written by another version: not shown
    }
  }
  return alerts;
}
