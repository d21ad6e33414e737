/**
 * What the admin API writes is what Ruby Resque and resque-scheduler write (test/golden/, made by
 * real Ruby), so Ruby reads it, matches it by bytes, and resque-web shows it.
 */
import { describe, expect, it } from "vitest";
import { golden, goldenKey } from "../../helpers/golden.js";
import { loadGolden } from "../../helpers/load-golden.js";
import { useRedis } from "../../helpers/resque.js";

describe("what the admin API writes, compared with Ruby's bytes", () => {
  const redis = useRedis();
  const admin = redis.admin;

  it("an edited job is the payload Ruby's Resque.enqueue writes for that class and args (unicode, nesting, escapes, big numbers)", async () => {
    const rubyPayloads = goldenKey("after-enqueue.json", "resque:queue:default").value as string[];
    const client = redis.server().client();
    await client.sadd("resque:queues", "q");
    await client.rpush("resque:queue:q", ...rubyPayloads.map(() => '{"class":"Placeholder","args":[]}'));
    const a = admin();
    for (const [index, ruby] of rubyPayloads.entries()) {
      const { class: className, args } = JSON.parse(ruby) as { class: string; args: unknown[] };
      const job = (await a.queues.get("q", index))!;
      await a.queues.editJob(job, { class: className, args });
    }
    expect(await client.lrange("resque:queue:q", 0, -1)).toEqual(rubyPayloads);
    await client.quit();
  });

  it("running Ruby's delayed jobs now puts on their queues exactly what resque-scheduler's promotion put there", async () => {
    const client = redis.server().client();
    await loadGolden(client, "after-work.json"); // Ruby's state before its scheduler ran
    const a = admin();
    const due = await a.delayed.find({ to: new Date(1795618406 * 1000) }, { limit: 100 });
    for (const job of due) await a.delayed.runNow(job);
    const expected = golden("after-scheduler.json");
    for (const queue of ["default", "critical"]) {
      const rubyQueue = expected.find((k) => k.key === `resque:queue:${queue}`)!.value as string[];
      expect(await client.lrange(`resque:queue:${queue}`, 0, -1)).toEqual(rubyQueue);
    }
    // Ruby's scheduler left the schedule and its index like this; so do we.
    expect(await client.zrange("resque:delayed_queue_schedule", 0, -1)).toEqual(["4102444800"]);
    expect((await client.keys("resque:timestamps:*")).sort()).toEqual(expected.filter((k) => k.key.startsWith("resque:timestamps:")).map((k) => k.key).sort());
    await client.quit();
  });

  it("retrying and removing Ruby's failed entries leaves what Resque::Failure.requeue / remove leave", async () => {
    const client = redis.server().client();
    await loadGolden(client, "after-work.json");
    const [first, second] = goldenKey("after-work.json", "resque:failed").value as string[];
    const a = admin();
    const jobs = await a.failed.page();
    await a.failed.retry(jobs[0]!);
    const stamped = (await client.lindex("resque:failed", 0))!;
    // Ruby's requeue adds retried_at as the last member ("%Y/%m/%d %H:%M:%S", Resque 2.7) and keeps the rest.
    expect(stamped).toMatch(new RegExp(`^${escape(first!.slice(0, -1))},"retried_at":"\\d{4}/\\d{2}/\\d{2} \\d{2}:\\d{2}:\\d{2}"}$`));
    // Job.create writes {"class","args"}: for Ruby's own entries these are the bytes it embedded.
    expect(await client.lrange("resque:queue:default", 0, -1)).toEqual(['{"class":"FailJob","args":["boom",123,{"why":"deliberate"}]}']);
    await a.failed.remove(jobs[1]!);
    expect(await client.lrange("resque:failed", 0, -1)).toEqual([stamped]);
    expect(second).toBeDefined();
    await client.quit();
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
