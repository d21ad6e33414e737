import { describe, expect, it } from "vitest";
import { Admin, EmptyFilterError, Job, JobChangedError } from "../../src/index.js";
import { loadGolden } from "../helpers/load-golden.js";
import { useRedis } from "../helpers/resque.js";
import { storeOf } from "../../src/redis/store-of.js";

class Mail extends Job<unknown[]> {
  static override queue = "mail";
  perform(..._args: unknown[]) {}
}

const FAR = 4_000_000_000; // unix seconds, far in the future

describe("admin.delayed", () => {
  const redis = useRedis();
  const admin = redis.admin;

  it("lists due times with counts, the jobs at a time, and finds jobs by filter, reading Ruby's schedule", async () => {
    const client = redis.server().client();
    await loadGolden(client, "after-enqueue.json");
    const a = admin();
    expect(await a.delayed.timestampCount()).toBe(3);
    expect(await a.delayed.count()).toBe(4);
    expect((await a.delayed.timestamps()).map((t) => [t.at.getTime() / 1000, t.size])).toEqual([
      [1795618405, 2],
      [1795618406, 1],
      [4102444800, 1],
    ]);
    expect((await a.delayed.timestamps({ start: 1, count: 1 })).map((t) => t.size)).toEqual([1]);
    expect((await a.delayed.at(1795618405 * 1000)).map((j) => [j.class, j.queue, j.args])).toEqual([
      ["EchoJob", "default", ["enqueue_at", { k: "v" }]],
      ["EchoJob", "critical", ["enqueue_at_with_queue"]],
    ]);
    expect((await a.delayed.find({ queue: "critical" })).map((j) => j.args)).toEqual([["enqueue_at_with_queue"]]);
    expect((await a.delayed.find({ text: "FAR-FUTURE" })).map((j) => j.at.getTime() / 1000)).toEqual([4102444800]);
    expect((await a.delayed.find({ class: "EchoJob" }, { limit: 2 })).map((j) => j.args[0])).toEqual(["enqueue_at", "enqueue_at_with_queue"]);
    expect((await a.delayed.find({ from: new Date(1795618406000), to: new Date(1795618406000) })).map((j) => j.args[0])).toEqual(["enqueue_in"]);
    await client.quit();
  });

  it("runs one delayed job now, removes one, reschedules one; a stale reference changes nothing", async () => {
    const resque = redis.make({ jobs: [Mail] });
    await resque.enqueueAt(FAR * 1000, Mail, 1);
    await resque.enqueueAt(FAR * 1000, Mail, 2);
    await resque.enqueueAt(FAR * 1000, Mail, 2); // an identical second copy
    const a = admin();
    const [one, two] = await a.delayed.at(FAR * 1000, { count: 10 });
    await a.delayed.runNow(one!);
    expect(await resque.admin.queues.peek("mail")).toMatchObject([{ class: "Mail", args: [1] }]);
    await expect(a.delayed.runNow(one!)).rejects.toThrow(JobChangedError);
    await a.delayed.remove(two!);
    expect((await a.delayed.at(FAR * 1000, { count: 10 })).map((j) => j.args)).toEqual([[2]]); // exactly one copy went
    expect(await resque.scheduledAt(Mail, 2)).toEqual([new Date(FAR * 1000)]);
    await a.delayed.reschedule(two!, (FAR + 60) * 1000);
    expect(await a.delayed.timestamps()).toEqual([{ at: new Date((FAR + 60) * 1000), size: 1 }]);
    expect(await resque.scheduledAt(Mail, 2)).toEqual([new Date((FAR + 60) * 1000)]);
    // A time that has come runs it now.
    const [moved] = await a.delayed.at((FAR + 60) * 1000);
    await a.delayed.reschedule(moved!, Date.now() - 1000);
    expect(await a.delayed.count()).toBe(0);
    expect(await resque.admin.queues.size("mail")).toBe(2);
    await expect(a.delayed.remove({ at: new Date(1500), raw: "x" })).rejects.toThrow(/whole second/);
  });

  it("an item that names no queue becomes a failed entry when run now by a standalone Admin, never dropped; resque.admin knows its class's queue", async () => {
    const client = redis.server().client();
    const item = '{"class":"Mail","args":[7]}';
    await client.zadd("resque:delayed_queue_schedule", FAR, String(FAR));
    await client.rpush(`resque:delayed:${FAR}`, item, item);
    await client.sadd(`resque:timestamps:${item}`, `delayed:${FAR}`);
    const [job] = await admin().delayed.at(FAR * 1000);
    expect(job!.queue).toBeUndefined();
    await admin().delayed.runNow(job!);
    const [entry] = await admin().failed.page();
    expect(entry).toMatchObject({ exception: "NoQueueError", queue: "", payload: { class: "Mail", args: [7] } });
    expect(await client.get("resque:stat:failed")).toBe("1");
    // The Resque that has the class knows its queue.
    const resque = redis.make({ jobs: [Mail] });
    await resque.admin.delayed.runNow(job!);
    expect(await client.lrange("resque:queue:mail", 0, -1)).toEqual([item]);
    expect(await client.exists(`resque:delayed:${FAR}`, `resque:timestamps:${item}`)).toBe(0);
    expect(await client.zcard("resque:delayed_queue_schedule")).toBe(0);
    await client.quit();
  });

  it("move-delayed.lua (enqueueDelayedNow, reschedule to now) fails an item that names no queue into failed instead of dropping it", async () => {
    const client = redis.server().client();
    const item = '{"class":"Ghost","args":[1]}';
    await client.zadd("resque:delayed_queue_schedule", FAR, String(FAR));
    await client.rpush(`resque:delayed:${FAR}`, item);
    await client.sadd(`resque:timestamps:${item}`, `delayed:${FAR}`);
    const resque = redis.make();
    const result = await storeOf(resque).delayed.enqueueNow([item], { failedAt: "2026/01/01 00:00:00 UTC", workerId: "h:1:x" });
    expect(result).toEqual({ moved: 0, failed: 1 });
    const [entry] = await resque.admin.failed.page();
    expect(entry).toMatchObject({ exception: "NoQueueError", queue: "", payload: { class: "Ghost", args: [1] }, worker: "h:1:x" });
    expect(await client.exists(`resque:delayed:${FAR}`)).toBe(0);
    await client.quit();
  });

  it("runs now and removes by filter in chunks; an empty filter is refused, clear() takes everything", async () => {
    const resque = redis.make({ jobs: [Mail] });
    for (let i = 0; i < 1200; i++) await resque.enqueueAt((FAR + (i % 3)) * 1000, Mail, i % 2 === 0 ? "even" : "odd", i);
    const a = admin();
    await expect(a.delayed.removeMatching({})).rejects.toThrow(EmptyFilterError);
    const progress: [number, number][] = [];
    const ran = await a.delayed.runNowMatching({ argsContains: '"odd"' }, { onProgress: (done, total) => progress.push([done, total]) });
    expect(ran).toMatchObject({ examined: 1200, matched: 600, affected: 600, changedMeanwhile: 0, aborted: false });
    expect(progress.at(-1)).toEqual([1200, 1200]);
    expect(await resque.admin.queues.size("mail")).toBe(600);
    const removed = await a.delayed.removeMatching({ args: ["even", 0] });
    expect(removed.affected).toBe(1);
    expect(await a.delayed.count()).toBe(599);
    expect(await resque.scheduledAt(Mail, "even", 0)).toEqual([]);
    expect((await a.delayed.clear()).affected).toBe(599);
    expect(await a.delayed.timestampCount()).toBe(0);
    const client = redis.server().client();
    expect(await client.keys("resque:timestamps:*")).toEqual([]);
    await client.quit();
  });
});
