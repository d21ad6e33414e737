/** The attention rules, judged over overviews read from a real redis-server. */
import { describe, expect, it } from "vitest";
import type { Finding, HistoryPoint, Overview, ScheduleInfo } from "../../src/index.js";
import { evaluateChecks, needsFailedCounts, queueGrowthWindowMs } from "../../src/monitor/checks.js";
import { useRedis } from "../helpers/resque.js";

describe("checks over an overview", () => {
  const redis = useRedis();
  const admin = redis.admin;

  it("finds nothing on a quiet Resque", async () => {
    expect(evaluateChecks(await admin().overview())).toEqual([]);
  });

  it("names failed jobs, queues without workers or over their size, stale workers, a missing scheduler and an evicting Redis, most severe first", async () => {
    const client = redis.server().client();
    const entry = '{"failed_at":"2026/12/01 10:00:00 UTC","payload":{"class":"A","args":[]},"exception":"E","error":"x","backtrace":[],"worker":"h:1:q","queue":"mail"}';
    await client.rpush("resque:failed", entry, entry);
    await client.sadd("resque:queues", "mail", "big");
    await client.rpush("resque:queue:mail", '{"class":"A","args":[]}');
    await client.rpush("resque:queue:big", ...Array.from({ length: 30 }, () => '{"class":"A","args":[]}'));
    // A Ruby worker on "big" whose heartbeat is 10 minutes old, running a job for 20 minutes.
    const [seconds] = await client.time();
    const ago = (s: number) => new Date((Number(seconds) - s) * 1000).toISOString().replace(/\.\d{3}Z$/, "+00:00");
    await client.sadd("resque:workers", "old-host:42:big");
    await client.hset("resque:workers:heartbeat", "old-host:42:big", ago(600));
    await client.set("resque:worker:old-host:42:big", `{"queue":"big","run_at":"${ago(1200).replace("+00:00", "Z")}","payload":{"class":"A","args":[]}}`);
    await client.zadd("resque:delayed_queue_schedule", 1, "1");
    await client.rpush("resque:delayed:1", '{"class":"A","args":[],"queue":"mail"}');
    await client.config("SET", "maxmemory-policy", "allkeys-lru");

    const findings = evaluateChecks(await admin().overview(), { queues: { big: { sizeAbove: 20 } } });
    const summary = findings.map((f) => [f.severity, f.check, f.subject]);
    expect(summary).toEqual([
      ["critical", "queue-without-workers", "queue:mail"],
      ["critical", "scheduler-leader", "scheduler"],
      ["critical", "eviction-policy", "redis"],
      ["warning", "failed", "failed"],
      ["warning", "queue-size", "queue:big"],
      ["warning", "long-running-job", "worker:old-host:42:big"],
      ["warning", "stale-heartbeat", "worker:old-host:42:big"],
    ]);
    expect(findings.find((f) => f.check === "failed")).toMatchObject({ message: "2 failed jobs to retry or remove", link: { page: "failed" }, value: 2 });
    expect(findings.find((f) => f.check === "queue-without-workers")!.link).toEqual({ page: "queues", queue: "mail" });
    expect(evaluateChecks(await admin().overview(), { disabled: ["failed", "eviction-policy"], failedAbove: 5 }).map((f) => f.check)).not.toContain("failed");
    await client.config("SET", "maxmemory-policy", "noeviction");
    await client.quit();
  });
});

/** An overview as admin.overview() returns it, with only what a test changes. */
function overviewOf(changes: Partial<Overview> = {}): Overview {
  const at = new Date("2026-12-01T10:00:00Z");
  return {
    name: "test",
    namespace: "resque:",
    at,
    totals: { processed: 0, failed: 0 },
    failed: { count: 0, lists: [] },
    queues: [],
    workers: [],
    running: [],
    paused: { all: false, targets: [] },
    scheduler: { leader: undefined, delayedTimestamps: 0, dueTimestamps: 0, earliestDue: undefined },
    redis: { version: "7.0.15", mode: "standalone", role: "master", uptimeSeconds: 1, connectedClients: 1, usedMemoryBytes: 1, maxMemoryBytes: 0, maxMemoryPolicy: "noeviction", evictsAnyKey: false, evictsKeysWithTtl: false, clusterEnabled: false },
    recentMinutes: [],
    alerts: [],
    ...changes,
  };
}

