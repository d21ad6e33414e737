/**
 * Delayed jobs written by real resque-scheduler 4.11 (test/golden/), loaded into a private Redis:
 * resque-ts finds, removes and promotes them, and its scheduler leaves Redis exactly as Ruby's
 * scheduler did (after-work.json → after-scheduler.json).
 */
import { describe, expect, it } from "vitest";
import { Job } from "../../../src/index.js";
import { golden } from "../../helpers/golden.js";
import { asDumped, dumpRedis, loadGolden } from "../../helpers/load-golden.js";
import { ManualClock } from "../../helpers/manual-clock.js";
import { silentLogger, useRedis } from "../../helpers/resque.js";

class EchoJob extends Job<unknown[]> {
  static override queue = "default";
  perform(..._args: unknown[]) {}
}

const AT = 1795618405; // enqueue_at and enqueue_at_with_queue
const IN = 1795618406; // enqueue_in
const FAR = 4102444800;
const seconds = (dates: Date[]) => dates.map((d) => d.getTime() / 1000);

describe("resque-scheduler's delayed jobs, read by resque-ts", () => {
  const redis = useRedis();

  async function load(name: string) {
    const client = redis.server().client();
    await loadGolden(client, name);
    return client;
  }

  it("finds them by time, by selection and through Ruby's timestamps index", async () => {
    const client = await load("after-enqueue.json");
    const resque = redis.make({ jobs: [EchoJob] });
    expect(seconds(await (await resque.admin.delayed.timestamps({ count: 1000 })).map((t) => t.at))).toEqual([AT, IN, FAR]);
    expect(await resque.admin.delayed.timestampCount()).toBe(3);
    expect(await resque.admin.delayed.count()).toBe(4);
    expect((await resque.admin.delayed.find({}, { limit: 1000 })).map((j) => [j.at.getTime() / 1000, j.queue, j.class, j.args])).toEqual([
      [AT, "default", "EchoJob", ["enqueue_at", { k: "v" }]],
      [AT, "critical", "EchoJob", ["enqueue_at_with_queue"]],
      [IN, "default", "EchoJob", ["enqueue_in", 99]],
      [FAR, "default", "EchoJob", ["far-future"]],
    ]);
    expect(seconds(await resque.scheduledAt(EchoJob, "enqueue_at", { k: "v" }))).toEqual([AT]);
    expect(seconds(await resque.scheduledAt(EchoJob, "enqueue_in", 99))).toEqual([IN]);
    expect((await resque.admin.delayed.at(AT * 1000, { start: 0, count: 5 })).map((j) => j.queue)).toEqual(["default", "critical"]);

    // removeDelayed goes through Ruby's index and cleans up what it empties.
    expect(await resque.removeDelayed(EchoJob, "far-future")).toBe(1);
    expect(seconds(await (await resque.admin.delayed.timestamps({ count: 1000 })).map((t) => t.at))).toEqual([AT, IN]);
    expect(await client.exists(`resque:delayed:${FAR}`, 'resque:timestamps:{"class":"EchoJob","args":["far-future"],"queue":"default"}')).toBe(0);
    await client.quit();
  });

  it("our scheduler promotes them and leaves exactly the state Ruby's scheduler left", async () => {
    const client = await load("after-work.json");
    const resque = redis.make({ jobs: [EchoJob] });
    const scheduler = resque.scheduler({ clock: new ManualClock(IN * 1000), logger: silentLogger, lockValue: "ours:1" });
    await scheduler.runPass();
    // Ruby's scheduler had exited (dropping its lock) when after-scheduler.json was taken; ours
    // still leads, on the same key.
    expect(await client.get("resque:resque:resque_scheduler_master_lock")).toBe("ours:1");
    await client.del("resque:resque:resque_scheduler_master_lock");

    // resque-retry's suppressed-failure copy lived 2 s in after-work.json and had expired by
    // after-scheduler.json; it is no scheduler's business.
    const ours = (await dumpRedis(client)).filter((k) => !k.key.startsWith("resque:failure-resque-retry:"));
    expect(ours).toEqual(asDumped(golden("after-scheduler.json")));
    await client.quit();
  });
});
