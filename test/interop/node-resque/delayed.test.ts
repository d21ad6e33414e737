/**
 * Delayed jobs cross between node-resque and resque-ts: each side's scheduler promotes what the
 * other delayed, and both schedulers may run at once (they use different leader locks) without
 * losing or duplicating a job.
 */
import { describe, expect, it } from "vitest";
import { Job } from "../../../src/index.js";
import { ManualClock } from "../../helpers/manual-clock.js";
import { NodeResquePeer, nodeEvents } from "../../helpers/node-resque.js";
import { silentLogger, useRedis } from "../../helpers/resque.js";

class EchoJob extends Job<unknown[]> {
  static override queue = "default";
  perform(..._args: unknown[]) {}
}

/** A whole second an hour from now, for jobs that must not be due yet by the real clock. */
const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

describe("delayed jobs shared with node-resque", () => {
  const redis = useRedis();

  it("our scheduler promotes node-resque's delayed jobs as Ruby's {class,args} payloads", async () => {
    const peer = await NodeResquePeer.start(redis.server());
    const resque = redis.make({ jobs: [EchoJob] });
    try {
      const T = inAnHour();
      await peer.queue.enqueueAt(T * 1000, "default", "EchoJob", [{ k: "v" }, 1.5, "unicodé ✓"]);
      await peer.queue.enqueueAt(T * 1000, "critical", "EchoJob", ["to critical"]);
      await peer.queue.enqueueAt((T + 1) * 1000, "default", "EchoJob", ["later"]);

      // Our read API sees node-resque's {"class","queue","args"} items.
      expect((await (await resque.admin.delayed.timestamps({ count: 1000 })).map((t) => t.at)).map((d) => d.getTime() / 1000)).toEqual([T, T + 1]);
      expect((await resque.admin.delayed.find({}, { limit: 1000 })).map((j) => [j.class, j.queue, j.args])).toEqual([
        ["EchoJob", "default", [{ k: "v" }, 1.5, "unicodé ✓"]],
        ["EchoJob", "critical", ["to critical"]],
        ["EchoJob", "default", ["later"]],
      ]);
      expect(await resque.scheduledAt(EchoJob, "later")).toEqual([new Date((T + 1) * 1000)]);

      const clock = new ManualClock(T * 1000);
      const scheduler = resque.scheduler({ clock, logger: silentLogger, lockValue: "ours:1" });
      await scheduler.runPass();
      expect((await resque.admin.queues.peek("default", { start: 0, count: 10 })).map((j) => j.raw)).toEqual(['{"class":"EchoJob","args":[{"k":"v"},1.5,"unicodé ✓"]}']);
      expect((await resque.admin.queues.peek("critical", { start: 0, count: 10 })).map((j) => j.raw)).toEqual(['{"class":"EchoJob","args":["to critical"]}']);
      // node-resque's index entries of the moved items are gone; the later one is untouched.
      const client = redis.server().client();
      expect(await client.keys("resque:timestamps:*")).toEqual(['resque:timestamps:{"class":"EchoJob","queue":"default","args":["later"]}']);
      await client.quit();
      expect(await peer.queue.scheduledAt("default", "EchoJob", ["later"])).toEqual([T + 1]);
      await scheduler.stop();
    } finally {
      await peer.close();
    }
  });

  it("node-resque rounds a time to the nearest second where we round up", async () => {
    const peer = await NodeResquePeer.start(redis.server());
    const resque = redis.make({ jobs: [EchoJob] });
    try {
      const T = inAnHour();
      await peer.queue.enqueueAt(T * 1000 + 400, "default", "EchoJob", ["x"]);
      await resque.enqueueAt(T * 1000 + 400, EchoJob, "x");
      // Both copies, found through both encodings of the timestamps:<item> index.
      expect(await resque.scheduledAt(EchoJob, "x")).toEqual([new Date(T * 1000), new Date((T + 1) * 1000)]);
      // node-resque looks up its own encoding only.
      expect(await peer.queue.scheduledAt("default", "EchoJob", ["x"])).toEqual([T]);
      expect(await resque.removeDelayed(EchoJob, "x")).toBe(2);
      expect(await resque.admin.delayed.timestampCount()).toBe(0);
    } finally {
      await peer.close();
    }
  });

  it("node-resque's scheduler promotes our delayed jobs, and a node-resque worker performs them", async () => {
    const performed: [string, unknown[]][] = [];
    const peer = await NodeResquePeer.start(redis.server(), {
      EchoJob: {
        async perform(this: { queue: string }, ...args: unknown[]) {
          performed.push([this.queue, args]);
        },
      },
    });
    const resque = redis.make({ jobs: [EchoJob] });
    try {
      await resque.enqueueIn(1, EchoJob, { k: "v" }, 1.5, "unicodé ✓");
      await resque.enqueueInWithQueue("critical", 1, EchoJob, ["nested", []]);
      const done = nodeEvents((await peer.worker({ queues: ["critical", "default"] })), "success", 2);
      const scheduler = await peer.scheduler();
      await done;
      expect(performed.sort()).toEqual([
        ["critical", [["nested", []]]],
        ["default", [{ k: "v" }, 1.5, "unicodé ✓"]],
      ]);
      const client = redis.server().client();
      // node-resque popped our exact bytes, so it removed our timestamps:<item> entries too
      // (before enqueueing); it drops the emptied list and time after the last move.
      expect(await client.keys("resque:timestamps:*")).toEqual([]);
      await expect.poll(() => client.keys("resque:delayed*")).toEqual([]);
      await client.quit();
      expect(scheduler.leader).toBe(true);
    } finally {
      await peer.close();
    }
  });

  it("both schedulers running at once move every delayed job exactly once", async () => {
    const peer = await NodeResquePeer.start(redis.server());
    const resque = redis.make({ jobs: [EchoJob] });
    const client = redis.server().client();
    const count = 300;
    try {
      // node-resque's jobs are already due (it accepts past times); ours fall due within 2 s.
      const past = Math.floor(Date.now() / 1000) - 30;
      for (let i = 0; i < count; i++) await peer.queue.enqueueAt((past + (i % 3)) * 1000, "default", "EchoJob", [`node-${i}`]);
      for (let i = 0; i < count; i++) await resque.enqueueIn(1, EchoJob, `ours-${i}`);

      // Small batches so the two interleave: ours moves 5 per script, node-resque one LPOP at a time.
      const ours = resque.scheduler({ logger: silentLogger, interval: 0.05, batchSize: 5, lockValue: "ours:1" });
      let movedByUs = 0;
      ours.on("promoted", ({ moved }) => (movedByUs += moved));
      const theirs = await peer.scheduler({ timeout: 5 });
      let movedByNode = 0;
      theirs.on("transferredJob", () => movedByNode++);
      await ours.start();

      await expect.poll(() => client.llen("resque:queue:default"), { timeout: 15_000, interval: 50 }).toBe(2 * count);
      await ours.stop();
      // Both led at once: they take different locks.
      expect(await client.get("resque:resque_scheduler_leader_lock")).not.toBeNull();
      expect(ours.isLeader).toBe(false); // released on stop
      expect(movedByUs + movedByNode).toBe(2 * count);
      // Both really took part (each moves hundreds in practice; one job each is enough here).
      expect(movedByUs).toBeGreaterThan(0);
      expect(movedByNode).toBeGreaterThan(0);

      const args = (await client.lrange("resque:queue:default", 0, -1)).map((raw) => (JSON.parse(raw) as { args: string[] }).args[0]);
      const expected = [...Array.from({ length: count }, (_, i) => `node-${i}`), ...Array.from({ length: count }, (_, i) => `ours-${i}`)];
      expect(args.sort()).toEqual(expected.sort());
      expect(await client.keys("resque:timestamps:*")).toEqual([]);
      // node-resque may still be dropping the last emptied time.
      await expect.poll(() => client.zcard("resque:delayed_queue_schedule")).toBe(0);
      expect(await client.keys("resque:delayed:*")).toEqual([]);
    } finally {
      await client.quit();
      await peer.close();
    }
  });
});
