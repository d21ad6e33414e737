/**
 * The scheduler sleeps until the next due second rather than polling: 10,000 delayed jobs due at
 * the same second are all on their queue within a second of that time, and none before it.
 */
import { describe, expect, it } from "vitest";
import { Job, type Scheduler } from "../../src/index.js";
import { useRedis } from "../helpers/resque.js";
import { storeOf } from "../../src/redis/store-of.js";

class Bulk extends Job<[number]> {
  static override queue = "bulk";
  perform(_n: number) {}
}

const COUNT = 10_000;

describe("10,000 delayed jobs due at once", () => {
  const redis = useRedis();

  it("are all on their queue within a second of their time, and none early", async () => {
    const resque = redis.make({ jobs: [Bulk] });
    // interval 30 s: only sleeping until the due second (after the wake-up) can make this on time.
    const scheduler: Scheduler = resque.scheduler({ interval: 30, lockValue: "test:1" });
    await scheduler.start();
    await new Promise<void>((resolve) => (scheduler.isLeader ? resolve() : scheduler.once("leader", resolve)));

    const due = Math.ceil(Date.now() / 1000) + 2; // unix seconds, at least a second of margin
    const items = Array.from({ length: COUNT }, (_, i) => `{"class":"Bulk","args":[${i}],"queue":"bulk"}`);
    await storeOf(resque).delayed.push(due, items);
    expect(await resque.admin.queues.size("bulk")).toBe(0); // nothing moved early...
    const client = redis.server().client();
    const [seconds] = await client.time();
    await client.quit();
    expect(Number(seconds)).toBeLessThan(due); // ...as seen before the due second, by Redis' clock

    const promotions: { at: number; moved: number }[] = [];
    let moved = 0;
    const allMoved = new Promise<void>((resolve) =>
      scheduler.on("promoted", (p) => {
        promotions.push({ at: Date.now(), moved: p.moved });
        moved += p.moved;
        if (moved >= COUNT) resolve();
      }),
    );
    await allMoved;
    const finished = Date.now();
    await scheduler.stop();

    expect(promotions[0]!.at).toBeGreaterThanOrEqual(due * 1000);
    expect(finished).toBeLessThan(due * 1000 + 1000);
    expect(await resque.admin.queues.size("bulk")).toBe(COUNT);
    const [first] = await resque.admin.queues.peek("bulk", { start: 0, count: 1 });
    const [last] = await resque.admin.queues.peek("bulk", { start: COUNT - 1, count: 1 });
    expect([first!.raw, last!.raw]).toEqual(['{"class":"Bulk","args":[0]}', `{"class":"Bulk","args":[${COUNT - 1}]}`]);
    expect(await resque.admin.delayed.timestampCount()).toBe(0);
  });

  it("an enqueueIn earlier than anything scheduled wakes the sleeping scheduler", async () => {
    const resque = redis.make({ jobs: [Bulk] });
    const scheduler = resque.scheduler({ interval: 30, lockValue: "test:1" });
    await scheduler.start();
    await new Promise<void>((resolve) => (scheduler.isLeader ? resolve() : scheduler.once("leader", resolve)));
    const promoted = new Promise<number>((resolve) => scheduler.once("promoted", () => resolve(Date.now())));
    const enqueued = Date.now();
    await resque.enqueueIn(1, Bulk, 1);
    const at = await promoted;
    await scheduler.stop();
    expect(at - enqueued).toBeLessThan(2500);
    expect(at).toBeGreaterThanOrEqual(enqueued + 1000);
  });
});
