import { describe, expect, it } from "vitest";
import { Job, type ScheduleConfig, type SchedulerOptions } from "../../src/index.js";
import { ManualClock } from "../helpers/manual-clock.js";
import { silentLogger, useRedis } from "../helpers/resque.js";

class Report extends Job<unknown[]> {
  static override queue = "reports";
  perform(..._args: unknown[]) {}
}

const START = Date.parse("2026-06-01T09:59:30Z");
const minutely: Record<string, ScheduleConfig> = { report: { cron: "* * * * * UTC", class: "Report", args: ["daily"] } };

describe("recurring schedules", () => {
  const redis = useRedis();

  function scheduler(clock: ManualClock, options: Partial<SchedulerOptions> = {}, lockValue = "host-a:1") {
    const resque = redis.make({ jobs: [Report] });
    return resque.scheduler({ clock, schedule: minutely, lockValue, ...options });
  }
  const queued = async () => {
    const client = redis.server().client();
    const items = await client.lrange("resque:queue:reports", 0, -1);
    await client.quit();
    return items;
  };

  it("fires a slot once at its time and records it as resque-scheduler does", async () => {
    const clock = new ManualClock(START);
    const a = scheduler(clock);
    const fired: string[] = [];
    a.on("fired", (f) => fired.push(f.slot.toISOString()));
    await a.runPass();
    expect(await queued()).toEqual([]);
    clock.set("2026-06-01T10:00:00.250Z");
    await a.runPass();
    await a.runPass();
    expect(await queued()).toEqual(['{"class":"Report","args":["daily"]}']);
    expect(fired).toEqual(["2026-06-01T10:00:00.000Z"]);

    const client = redis.server().client();
    expect(await client.hget("resque:delayed:last_enqueued_at", "report")).toBe("2026-06-01 10:00:00 +0000");
    expect(await client.hget("resque:scheduler:last_run", "report")).toBe(String(Date.parse("2026-06-01T10:00:00Z") / 1000));
    expect(await client.hget("resque:scheduler:next_run", "report")).toBe(String(Date.parse("2026-06-01T10:01:00Z") / 1000));
    const marker = `resque:scheduler:fired:report:${Date.parse("2026-06-01T10:00:00Z") / 1000}`;
    expect(await client.ttl(marker)).toBeGreaterThan(3000);
    expect(await client.smembers("resque:queues")).toEqual(["reports"]);
    await client.quit();

    const [listed] = await redis.make().admin.schedules.list();
    expect(listed).toMatchObject({
      name: "report",
      source: "static",
      lastRun: new Date("2026-06-01T10:00:00Z"),
      nextRun: new Date("2026-06-01T10:01:00Z"),
      lastEnqueuedAt: new Date("2026-06-01T10:00:00Z"),
    });
  });

  it("two leaders at once (split brain) still enqueue each slot once", async () => {
    const clock = new ManualClock(START);
    // Different lock prefixes: both hold "the" lock, as two leaders in a split brain would believe.
    const a = scheduler(clock, { lockPrefix: "a" }, "host-a:1");
    const b = scheduler(clock, { lockPrefix: "b" }, "host-b:2");
    await Promise.all([a.runPass(), b.runPass()]);
    for (let minute = 0; minute < 5; minute++) {
      clock.advance(60_000);
      await Promise.all([a.runPass(), b.runPass()]);
    }
    expect(a.isLeader && b.isLeader).toBe(true);
    expect(await queued()).toHaveLength(5);
  });

  it("a new leader carries on from the last slot fired, firing slots missed during the failover", async () => {
    const clock = new ManualClock(START);
    const a = scheduler(clock, {}, "host-a:1");
    const b = scheduler(clock, {}, "host-b:2");
    await a.runPass();
    await b.runPass();
    expect([a.isLeader, b.isLeader]).toEqual([true, false]);
    clock.set("2026-06-01T10:00:01Z");
    await a.runPass();
    // a dies; its lock expires; b takes over 2.5 minutes later.
    const client = redis.server().client();
    await client.del("resque:resque:resque_scheduler_master_lock");
    await client.quit();
    clock.set("2026-06-01T10:02:31Z");
    await b.runPass();
    expect(b.isLeader).toBe(true);
    expect(await queued()).toHaveLength(3); // 10:00 by a, 10:01 and 10:02 by b
  });

  it("does not fire slots from before a schedule existed", async () => {
    const clock = new ManualClock(Date.parse("2026-06-01T10:00:30Z"));
    await scheduler(clock).runPass();
    expect(await queued()).toEqual([]);
  });

  describe("missed runs while no scheduler ran", () => {
    async function downtime(missed: "skip" | "last" | "all") {
      const clock = new ManualClock(START);
      const hourly: Record<string, ScheduleConfig> = { report: { cron: "0 * * * * UTC", class: "Report", args: ["hourly"], missed } };
      const first = scheduler(clock, { schedule: hourly });
      await first.runPass();
      clock.set("2026-06-01T10:00:00Z");
      await first.runPass();
      // Down from 10:00 (its lock long expired) until another scheduler starts at 15:30.
      const client = redis.server().client();
      await client.del("resque:resque:resque_scheduler_master_lock");
      await client.quit();
      clock.set("2026-06-01T15:30:00Z");
      const next = scheduler(clock, { schedule: hourly }, "host-b:2");
      const fired: string[] = [];
      next.on("fired", (f) => fired.push(f.slot.toISOString().slice(11, 16)));
      await next.runPass();
      expect(next.isLeader).toBe(true);
      expect(await queued()).toHaveLength(1 + fired.length);
      return fired;
    }

    it("skip (default) fires none of them", async () => {
      expect(await downtime("skip")).toEqual([]);
    });

    it("last fires the latest once", async () => {
      expect(await downtime("last")).toEqual(["15:00"]);
    });

    it("all fires each of them, oldest first", async () => {
      expect(await downtime("all")).toEqual(["11:00", "12:00", "13:00", "14:00", "15:00"]);
    });
  });

  it("continues after Ruby's resque-scheduler: its delayed:last_enqueued_at marks what fired", async () => {
    const client = redis.server().client();
    await client.hset("resque:delayed:last_enqueued_at", "report", "2026-06-01 10:00:00 +0000");
    await client.quit();
    const clock = new ManualClock(Date.parse("2026-06-01T10:01:05Z"));
    const fired: string[] = [];
    const a = scheduler(clock);
    a.on("fired", (f) => fired.push(f.slot.toISOString()));
    await a.runPass();
    expect(fired).toEqual(["2026-06-01T10:01:00.000Z"]);
  });

  it("waits first_in before the first run of a schedule that never ran", async () => {
    const clock = new ManualClock(START);
    const a = scheduler(clock, { schedule: { report: { every: ["1m", { first_in: "3m" }], class: "Report" } } });
    const fired: string[] = [];
    a.on("fired", (f) => fired.push(f.slot.toISOString().slice(11, 16)));
    for (let i = 0; i < 6; i++) {
      await a.runPass();
      clock.advance(60_000);
    }
    expect(fired).toEqual(["10:03", "10:04"]);
  });

  it("never fires a disabled schedule", async () => {
    const clock = new ManualClock(START);
    const a = scheduler(clock, { schedule: { report: { ...minutely.report, enabled: false } } });
    await a.runPass();
    clock.advance(180_000);
    await a.runPass();
    expect(await queued()).toEqual([]);
  });

  it("runs exactly the documented slots through a DST night (Europe/Berlin spring forward)", async () => {
    const clock = new ManualClock(Date.parse("2026-03-28T22:50:00Z"));
    const a = scheduler(clock, {
      schedule: {
        nightly: { cron: "30 2 * * * Europe/Berlin", class: "Report", args: ["nightly"] },
        hourly: { cron: "0 * * * *", tz: "Europe/Berlin", class: "Report", args: ["hourly"] },
      },
      interval: 60,
    });
    const fired: string[] = [];
    a.on("fired", (f) => fired.push(`${f.name} ${f.slot.toISOString().slice(11, 16)}`));
    while (clock.now() < Date.parse("2026-03-29T02:10:00Z")) {
      await a.runPass();
      clock.advance(5 * 60_000);
    }
    expect(fired).toEqual(["hourly 23:00", "hourly 00:00", "nightly 01:00", "hourly 01:00", "hourly 02:00"]);
    expect(await queued()).toHaveLength(5);
  });
});

