import { describe, expect, it } from "vitest";
import { Job, type ScheduleConfig } from "../../src/index.js";
import { ManualClock } from "../helpers/manual-clock.js";
import { silentLogger, useRedis } from "../helpers/resque.js";

class Tick extends Job<[number]> {
  static override queue = "ticks";
  perform(_n: number) {}
}

const SCHEDULES = 1_200;
const START = Date.parse("2026-06-01T09:59:55Z");
const SLOT = Date.parse("2026-06-01T10:00:00Z");

function schedules(): Record<string, ScheduleConfig> {
  const entries: Record<string, ScheduleConfig> = {};
  for (let i = 0; i < SCHEDULES; i++) entries[`tick-${i}`] = { every: "10s", class: "Tick", args: [i] };
  return entries;
}

async function evalshaCalls(client: import("ioredis").Redis): Promise<number> {
  const match = /cmdstat_evalsha:calls=(\d+)/.exec(await client.info("commandstats"));
  return match ? Number(match[1]) : 0;
}

describe("firing many due schedules", () => {
  const redis = useRedis();

  it("fires every due slot in a few script calls (not one per schedule), each once, across two schedulers", async () => {
    const clock = new ManualClock(START);
    const client = redis.server().client();
    const [a, b] = ["host-a:1", "host-b:1"].map((lockValue) => redis.make({ jobs: [Tick] }).scheduler({ clock, schedule: schedules(), lockValue, logger: silentLogger }));
    await a!.runPass(); // takes the lead; nothing is due yet
    await b!.runPass();
    expect(await client.llen("resque:queue:ticks")).toBe(0);

    clock.set(SLOT + 250);
    const before = await evalshaCalls(client);
    await a!.runPass();
    const calls = (await evalshaCalls(client)) - before;
    expect(await client.llen("resque:queue:ticks")).toBe(SCHEDULES);
    // The lock, promotion and next-run records take a few calls; the 1,200 slots take 3 (500 per call).
    expect(calls).toBeLessThan(12);

    // Again, and from the follower turned leader in a split brain: nothing fires twice.
    await a!.runPass();
    await client.del("resque:resque_scheduler_master_lock", "resque:resque:resque_scheduler_master_lock");
    await b!.runPass();
    await b!.runPass();
    const items = await client.lrange("resque:queue:ticks", 0, -1);
    expect(items).toHaveLength(SCHEDULES);
    expect(new Set(items).size).toBe(SCHEDULES);
    expect(await client.hget("resque:scheduler:last_run", `tick-${SCHEDULES - 1}`)).toBe(String(SLOT / 1000));
    expect(await client.hget("resque:scheduler:next_run", "tick-0")).toBe(String(SLOT / 1000 + 10));
    await client.quit();
  });
});