const minute = (failedByQueue: Record<string, number>, failedByClass: Record<string, number>): HistoryPoint => ({
  at: new Date("2026-12-01T09:59:00Z"),
  processed: 0,
  failed: Object.values(failedByQueue).reduce((a, b) => a + b, 0),
  byQueue: Object.fromEntries(Object.entries(failedByQueue).map(([q, n]) => [q, { processed: n, failed: n }])),
  byClass: Object.fromEntries(Object.entries(failedByClass).map(([c, n]) => [c, { processed: n, failed: n }])),
});

describe("checks configured per queue and per class", () => {
  const ids = (findings: Finding[]) => findings.map((f) => `${f.severity} ${f.check} ${f.subject}`);

  it("failure rate: globally, per queue and per class, from the last complete minute", () => {
    const o = overviewOf({ recentMinutes: [minute({ mail: 3, low: 1 }, { SendInvoice: 3, Report: 1 }), minute({ mail: 50 }, {})] });
    expect(ids(evaluateChecks(o, { failuresPerMinuteAbove: 3, queues: { mail: { failuresPerMinuteAbove: 2 } }, classes: { Report: { failuresPerMinuteAbove: 0 } } }))).toEqual([
      "critical failure-rate failure-rate",
      "critical failure-rate queue:mail",
      "critical failure-rate class:Report",
    ]);
    expect(ids(evaluateChecks(o, { failuresPerMinuteAbove: 4 }))).toEqual([]);
  });

  it("failed: per queue and per class from failed counts, per queue also from a RedisMultiQueue list", () => {
    const o = overviewOf({ failed: { count: 9, lists: [{ name: "failed", queue: undefined, size: 4 }, { name: "low_failed", queue: "low", size: 5 }] } });
    const config = { failedAbove: 100, queues: { mail: { failedAbove: 2 }, low: { failedAbove: 4 } }, classes: { Report: { failedAbove: 0 }, Other: { failedAbove: 0 } } };
    expect(ids(evaluateChecks(o, config))).toEqual(["warning failed queue:low"]);
    expect(ids(evaluateChecks(o, config, { failedCounts: { byQueue: { mail: 3, low: 1 }, byClass: { Report: 1 } } }))).toEqual([
      "warning failed queue:mail",
      "warning failed class:Report",
    ]);
    expect(needsFailedCounts(config)).toBe(true);
    expect(needsFailedCounts({ failedAbove: 3, queues: { mail: { sizeAbove: 3 } } })).toBe(false);
  });

  it("long-running job: the class's limit wins over the queue's and the global one; never above the worker's timeout", () => {
    const running = (workerId: string, queue: string, cls: string, seconds: number) => ({ workerId, queue, class: cls, runAt: undefined, runningForMs: seconds * 1000 });
    const o = overviewOf({
      running: [running("a:1:mail", "mail", "SendInvoice", 100), running("a:2:mail", "mail", "Report", 100), running("a:3:low", "low", "Job", 100)],
    });
    const config = { runningLongerThanSeconds: 200, queues: { mail: { runningLongerThanSeconds: 50 } }, classes: { Report: { runningLongerThanSeconds: 3600 } } };
    expect(ids(evaluateChecks(o, config))).toEqual(["warning long-running-job worker:a:1:mail"]);
  });

  it("disabled per queue and per class, and severity overrides", () => {
    const o = overviewOf({
      queues: [
        { name: "parking", size: 5, workers: [] },
        { name: "mail", size: 5, workers: [] },
      ],
      running: [{ workerId: "a:1:q", queue: "q", class: "Slow", runAt: undefined, runningForMs: 10_000_000 }],
    });
    const config = {
      queueSizeAbove: 1,
      queues: { parking: { disabled: ["queue-without-workers", "queue-size"] as const } },
      classes: { Slow: { disabled: ["long-running-job"] as const } },
      severity: { "queue-size": "critical" as const, "queue-without-workers": "warning" as const },
    };
    expect(ids(evaluateChecks(o, config))).toEqual(["critical queue-size queue:mail", "warning queue-without-workers queue:mail"]);
  });

  it("a queue growing for its window, with the monitor's memory", () => {
    const o = overviewOf({ queues: [{ name: "mail", size: 40, workers: ["w"] }, { name: "low", size: 40, workers: ["w"] }] });
    const growth = { mail: { growingForMs: 11 * 60_000, fromSize: 10 }, low: { growingForMs: 11 * 60_000, fromSize: 10 } };
    const findings = evaluateChecks(o, { queueGrowingMinutes: 10, queues: { low: { growingMinutes: 15 } } }, { queueGrowth: growth });
    expect(ids(findings)).toEqual(["warning queue-growing queue:mail"]);
    expect(findings[0]!.message).toBe('"mail" has grown from 10 to 40 jobs over 11 min without being worked down');
    expect(queueGrowthWindowMs({ queueGrowingMinutes: 10, queues: { low: { growingMinutes: 15 } } }, "low")).toBe(15 * 60_000);
    expect(evaluateChecks(o, {})).toEqual([]); // without memory (the dashboard) there is no growth to judge
  });

  it("the scheduler: missing for T with memory, at once without; a leader that does not move due jobs", () => {
    const waiting = { leader: undefined, delayedTimestamps: 2, dueTimestamps: 0, earliestDue: new Date("2026-12-01T11:00:00Z") };
    expect(ids(evaluateChecks(overviewOf({ scheduler: waiting })))).toEqual(["warning scheduler-leader scheduler"]);
    expect(ids(evaluateChecks(overviewOf({ scheduler: waiting }), { schedulerMissingSeconds: 60 }, { scheduler: { leaderMissingForMs: 59_000 } }))).toEqual([]);
    expect(ids(evaluateChecks(overviewOf({ scheduler: waiting }), { schedulerMissingSeconds: 60 }, { scheduler: { leaderMissingForMs: 60_000 } }))).toEqual([
      "warning scheduler-leader scheduler",
    ]);
    // Recurring schedules need a scheduler even with no delayed jobs.
    const none = { ...waiting, delayedTimestamps: 0, earliestDue: undefined };
    expect(evaluateChecks(overviewOf({ scheduler: none }), {}, { scheduler: { leaderMissingForMs: 600_000 } })).toEqual([]);
    const schedule = { name: "nightly", enabled: true, loaded: true } as ScheduleInfo;
    expect(evaluateChecks(overviewOf({ scheduler: none }), {}, { scheduler: { leaderMissingForMs: 600_000 }, schedules: [schedule] })[0]!.message).toBe(
      "no scheduler is running; recurring schedules will not fire",
    );
    const stuck = { leader: { holder: "sched1:42", ttlMs: 100_000 }, delayedTimestamps: 1, dueTimestamps: 1, earliestDue: new Date("2026-12-01T09:58:00Z") };
    const [finding] = evaluateChecks(overviewOf({ scheduler: stuck }));
    expect(finding).toMatchObject({ check: "scheduler-leader", severity: "critical" });
    expect(finding!.message).toContain("the scheduler holding the lock (sched1:42) is not working");
    expect(evaluateChecks(overviewOf({ scheduler: { ...stuck, earliestDue: new Date("2026-12-01T09:59:30Z") } }))).toEqual([]);
  });

  it("a recurring schedule past its next run, unless disabled or not run by the leader", () => {
    const base = { class: "Nightly", queue: "reports", enabled: true, loaded: true, nextRun: new Date("2026-12-01T09:57:00Z") } as ScheduleInfo;
    const schedules = [
      { ...base, name: "late" },
      { ...base, name: "on-time", nextRun: new Date("2026-12-01T09:59:00Z") },
      { ...base, name: "off", enabled: false },
      { ...base, name: "not-loaded", loaded: false },
    ];
    const findings = evaluateChecks(overviewOf(), { scheduleLateSeconds: 120, disabled: ["scheduler-leader"] }, { schedules });
    expect(ids(findings)).toEqual(["warning missed-schedule schedule:late"]);
    expect(findings[0]!.link).toEqual({ page: "schedule", schedule: "late" });
    expect(evaluateChecks(overviewOf(), { classes: { Nightly: { disabled: ["missed-schedule"] } }, disabled: ["scheduler-leader"] }, { schedules })).toEqual([]);
  });

  it("workers pruning found dead within the window, newest record first", () => {
    const pruned = [
      { id: "w:1:q", at: new Date("2026-12-01T09:50:00Z"), queue: "q", class: "SendInvoice", outcome: "requeued" as const },
      { id: "w:2:q", at: new Date("2026-12-01T09:40:00Z"), queue: undefined, class: undefined, outcome: "none" as const },
    ];
    const findings = evaluateChecks(overviewOf(), { prunedWithinMinutes: 15 }, { pruned });
    expect(ids(findings)).toEqual(["warning worker-pruned worker:w:1:q"]);
    expect(findings[0]!.message).toBe('w:1:q was found dead at 2026-12-01T09:50:00.000Z; its SendInvoice job on "q" went back to the front of the queue');
  });
});