describe("dynamic schedules", () => {
  const redis = useRedis();

  it("are stored in resque-scheduler's format and reloaded live by a dynamic leader", async () => {
    const resque = redis.make({ jobs: [Report] });
    const clock = new ManualClock(START);
    const leader = resque.scheduler({ clock, dynamic: true, lockValue: "host-a:1" });
    await leader.runPass();

    await resque.admin.schedules.set("dyn", { cron: "* * * * * UTC", class: "Report", args: [1], persist: true });
    const client = redis.server().client();
    expect(await client.hget("resque:persistent_schedules", "dyn")).toBe('{"cron":"* * * * * UTC","class":"Report","args":[1]}');
    expect(await client.smembers("resque:schedules_changed")).toEqual(["dyn"]);
    expect((await resque.admin.schedules.list()).map((i) => [i.name, i.source, i.config])).toEqual([["dyn", "dynamic", { cron: "* * * * * UTC", class: "Report", args: [1] }]]);

    await leader.runPass();
    expect(await client.scard("resque:schedules_changed")).toBe(0);
    expect(leader.schedules.map((s) => s.name)).toEqual(["dyn"]);
    clock.set("2026-06-01T10:00:00Z");
    await leader.runPass();
    expect(await client.lrange("resque:queue:reports", 0, -1)).toEqual(['{"class":"Report","args":[1]}']);

    // An edit keeps the schedule's place: the slot that fired does not fire again.
    await resque.admin.schedules.set("dyn", { cron: "* * * * * UTC", class: "Report", args: [2] });
    await leader.runPass();
    clock.set("2026-06-01T10:01:00Z");
    await leader.runPass();
    expect(await client.lrange("resque:queue:reports", 0, -1)).toEqual(['{"class":"Report","args":[1]}', '{"class":"Report","args":[2]}']);

    expect(await resque.admin.schedules.remove("dyn")).toBe(true);
    expect(await resque.admin.schedules.remove("dyn")).toBe(false);
    await leader.runPass();
    clock.set("2026-06-01T10:05:00Z");
    await leader.runPass();
    expect(await client.llen("resque:queue:reports")).toBe(2);
    expect(leader.schedules).toEqual([]);
    expect(await client.hexists("resque:scheduler:last_run", "dyn")).toBe(0);
    await client.quit();
  });

  it("are validated before they are stored", async () => {
    const resque = redis.make();
    await expect(resque.admin.schedules.set("bad", { cron: "61 * * * *", queue: "q" })).rejects.toThrow(/schedule "bad": field "cron"/);
    expect(await resque.admin.schedules.list()).toEqual([]);
  });

  it("an invalid schedule written by another program is skipped, the others run", async () => {
    const client = redis.server().client();
    await client.hset("resque:persistent_schedules", { broken: '{"cron":"not cron","class":"X","queue":"q"}', ok: '{"every":"1m","class":"X","queue":"q"}' });
    await client.quit();
    const resque = redis.make();
    const leader = resque.scheduler({ clock: new ManualClock(START), dynamic: true, lockValue: "host-a:1" });
    await leader.runPass();
    expect(leader.schedules.map((s) => s.name)).toEqual(["ok"]);
  });

  it("are ignored unless the scheduler is dynamic", async () => {
    const resque = redis.make({ jobs: [Report] });
    await resque.admin.schedules.set("dyn", { cron: "* * * * * UTC", class: "Report" });
    const leader = resque.scheduler({ clock: new ManualClock(START), lockValue: "host-a:1" });
    await leader.runPass();
    expect(leader.schedules).toEqual([]);
  });
});
