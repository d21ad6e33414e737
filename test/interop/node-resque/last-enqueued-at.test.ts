/**
 * resque-scheduler's `delayed:last_enqueued_at` hash (which our scheduler writes when a recurring
 * schedule fires) matches `delayed:*`. node-resque's queue.timestamps() finds delayed times by
 * SCANning `delayed:*`, so it reports that hash as a NaN time; its scheduler reads the zset and
 * is not affected. docs/redis-layout.md says how to read around it.
 */
import { describe, expect, it } from "vitest";
import { Job } from "../../../src/index.js";
import { ManualClock } from "../../helpers/manual-clock.js";
import { NodeResquePeer, nodeEvents } from "../../helpers/node-resque.js";
import { silentLogger, useRedis } from "../../helpers/resque.js";

class Report extends Job<unknown[]> {
  static override queue = "reports";
  perform(..._args: unknown[]) {}
}

const FAR = 4102444800; // 2100-01-01, never due

describe("delayed:last_enqueued_at and node-resque", () => {
  const redis = useRedis();

  it("node-resque's timestamps() lists it as NaN, while its scheduler and our API ignore it", async () => {
    const resque = redis.make({ jobs: [Report] });
    const clock = new ManualClock(Date.parse("2026-06-01T09:59:59Z"));
    const scheduler = resque.scheduler({ clock, logger: silentLogger, lockValue: "ours:1", schedule: { report: { cron: "* * * * * UTC", class: "Report" } } });
    await scheduler.runPass();
    clock.set("2026-06-01T10:00:00Z");
    await scheduler.runPass();
    await scheduler.stop();
    const client = redis.server().client();
    expect(await client.hgetall("resque:delayed:last_enqueued_at")).toEqual({ report: "2026-06-01 10:00:00 +0000" });

    const peer = await NodeResquePeer.start(redis.server(), { Report: { perform: async () => undefined } });
    try {
      await resque.enqueueAt(FAR * 1000, Report, "far");
      await peer.queue.enqueueAt(Date.now() - 5000, "reports", "Report", ["due"]);
      const due = Math.round((Date.now() - 5000) / 1000);

      const times = await peer.queue.timestamps();
      expect(times.filter(Number.isFinite).sort((a, b) => a - b)).toEqual([due * 1000, FAR * 1000]);
      expect(times.filter((t) => Number.isNaN(t))).toHaveLength(1);
      expect(Object.keys(await peer.queue.allDelayed()).sort()).toEqual([String(due * 1000), String(FAR * 1000), "NaN"].sort());
      expect((await (await resque.admin.delayed.timestamps({ count: 1000 })).map((t) => t.at)).map((d) => d.getTime() / 1000)).toEqual([due, FAR]);

      // node-resque's scheduler walks the zset: it moves the due job and leaves the hash alone.
      const node = await peer.scheduler();
      await nodeEvents(node, "transferredJob", 1);
      expect(await client.lrange("resque:queue:reports", 0, -1)).toContain('{"class":"Report","queue":"reports","args":["due"]}');
      expect(await client.hgetall("resque:delayed:last_enqueued_at")).toEqual({ report: "2026-06-01 10:00:00 +0000" });
      // It drops the emptied time after moving the job.
      await expect.poll(() => client.zrange("resque:delayed_queue_schedule", 0, -1)).toEqual([String(FAR)]);
    } finally {
      await client.quit();
      await peer.close();
    }
  });
});
