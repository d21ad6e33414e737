import { describe, expect, it } from "vitest";
import { delayedItemFromPayload, InvalidArgumentsError, InvalidTimeError, Job } from "../../src/index.js";
import { useRedis } from "../helpers/resque.js";
import { storeOf } from "../../src/redis/store-of.js";

class EchoJob extends Job<unknown[]> {
  static override queue = "default";
  perform(..._args: unknown[]) {}
}

/** 2100-01-01T00:00:00Z, far enough ahead for any test run. */
const FAR = 4102444800;

describe("delayed jobs", () => {
  const redis = useRedis();
  const make = () => redis.make({ jobs: [EchoJob] });

  it("writes resque-scheduler's exact keys and bytes in one step", async () => {
    const resque = make();
    await resque.enqueueAt(new Date(FAR * 1000), EchoJob, "enqueue_at", { k: "v" });
    await resque.enqueueAtWithQueue("critical", FAR * 1000, EchoJob, "enqueue_at_with_queue");
    const client = redis.server().client();
    const item = '{"class":"EchoJob","args":["enqueue_at",{"k":"v"}],"queue":"default"}';
    expect(await client.lrange(`resque:delayed:${FAR}`, 0, -1)).toEqual([
      item,
      '{"class":"EchoJob","args":["enqueue_at_with_queue"],"queue":"critical"}',
    ]);
    expect(await client.zrange("resque:delayed_queue_schedule", 0, -1, "WITHSCORES")).toEqual([String(FAR), String(FAR)]);
    expect(await client.smembers(`resque:timestamps:${item}`)).toEqual([`delayed:${FAR}`]);
    expect(await client.exists("resque:queue:default")).toBe(0);
    await client.quit();
  });

  it("rounds a time within a second up, so the job never runs early", async () => {
    const resque = make();
    await resque.enqueueAt(FAR * 1000 + 1, EchoJob, 1);
    await resque.enqueueAt(FAR * 1000, EchoJob, 2);
    expect((await (await resque.admin.delayed.timestamps({ count: 1000 })).map((t) => t.at)).map((d) => d.getTime() / 1000)).toEqual([FAR, FAR + 1]);
    expect(await resque.scheduledAt(EchoJob, 1)).toEqual([new Date((FAR + 1) * 1000)]);
  });

  it("enqueues at once when the time is not in the future", async () => {
    const resque = make();
    await resque.enqueueAt(Date.now() - 1000, EchoJob, "late");
    await resque.enqueueIn(0, EchoJob, "now");
    expect(await resque.admin.queues.peek("default", { start: 0, count: 5 })).toMatchObject([{ raw: '{"class":"EchoJob","args":["late"]}' }, { raw: '{"class":"EchoJob","args":["now"]}' }]);
    expect(await resque.admin.delayed.timestampCount()).toBe(0);
  });

  it("enqueueIn delays by seconds from now", async () => {
    const resque = make();
    const before = Date.now();
    await resque.enqueueIn(120, EchoJob, "in");
    const [at] = await resque.scheduledAt(EchoJob, "in");
    expect(at!.getTime()).toBeGreaterThanOrEqual(before + 120_000);
    expect(at!.getTime()).toBeLessThanOrEqual(Date.now() + 121_000);
  });

  it("rejects a time in epoch seconds (Date.now() / 1000) everywhere a time is taken, writing nothing", async () => {
    const resque = make();
    const seconds = Math.floor(Date.now() / 1000);
    const hint = /looks like epoch seconds .*pass epoch milliseconds \(Date\.now\(\), date\.getTime\(\)\) or a Date/;
    await expect(resque.enqueueAt(seconds, EchoJob, 1)).rejects.toThrow(hint);
    await expect(resque.enqueueAt(FAR, EchoJob, 1)).rejects.toThrow(InvalidTimeError);
    await expect(resque.enqueueAtWithQueue("critical", seconds + 60, EchoJob, 1)).rejects.toThrow(hint);
    await expect(resque.reschedule(seconds, EchoJob, 1)).rejects.toThrow(hint);
    await expect(resque.admin.delayed.at(seconds, { count: 1 })).rejects.toThrow(hint);
    const client = redis.server().client();
    expect(await client.dbsize()).toBe(0);
    await client.quit();
    // Milliseconds and Dates are taken, and so is 0 (a time in the past: enqueued at once).
    await resque.enqueueAt(FAR * 1000, EchoJob, 2);
    await resque.enqueueAt(0, EchoJob, 3);
    expect(await resque.admin.delayed.timestampCount()).toBe(1);
    expect(await resque.admin.queues.size("default")).toBe(1);
  });

  it("rejects bad times and arguments before writing anything", async () => {
    const resque = make();
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, "5" as unknown as number]) {
      await expect(resque.enqueueIn(bad, EchoJob, 1)).rejects.toThrow(InvalidTimeError);
    }
    await expect(resque.enqueueIn(Number.NaN, EchoJob, 1)).rejects.toThrow(/a finite number of 0 or more; got NaN\.$/);
    await expect(resque.enqueueAt(new Date("nonsense"), EchoJob, 1)).rejects.toThrow(/invalid Date/);
    await expect(resque.enqueueAt(FAR * 1000, EchoJob, 10n)).rejects.toThrow(InvalidArgumentsError);
    await expect(resque.enqueueAt(FAR * 1000, "Unregistered", 1)).rejects.toThrow(/No registered job is named "Unregistered"/);
    const client = redis.server().client();
    expect(await client.dbsize()).toBe(0);
    await client.quit();
  });

  it("removeDelayed removes every copy, in Ruby's and node-resque's encoding, and cleans up", async () => {
    const resque = make();
    await resque.enqueueAt(FAR * 1000, EchoJob, 7);
    await resque.enqueueAt((FAR + 10) * 1000, EchoJob, 7);
    await resque.enqueueAt((FAR + 10) * 1000, EchoJob, 8);
    const client = redis.server().client();
    const node = '{"class":"EchoJob","queue":"default","args":[7]}';
    await client.rpush(`resque:delayed:${FAR + 20}`, node);
    await client.sadd(`resque:timestamps:${node}`, `delayed:${FAR + 20}`);
    await client.zadd("resque:delayed_queue_schedule", FAR + 20, String(FAR + 20));

    expect(await resque.removeDelayed(EchoJob, 7)).toBe(3);
    expect(await resque.removeDelayed(EchoJob, 7)).toBe(0);
    expect((await (await resque.admin.delayed.timestamps({ count: 1000 })).map((t) => t.at)).map((d) => d.getTime() / 1000)).toEqual([FAR + 10]);
    expect(await client.exists(`resque:delayed:${FAR}`, `resque:delayed:${FAR + 20}`)).toBe(0);
    expect(await client.keys("resque:timestamps:*")).toEqual(['resque:timestamps:{"class":"EchoJob","args":[8],"queue":"default"}']);
    await client.quit();
  });

  it("finds and removes delayed jobs by filter (the admin API)", async () => {
    const resque = make();
    await resque.enqueueAt(FAR * 1000, EchoJob, { user: 1 });
    await resque.enqueueAt((FAR + 1) * 1000, EchoJob, { user: 2 });
    await resque.enqueueAt((FAR + 2) * 1000, "Other", { user: 2 }).catch(() => undefined);
    await resque.enqueueAtWithQueue("q", (FAR + 2) * 1000, "Other", { user: 2 });

    const userTwo = { args: [{ user: 2 }] };
    const found = await resque.admin.delayed.find(userTwo);
    expect(found.map((f) => [f.class, f.queue, f.at.getTime() / 1000])).toEqual([
      ["EchoJob", "default", FAR + 1],
      ["Other", "q", FAR + 2],
    ]);
    expect(await resque.admin.delayed.find({ ...userTwo, class: "EchoJob" })).toHaveLength(1);
    expect((await resque.admin.delayed.removeMatching({ ...userTwo, class: "Other" })).affected).toBe(1);
    expect((await resque.admin.delayed.find({}, { limit: 1000 })).map((f) => f.args)).toEqual([[{ user: 1 }], [{ user: 2 }]]);
    expect(await resque.admin.delayed.count()).toBe(2);
  });

  it("reschedule moves a delayed job to a new time, or to its queue when the time has come", async () => {
    const resque = make();
    await resque.enqueueAt(FAR * 1000, EchoJob, "move");
    expect(await resque.reschedule((FAR + 60) * 1000, EchoJob, "move")).toBe(1);
    expect(await resque.scheduledAt(EchoJob, "move")).toEqual([new Date((FAR + 60) * 1000)]);
    expect(await resque.admin.delayed.at((FAR + 60) * 1000)).toMatchObject([{ class: "EchoJob", args: ["move"], queue: "default" }]);
    expect(await resque.admin.delayed.timestampCount()).toBe(1);

    expect(await resque.reschedule(Date.now() - 1, EchoJob, "move")).toBe(1);
    expect(await resque.admin.delayed.timestampCount()).toBe(0);
    expect((await resque.admin.queues.peek("default", { count: 1 }))[0]!.raw).toBe('{"class":"EchoJob","args":["move"]}');
    expect(await resque.reschedule(FAR * 1000, EchoJob, "absent")).toBe(0);
  });

  it("enqueueDelayedNow puts every delayed copy on its queue now", async () => {
    const resque = make();
    await resque.enqueueAt(FAR * 1000, EchoJob, 1.5, []);
    await resque.enqueueAt((FAR + 5) * 1000, EchoJob, 1.5, []);
    expect(await resque.enqueueDelayedNow(EchoJob, 1.5, [])).toBe(2);
    expect(await resque.admin.queues.size("default")).toBe(2);
    expect((await resque.admin.queues.peek("default", { count: 1 }))[0]!.raw).toBe('{"class":"EchoJob","args":[1.5,[]]}');
    expect(await resque.admin.queues.names()).toEqual(["default"]);
    expect(await resque.admin.delayed.timestampCount()).toBe(0);
  });

  it("peeks at one time and counts jobs", async () => {
    const resque = make();
    for (let i = 0; i < 3; i++) await resque.enqueueAt(FAR * 1000, EchoJob, i);
    expect((await resque.admin.delayed.at(FAR * 1000, { start: 1, count: 5 })).map((j) => j.args)).toEqual([[1], [2]]);
    expect(await resque.admin.delayed.timestamps()).toEqual([{ at: new Date(FAR * 1000), size: 3 }]);
    expect(await resque.admin.delayed.count()).toBe(3);
  });

  it("wakes a sleeping scheduler only for a time earlier than any known", async () => {
    const resque = make();
    const subscriber = redis.server().client();
    const messages: string[] = [];
    subscriber.on("message", (_channel: string, message: string) => messages.push(message));
    await subscriber.subscribe("resque:scheduler:wakeup");
    await resque.enqueueAt((FAR + 10) * 1000, EchoJob, 1);
    await resque.enqueueAt((FAR + 20) * 1000, EchoJob, 2);
    await resque.enqueueAt(FAR * 1000, EchoJob, 3);
    // A marker published after the three calls: once it arrives, theirs have arrived too.
    const publisher = redis.server().client();
    await publisher.publish("resque:scheduler:wakeup", "marker");
    await new Promise<void>((resolve) => subscriber.on("message", (_c: string, m: string) => m === "marker" && resolve()));
    expect(messages).toEqual([String(FAR + 10), String(FAR), "marker"]);
    await Promise.all([subscriber.quit(), publisher.quit()]);
  });

  it("reads past resque-scheduler's delayed:last_enqueued_at hash", async () => {
    const resque = make();
    const client = redis.server().client();
    await client.hset("resque:delayed:last_enqueued_at", "nightly", "2026-11-25 14:49:20 +0000");
    await resque.enqueueAt(FAR * 1000, EchoJob, 1);
    expect(await resque.admin.delayed.find({}, { limit: 1000 })).toHaveLength(1);
    expect(await resque.admin.delayed.count()).toBe(1);
    await client.quit();
  });

  it("delays an already-encoded payload byte for byte (the entry point for retries)", async () => {
    const resque = make();
    const item = delayedItemFromPayload('{"class":"EchoJob","args":[1.0,{"a":[]}]}', "retries");
    expect(item).toBe('{"class":"EchoJob","args":[1.0,{"a":[]}],"queue":"retries"}');
    await storeOf(resque).delayed.push(FAR, [item]);
    expect(await resque.admin.delayed.at(FAR * 1000, { count: 1 })).toMatchObject([{ class: "EchoJob", args: [1, { a: [] }], queue: "retries", raw: item }]);
    const client = redis.server().client();
    expect(await client.smembers(`resque:timestamps:${item}`)).toEqual([`delayed:${FAR}`]);
    await client.quit();
  });
});
