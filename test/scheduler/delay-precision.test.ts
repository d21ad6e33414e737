import { describe, expect, it } from "vitest";
import { ConfigurationError, Job, retry } from "../../src/index.js";
import { collect, collectRecorded } from "../helpers/events.js";
import { ManualClock } from "../helpers/manual-clock.js";
import { silentLogger, useRedis } from "../helpers/resque.js";

const T = 1_800_000_000; // unix seconds, in the future
const clock = new ManualClock(T * 1000 + 250);

class Plain extends Job<[number]> {
  static override queue = "precise";
  perform(_n: number) {}
}

/** Fails once, retried 1 s later by the retry plugin. */
@retry({ limit: 1, delay: 1, clock })
class FailsOnce extends Job<[number]> {
  static override queue = "precise";
  perform(_n: number) {
    throw new Error("first run fails");
  }
}

describe('delayPrecision: "milliseconds"', () => {
  const redis = useRedis();

  it("stores an exact due time as epoch ms with a seconds score, and promotes it at that millisecond, not before", async () => {
    const resque = redis.make({ jobs: [Plain], delayPrecision: "milliseconds" });
    const client = redis.server().client();
    const due = T * 1000 + 1250;
    await resque.enqueueAt(new Date(due), Plain, 1);
    await resque.enqueueAt(new Date(T * 1000 + 3000), Plain, 2); // a whole second keeps Resque's spelling
    expect(await client.zrange("resque:delayed_queue_schedule", 0, -1, "WITHSCORES")).toEqual([String(due), String(due / 1000), String(T + 3), String(T + 3)]);
    expect(await client.lrange(`resque:delayed:${due}`, 0, -1)).toEqual(['{"class":"Plain","args":[1],"queue":"precise"}']);

    const at = new ManualClock(due - 1);
    const scheduler = resque.scheduler({ clock: at, logger: silentLogger, lockValue: "test:1" });
    await scheduler.runPass();
    expect(await client.llen("resque:queue:precise")).toBe(0); // one millisecond early: nothing moves
    at.set(due);
    await scheduler.runPass();
    expect(await client.lrange("resque:queue:precise", 0, -1)).toEqual(['{"class":"Plain","args":[1]}']);
    expect(await client.exists(`resque:delayed:${due}`)).toBe(0);
  });

  it("the admin API lists exact times and removes by them", async () => {
    const resque = redis.make({ jobs: [Plain], delayPrecision: "milliseconds" });
    const due = T * 1000 + 1250;
    await resque.enqueueAt(new Date(due), Plain, 1);
    const [listed] = await resque.admin.delayed.timestamps();
    expect(listed).toEqual({ at: new Date(due), size: 1 });
    const [job] = await resque.admin.delayed.at(new Date(due));
    expect(job!.at).toEqual(new Date(due));
    await resque.admin.delayed.remove(job!);
    expect(await resque.admin.delayed.count()).toBe(0);
  });

  it("a retry 1 s after a failure is due exactly 1 s later (seconds precision rounds it up to the next second)", async () => {
    for (const [precision, expected] of [
      ["milliseconds", T * 1000 + 1250],
      ["seconds", T + 2],
    ] as const) {
      await redis.server().client().flushall();
      const resque = redis.make({ jobs: [FailsOnce], delayPrecision: precision });
      const worker = resque.worker({ queues: "precise", interval: 30 });
      const failed = collectRecorded(worker, "job:failure", 1);
      await resque.enqueue(FailsOnce, 1);
      await worker.start();
      await failed;
      await worker.stop();
      expect(await redis.server().client().zrange("resque:delayed_queue_schedule", 0, -1)).toEqual([String(expected)]);
    }
  });

  it("is refused when it is neither seconds nor milliseconds", () => {
    expect(() => redis.make({ delayPrecision: "micro" as "seconds" })).toThrow(ConfigurationError);
  });
});
