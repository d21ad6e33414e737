import { describe, expect, it } from "vitest";
import { Admin, Job, NotFoundError, ScheduleConfigError, type ScheduleConfig } from "../../src/index.js";
import { ManualClock } from "../helpers/manual-clock.js";
import { useRedis } from "../helpers/resque.js";

class Report extends Job<unknown[]> {
  static override queue = "reports";
  perform(..._args: unknown[]) {}
}

const START = Date.parse("2026-06-01T09:59:30Z");
const fileSchedule: Record<string, ScheduleConfig> = {
  report: { cron: "* * * * * UTC", class: "Report", args: ["daily"], description: "every minute" },
  cleanup: { every: "1h", class: "Report", queue: "low", enabled: false },
};

describe("admin.schedules", () => {
  const redis = useRedis();
  const admin = redis.admin;
  const queued = async (queue = "reports") => {
    const client = redis.server().client();
    const items = await client.lrange(`resque:queue:${queue}`, 0, -1);
    await client.quit();
    return items;
  };

  it("lists the schedules the leading scheduler loaded from its file (published to Redis) on any host, with runs and the leader", async () => {
    const resque = redis.make({ jobs: [Report] });
    const clock = new ManualClock(START);
    const scheduler = resque.scheduler({ clock, schedule: fileSchedule, lockValue: "sched-host:1" });
    await scheduler.runPass();
    clock.set("2026-06-01T10:00:00Z");
    await scheduler.runPass();

    const a = admin(); // no job classes, no schedule file
    const list = await a.schedules.list();
    expect(list.map((s) => [s.name, s.source, s.class, s.queue, s.kind, s.expression, s.enabled, s.loaded])).toEqual([
      ["cleanup", "static", "Report", "low", "every", "1h", false, true],
      ["report", "static", "Report", "reports", "cron", "* * * * * UTC", true, true],
    ]);
    expect(list[1]).toMatchObject({
      args: ["daily"],
      description: "every minute",
      disabledByOperator: false,
      lastRun: new Date("2026-06-01T10:00:00Z"),
      nextRun: new Date("2026-06-01T10:01:00Z"),
      lastEnqueuedAt: new Date("2026-06-01T10:00:00Z"),
    });
    expect(await a.schedules.leader()).toMatchObject({ holder: "sched-host:1" });
  });

  it("disable skips a schedule's slots (none saved up) until enable; the scheduler still fires each slot at most once", async () => {
    const resque = redis.make({ jobs: [Report] });
    const clock = new ManualClock(START);
    const scheduler = resque.scheduler({ clock, schedule: fileSchedule, lockValue: "sched-host:1" });
    await scheduler.runPass();
    const a = admin();
    await a.schedules.disable("report");
    expect(await a.schedules.get("report")).toMatchObject({ enabled: false, disabledByOperator: true });
    clock.set("2026-06-01T10:00:00Z");
    await scheduler.runPass();
    clock.set("2026-06-01T10:01:00Z");
    await scheduler.runPass();
    expect(await queued()).toEqual([]);
    await a.schedules.enable("report");
    await scheduler.runPass(); // the 10:01 slot was skipped while disabled: it does not fire now
    expect(await queued()).toEqual([]);
    clock.set("2026-06-01T10:02:00Z");
    await scheduler.runPass();
    await scheduler.runPass();
    expect(await queued()).toEqual(['{"class":"Report","args":["daily"]}']);
    await expect(a.schedules.disable("nope")).rejects.toThrow(NotFoundError);
  });

  it("runNow enqueues the schedule's job at once, outside its slots", async () => {
    const resque = redis.make({ jobs: [Report] });
    await resque.scheduler({ clock: new ManualClock(START), schedule: fileSchedule, lockValue: "sched-host:1" }).runPass();
    expect(await admin().schedules.runNow("report")).toBe("reports");
    expect(await queued()).toEqual(['{"class":"Report","args":["daily"]}']);
  });

  it("creates, edits and removes dynamic schedules from a standalone Admin; the dynamic leader runs them, and invalid ones show why", async () => {
    const a = admin();
    await a.schedules.set("dyn", { cron: "* * * * * UTC", class: "Report", queue: "reports", args: [1] });
    // Without the job class here, a schedule without a queue is accepted (the scheduler resolves it).
    await a.schedules.set("unqueued", { every: "5m", class: "Report" });
    await expect(a.schedules.set("bad", { cron: "61 * * * *", queue: "q" })).rejects.toThrow(ScheduleConfigError);
    const client = redis.server().client();
    await client.hset("resque:persistent_schedules", "broken", '{"cron":"not cron","class":"X","queue":"q"}');

    const listed = await a.schedules.list();
    expect(listed.map((s) => [s.name, s.source, s.loaded, s.queue])).toEqual([
      ["broken", "dynamic", false, "q"],
      ["dyn", "dynamic", false, "reports"],
      ["unqueued", "dynamic", false, undefined],
    ]);
    expect(listed[0]!.error).toMatch(/field "cron"/);

    const resque = redis.make({ jobs: [Report] });
    const clock = new ManualClock(START);
    const leader = resque.scheduler({ clock, dynamic: true, lockValue: "sched-host:1" });
    await leader.runPass();
    const loaded = await a.schedules.list();
    expect(loaded.map((s) => [s.name, s.loaded, s.queue, s.error === undefined])).toEqual([
      ["broken", false, "q", false],
      ["dyn", true, "reports", true],
      ["unqueued", true, "reports", true],
    ]);
    clock.set("2026-06-01T10:00:00Z");
    await leader.runPass();
    expect((await queued()).sort()).toEqual(['{"class":"Report","args":[1]}', '{"class":"Report","args":[]}']);

    await a.schedules.set("dyn", { cron: "* * * * * UTC", class: "Report", queue: "reports", args: [2] });
    await leader.runPass();
    expect((await a.schedules.get("dyn"))?.args).toEqual([2]);
    expect(await a.schedules.remove("dyn")).toBe(true);
    await leader.runPass();
    expect((await a.schedules.list()).map((s) => s.name)).toEqual(["broken", "unqueued"]);
    await client.quit();
  });
});
