/**
 * One evaluation of one instance: read the facts through the admin API, update what checks
 * remember in Redis, judge (checks.ts), and apply the findings to the alert state in Redis in one
 * compare-and-set; the transitions this process won are the notifications it must send.
 */
import type { Admin } from "../admin/index.js";
import type { Overview } from "../admin/overview.js";
import type { DataStore } from "../redis/store.js";
import type { StoredAlert } from "../redis/stores/monitor-store.js";
import { alertId, type Alert, type AlertKind, type AlertNotification } from "./alert.js";
import { evaluateChecks, needsFailedCounts, queueGrowthWindowMs, type CheckFacts, type ChecksConfig, type Finding } from "./checks.js";

export interface InstanceEvaluation {
  /** The instance's name. */
  name: string;
  /** False when its facts could not be read (then `error` says why and `findings` holds redis-unreachable). */
  ok: boolean;
  /** Why its facts could not be read. */
  error?: string;
  /** What is bad now, most severe first. */
  findings: Finding[];
  /** The notifications this evaluation decided (empty when another monitor's later evaluation had already been applied). */
  notifications: AlertNotification[];
}

export interface InstanceCheckOptions {
  checks: ChecksConfig;
  repeatMs: number;
  /** The evaluation's time; default Redis' clock as the overview read it. */
  now: (() => number) | undefined;
  dashboardUrl: string | undefined;
}

const KINDS: Record<"fire" | "repeat" | "resolve", AlertKind> = { fire: "firing", repeat: "repeat", resolve: "resolved" };

/** The facts checks judge from, read through the admin API (no memory, nothing written). */
async function readFacts(admin: Admin, checks: ChecksConfig): Promise<{ overview: Overview; facts: CheckFacts }> {
  const off = new Set(checks.disabled ?? []);
  const [overview, schedules, pruned, failedCounts] = await Promise.all([
    admin.overview(),
    off.has("missed-schedule") && off.has("scheduler-leader") ? undefined : admin.schedules.list(),
    off.has("worker-pruned") ? undefined : admin.workers.pruned(),
    needsFailedCounts(checks) && !off.has("failed") ? countFailed(admin) : undefined,
  ]);
  const facts: CheckFacts = {
    ...(schedules === undefined ? {} : { schedules }),
    ...(pruned === undefined ? {} : { pruned }),
    ...(failedCounts === undefined ? {} : { failedCounts }),
  };
  return { overview, facts };
}

/**
 * What is bad now, judged from the facts alone: nothing is remembered or written, so checks that
 * need memory judge as the dashboard does (queue-growing is skipped; a missing leader counts at once).
 */
export async function readFindings(admin: Admin, checks: ChecksConfig): Promise<Finding[]> {
  const { overview, facts } = await readFacts(admin, checks);
  return evaluateChecks(overview, checks, facts);
}

/** Evaluates one reachable instance; rejects when Redis cannot be read. */
export async function checkInstance(admin: Admin, store: DataStore, options: InstanceCheckOptions): Promise<InstanceEvaluation> {
  const { checks } = options;
  const { overview, facts: read } = await readFacts(admin, checks);
  const now = options.now?.() ?? overview.at.getTime();
  const observations = await store.monitor.observe(
    now,
    overview.scheduler.leader !== undefined,
    overview.queues.map((q) => ({ queue: q.name, size: q.size, windowMs: queueGrowthWindowMs(checks, q.name) })),
  );
  const facts: CheckFacts = {
    ...read,
    queueGrowth: Object.fromEntries(observations.growth),
    scheduler: { leaderMissingForMs: observations.leaderMissingForMs },
  };
  const findings = evaluateChecks(overview, checks, facts);
  const bad = new Map<string, Finding>();
  for (const finding of findings) if (!bad.has(alertId(finding))) bad.set(alertId(finding), finding);
  const applied = await store.monitor.applyEvaluation(
    now,
    [...bad].map(([id, finding]) => ({ id, repeatMs: options.repeatMs, finding: JSON.stringify(finding) })),
  );
  const at = new Date(now);
  const notifications =
    applied === "stale"
      ? []
      : applied.map(({ kind, id, alert }) => notification(KINDS[kind], toAlert(admin.name, id, alert), at, options.dashboardUrl));
  return { name: admin.name, ok: true, findings, notifications };
}

/** An alert as stored in Redis, as the public Alert. */
export function toAlert(instance: string, id: string, stored: StoredAlert): Alert {
  const finding = JSON.parse(stored.finding) as Finding;
  return {
    ...finding,
    id,
    instance,
    since: new Date(stored.since),
    notifiedAt: new Date(stored.notifiedAt),
    notifications: stored.notifications,
    highestSeverity: stored.highestSeverity === "critical" || finding.severity === "critical" ? "critical" : "warning",
    ...(stored.resolvedAt === undefined ? {} : { resolvedAt: new Date(stored.resolvedAt) }),
  };
}

export function notification(kind: AlertKind, alert: Alert, at: Date, dashboardUrl: string | undefined): AlertNotification {
  return { kind, alert, at, ...(dashboardUrl === undefined ? {} : { dashboardUrl }) };
}

/** Failed jobs by queue and by class: one walk over the failed lists, a thousand entries per call. */
async function countFailed(admin: Admin): Promise<NonNullable<CheckFacts["failedCounts"]>> {
  const byQueue: Record<string, number> = {};
  const byClass: Record<string, number> = {};
  for await (const job of admin.failed.entries()) {
    if (job.queue) byQueue[job.queue] = (byQueue[job.queue] ?? 0) + 1;
    byClass[job.payload.class] = (byClass[job.payload.class] ?? 0) + 1;
  }
  return { byQueue, byClass };
}
