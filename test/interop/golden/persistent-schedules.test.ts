/**
 * Dynamic schedules as resque-scheduler 4.x's set_schedule stores them (reference §7): the config
 * JSON without "persist" in `persistent_schedules`, the name in `schedules_changed`. Our dynamic
 * leader picks them up, fires them, and records the fire in `delayed:last_enqueued_at` as Ruby does.
 */
import { describe, expect, it } from "vitest";
import { Job } from "../../../src/index.js";
import { ManualClock } from "../../helpers/manual-clock.js";
import { silentLogger, useRedis } from "../../helpers/resque.js";

class EchoJob extends Job<unknown[]> {
  static override queue = "default";
  perform(..._args: unknown[]) {}
}

describe("dynamic schedules written by resque-scheduler", () => {
  const redis = useRedis();

  it("are loaded, fired on time and recorded in Ruby's format", async () => {
    const client = redis.server().client();
    // Ruby's encode(config), with a Hash as args (one argument) and one with an Array (splatted).
    await client.hset("resque:persistent_schedules", {
      hourly_report: '{"cron":"0 * * * *","class":"EchoJob","queue":"reports","args":{"format":"pdf"},"description":"hourly"}',
      minutely: '{"every":["1m",{"first_in":"30s"}],"class":"EchoJob","args":["tick",1.0]}',
    });
    await client.sadd("resque:schedules_changed", "hourly_report", "minutely");

    const resque = redis.make({ jobs: [EchoJob] });
    const listed = await resque.admin.schedules.list();
    expect(listed.map((s) => [s.name, s.source, s.config])).toEqual([
      ["hourly_report", "dynamic", { cron: "0 * * * *", class: "EchoJob", queue: "reports", args: { format: "pdf" }, description: "hourly" }],
      ["minutely", "dynamic", { every: ["1m", { first_in: "30s" }], class: "EchoJob", args: ["tick", 1] }],
    ]);
    expect(listed.map((s) => [s.queue, s.args, s.kind, s.expression, s.error])).toEqual([
      ["reports", [{ format: "pdf" }], "cron", "0 * * * *", undefined],
      ["default", ["tick", 1], "every", "1m", undefined],
    ]);
    const clock = new ManualClock(Date.parse("2026-06-01T09:59:30Z"));
    const scheduler = resque.scheduler({ clock, dynamic: true, timezone: "UTC", logger: silentLogger, lockValue: "ours:1" });
    await scheduler.runPass();
    expect(scheduler.schedules.map((s) => s.name).sort()).toEqual(["hourly_report", "minutely"]);
    expect(await client.scard("resque:schedules_changed")).toBe(0); // taken, as Ruby's leader SPOPs them

    clock.set("2026-06-01T10:00:00Z");
    await scheduler.runPass();
    expect(await client.lrange("resque:queue:reports", 0, -1)).toEqual(['{"class":"EchoJob","args":[{"format":"pdf"}]}']);
    expect(await client.lrange("resque:queue:default", 0, -1)).toEqual(['{"class":"EchoJob","args":["tick",1]}']);
    expect(await client.hgetall("resque:delayed:last_enqueued_at")).toEqual({ hourly_report: "2026-06-01 10:00:00 +0000", minutely: "2026-06-01 10:00:00 +0000" });
    await client.quit();
  });
});
