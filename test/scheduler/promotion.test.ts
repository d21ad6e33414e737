import { describe, expect, it } from "vitest";
import { Job } from "../../src/index.js";
import { ManualClock } from "../helpers/manual-clock.js";
import { silentLogger, useRedis } from "../helpers/resque.js";

class Registered extends Job<unknown[]> {
  static override queue = "registered-queue";
  perform(..._args: unknown[]) {}
}

const T = 1_800_000_000; // unix seconds

describe("promoting due delayed jobs", () => {
  const redis = useRedis();

  async function setup() {
    const resque = redis.make({ jobs: [Registered] });
    const clock = new ManualClock((T - 10) * 1000);
    const scheduler = resque.scheduler({ clock, logger: silentLogger, lockValue: "test:1" });
    const client = redis.server().client();
    const put = async (ts: number, ...items: string[]) => {
      await client.rpush(`resque:delayed:${ts}`, ...items);
      for (const item of items) await client.sadd(`resque:timestamps:${item}`, `delayed:${ts}`);
      await client.zadd("resque:delayed_queue_schedule", ts, String(ts));
    };
    return { resque, clock, scheduler, client, put };
  }

  it("moves due items onto their queues as Ruby's {class,args} bytes, and cleans every index", async () => {
    const { clock, scheduler, client, put } = await setup();
    const ruby = '{"class":"EchoJob","args":[1.0,[],{},"a\\/b",{"n":[1e3]}],"queue":"default"}';
    const nodeResque = '{"class":"EchoJob","queue":"critical","args":["node",-0.5]}';
    await put(T, ruby, nodeResque);
    await put(T + 1, '{"class":"EchoJob","args":["later"],"queue":"default"}');

    await scheduler.runPass();
    expect(await client.exists("resque:queue:default")).toBe(0); // nothing early

    clock.set(T * 1000);
    await scheduler.runPass();
    expect(await client.lrange("resque:queue:default", 0, -1)).toEqual(['{"class":"EchoJob","args":[1.0,[],{},"a\\/b",{"n":[1e3]}]}']);
    expect(await client.lrange("resque:queue:critical", 0, -1)).toEqual(['{"class":"EchoJob","args":["node",-0.5]}']);
    expect((await client.smembers("resque:queues")).sort()).toEqual(["critical", "default"]);
    expect(await client.exists(`resque:delayed:${T}`, `resque:timestamps:${ruby}`, `resque:timestamps:${nodeResque}`)).toBe(0);
    expect(await client.zrange("resque:delayed_queue_schedule", 0, -1)).toEqual([String(T + 1)]);
  });

  it("moves items in order across many batches", async () => {
    const { clock, client, put, resque } = await setup();
    const scheduler = resque.scheduler({ clock, logger: silentLogger, lockValue: "test:1", batchSize: 7 });
    const items = Array.from({ length: 50 }, (_, i) => `{"class":"EchoJob","args":[${i}],"queue":"default"}`);
    await put(T - 2, ...items.slice(0, 20));
    await put(T - 1, ...items.slice(20));
    clock.set(T * 1000);
    const moved: number[] = [];
    scheduler.on("promoted", (p) => moved.push(p.moved));
    await scheduler.runPass();
    expect(moved.reduce((a, b) => a + b, 0)).toBe(50);
    expect(Math.max(...moved)).toBe(7);
    expect(await client.lrange("resque:queue:default", 0, -1)).toEqual(items.map((i) => i.replace(',"queue":"default"', "")));
    expect(await client.zcard("resque:delayed_queue_schedule")).toBe(0);
  });

  it("treats args like resque-scheduler (a hash or scalar is one argument, none is []) and keeps their bytes", async () => {
    const { clock, scheduler, client, put } = await setup();
    const tricky = String.raw`{"queue":"q","class":"E","args":["q\"uote ] }","back\\",{"args":[9],"queue":"x"}]}`;
    await put(T, '{"class":"A","args":{"k":1},"queue":"q"}', '{"class":"B","queue":"q"}', '{"class":"C","args":"x","queue":"q"}', '{"class":"D","args":null,"queue":"q"}', tricky);
    clock.set(T * 1000);
    await scheduler.runPass();
    expect(await client.lrange("resque:queue:q", 0, -1)).toEqual([
      '{"class":"A","args":[{"k":1}]}',
      '{"class":"B","args":[]}',
      '{"class":"C","args":["x"]}',
      '{"class":"D","args":[]}',
      String.raw`{"class":"E","args":["q\"uote ] }","back\\",{"args":[9],"queue":"x"}]}`,
    ]);
  });

  it("uses the registered class's queue for an item without one, and records the rest as failed, never losing them", async () => {
    const { clock, scheduler, client, put, resque } = await setup();
    await put(T, '{"class":"Registered","args":[1]}', '{"class":"Unknown","args":[2]}', "not json", '{"args":[3]}');
    clock.set(T * 1000);
    await scheduler.runPass();
    expect(await client.lrange("resque:queue:registered-queue", 0, -1)).toEqual(['{"class":"Registered","args":[1]}']);
    const failed = await resque.admin.failed.page({ count: 1000 });
    expect(failed.map((f) => [f.exception, f.payload.class, f.payload.args, f.rawPayload])).toEqual([
      ["NoQueueError", "Unknown", [2], undefined],
      ["InvalidPayloadError", "(invalid payload)", [], "not json"],
      ["InvalidPayloadError", "(invalid payload)", [], '{"args":[3]}'],
    ]);
    expect(failed[0]!.error).toMatch(/"Unknown" has no "queue"/);
    expect(failed[0]!.worker).toMatch(/:resque-scheduler$/);
    expect(await client.get("resque:stat:failed")).toBe("3");
    expect(await client.zcard("resque:delayed_queue_schedule")).toBe(0);
  });

  it("never touches delayed:last_enqueued_at, and drops zset members that are not delayed times", async () => {
    const { clock, scheduler, client, put } = await setup();
    await client.hset("resque:delayed:last_enqueued_at", "nightly", "2026-11-25 14:49:20 +0000");
    await client.zadd("resque:delayed_queue_schedule", 5, "last_enqueued_at");
    await put(T, '{"class":"EchoJob","args":[],"queue":"default"}');
    clock.set(T * 1000);
    await scheduler.runPass();
    expect(await client.hgetall("resque:delayed:last_enqueued_at")).toEqual({ nightly: "2026-11-25 14:49:20 +0000" });
    expect(await client.zcard("resque:delayed_queue_schedule")).toBe(0);
    expect(await client.llen("resque:queue:default")).toBe(1);
  });

  it("wakes idle workers of the queues it fills", async () => {
    const { clock, scheduler, client, put } = await setup();
    const subscriber = redis.server().client();
    const woken = new Promise<string>((resolve) => subscriber.on("message", (_c: string, queue: string) => resolve(queue)));
    await subscriber.subscribe("resque:wakeup");
    await put(T, '{"class":"EchoJob","args":[],"queue":"mail"}');
    clock.set(T * 1000);
    await scheduler.runPass();
    expect(await woken).toBe("mail");
    await Promise.all([subscriber.quit(), client.quit()]);
  });

  it("only the lock holder promotes; a Ruby scheduler's lock keeps ours following", async () => {
    const { clock, scheduler, client, put } = await setup();
    await client.set("resque:resque:resque_scheduler_master_lock", "ruby-host:4242", "EX", 180);
    await put(T, '{"class":"EchoJob","args":[],"queue":"default"}');
    clock.set(T * 1000);
    await scheduler.runPass();
    expect(scheduler.isLeader).toBe(false);
    expect(await client.llen("resque:queue:default")).toBe(0);
    await client.del("resque:resque:resque_scheduler_master_lock");
    await scheduler.runPass();
    expect(scheduler.isLeader).toBe(true);
    expect(await client.get("resque:resque:resque_scheduler_master_lock")).toBe("test:1");
    expect(await client.llen("resque:queue:default")).toBe(1);
  });
});
