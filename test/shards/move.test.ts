/** Moving a queue's waiting jobs between shards (two namespaces of one Redis): none lost, none on both, also across a stop half-way. */
import { describe, expect, it } from "vitest";
import { storeOf } from "../../src/redis/store-of.js";
import { ShardMoveStore } from "../../src/redis/stores/shard-move-store.js";
import { moveDelayedJobs, moveWaitingJobs } from "../../src/shards/move-queue.js";
import { until } from "../helpers/events.js";
import { runTs } from "../helpers/processes.js";
import { useRedis } from "../helpers/resque.js";

describe("moving a queue between shards", () => {
  const redis = useRedis();
  const make = () => redis.make({ shards: { namespaces: ["mv-a", "mv-b"], queues: { mail: "mv-b" } } });
  const payload = (i: number) => `{"class":"Mail","args":[${i}]}`;

  async function fill(count: number): Promise<string[]> {
    const client = redis.server().client();
    const payloads = Array.from({ length: count }, (_, i) => payload(i));
    await client.multi().sadd("mv-a:queues", "mail").rpush("mv-a:queue:mail", ...payloads).exec();
    await client.quit();
    return payloads;
  }

  function stores(resque: ReturnType<typeof make>) {
    return [storeOf(resque.shardAdmin("mv-a")), storeOf(resque.shardAdmin("mv-b"))] as const;
  }

  it("moves every waiting job to the back of the queue on the other shard, in order, bytes intact", async () => {
    const resque = make();
    const client = redis.server().client();
    const payloads = await fill(1234);
    const odd = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]); // not UTF-8: must arrive byte for byte
    await client.rpush("mv-a:queue:mail", odd);
    await client.multi().sadd("mv-b:queues", "mail").rpush("mv-b:queue:mail", payload(-1)).exec(); // a new job already on the new shard
    const [from, to] = stores(resque);
    const result = await moveWaitingJobs(from, to, "mail", { batchSize: 100 });
    expect(result).toEqual({ moved: 1235, batches: 13 });
    expect(await client.llen("mv-a:queue:mail")).toBe(0);
    const moved = await client.lrangeBuffer("mv-b:queue:mail", 0, -1);
    expect(moved.map((b) => b.toString())).toEqual([payload(-1), ...payloads, odd.toString()]);
    expect(moved.at(-1)!.equals(odd)).toBe(true);
    expect(await client.sismember("mv-b:queues", "mail")).toBe(1);
    expect(await client.keys("mv-a:resque-ts:moving*")).toEqual([]);
    await client.quit();
  });

  it("finishes a batch a stopped move left staged, without losing or doubling a job", async () => {
    const resque = make();
    const client = redis.server().client();
    const payloads = await fill(250);
    const [from, to] = stores(resque);
    const source = new ShardMoveStore(from.client, from.keys);
    const destination = new ShardMoveStore(to.client, to.keys);
    // Stopped after staging: the batch is off the queue, on no other.
    const first = (await source.stage("mail", 100, "t1"))!;
    expect(first.payloads).toHaveLength(100);
    expect((await client.llen("mv-a:queue:mail")) + (await source.staged("mail"))).toBe(250);
    // A second move hands the staged batch back before taking more.
    const again = (await source.stage("mail", 100, "t2"))!;
    expect(again.token).toBe("t1");
    // Stopped after pushing, before clearing: the next move must not push it twice.
    expect(await destination.push("mail", again)).toBe(100);
    const result = await moveWaitingJobs(from, to, "mail", { batchSize: 100 });
    expect(result).toEqual({ moved: 150, batches: 3 }); // the staged batch (pushed before: 0 more), then 100 + 50
    const all = await client.lrange("mv-b:queue:mail", 0, -1);
    expect(all).toHaveLength(250);
    expect(all).toEqual(payloads);
    expect(await client.llen("mv-a:queue:mail")).toBe(0);
    await client.quit();
  });

  it("keeps every job exactly once when two moves run at once", async () => {
    const resque = make();
    const client = redis.server().client();
    const payloads = await fill(2000);
    const [from, to] = stores(resque);
    const results = await Promise.all([moveWaitingJobs(from, to, "mail", { batchSize: 37 }), moveWaitingJobs(from, to, "mail", { batchSize: 53 })]);
    expect(results[0].moved + results[1].moved).toBe(2000);
    const all = await client.lrange("mv-b:queue:mail", 0, -1);
    expect(all).toHaveLength(2000);
    expect(new Set(all)).toEqual(new Set(payloads));
    expect(await client.llen("mv-a:queue:mail")).toBe(0);
    await client.quit();
  });

  it("moves a queue's delayed jobs to the other shard's schedule at their due times, leaving other queues' items, and the new shard's scheduler enqueues them", async () => {
    const resque = make();
    const old = redis.make({ namespace: "mv-a" });
    const oldMs = redis.make({ namespace: "mv-a", delayPrecision: "milliseconds" });
    const client = redis.server().client();
    const soon = Date.now() + 1500;
    const later = new Date(Date.now() + 3_600_000);
    for (let i = 0; i < 150; i++) await old.enqueueAtWithQueue("mail", i % 2 === 0 ? new Date(soon) : later, "Mail", i);
    await oldMs.enqueueAtWithQueue("mail", new Date(soon + 123), "Mail", "ms");
    for (let i = 0; i < 5; i++) await old.enqueueAtWithQueue("other", i % 2 === 0 ? new Date(soon) : later, "Other", i);
    const [from, to] = stores(resque);
    const result = await moveDelayedJobs(from, to, "mail", { timesPerBatch: 1 });
    expect(result.moved).toBe(151);
    // Before = after, across the shards: the source keeps only the other queue's 5.
    expect(await resque.shardAdmin("mv-a").delayed.count()).toBe(5);
    expect(await resque.shardAdmin("mv-b").delayed.count()).toBe(151);
    expect(await client.zcard("mv-b:delayed_queue_schedule")).toBe(3); // soon, later, soon + 123 ms
    expect(await client.keys("mv-a:timestamps:*Mail*")).toEqual([]);
    expect(await client.smembers('mv-b:timestamps:{"class":"Mail","args":[0],"queue":"mail"}')).toHaveLength(1);
    expect(await client.keys("mv-a:resque-ts:moving-delayed*")).toEqual([]);
    // The new shard's scheduler promotes them when due, onto the queue there.
    const scheduler = resque.shardedScheduler({ interval: 0.1 });
    await scheduler.start();
    try {
      await until(() => client.llen("mv-b:queue:mail"), (n) => n === 76);
    } finally {
      await scheduler.stop();
    }
    expect(await client.llen("mv-a:queue:mail")).toBe(0);
    await client.quit();
  });

  it("finishes a delayed batch a stopped move left staged, once", async () => {
    const resque = make();
    const old = redis.make({ namespace: "mv-a" });
    const at = new Date(Date.now() + 3_600_000);
    for (let i = 0; i < 20; i++) await old.enqueueAtWithQueue("mail", new Date(at.getTime() + (i % 4) * 1000), "Mail", i);
    const [from, to] = stores(resque);
    const source = new ShardMoveStore(from.client, from.keys);
    const destination = new ShardMoveStore(to.client, to.keys);
    const staged = await source.stageDelayed("mail", "-inf", 2, "t1");
    expect(staged.items).toHaveLength(10); // two due times, five items each
    expect((await resque.shardAdmin("mv-a").delayed.count()) + staged.items.length).toBe(20);
    expect(await destination.pushDelayed(staged)).toBe(10); // stopped after the push, before clearing
    const result = await moveDelayedJobs(from, to, "mail");
    expect(result).toEqual({ moved: 10, batches: 2 }); // the staged batch again (0 more), then the rest
    expect(await resque.shardAdmin("mv-b").delayed.count()).toBe(20);
    expect(await resque.shardAdmin("mv-a").delayed.count()).toBe(0);
  });

  it("resque shards move: moves the queue and reports the count", async () => {
    await fill(42);
    const proc = runTs("src/cli/resque.ts", {}, ["shards", "move", "mail", "--from", "mv-a", "--to", "mv-b", "--batch", "10", "--json", "--redis", redis.server().url]);
    expect((await proc.exited).code).toBe(0);
    expect(JSON.parse(proc.lines.join("\n"))).toEqual({ queue: "mail", from: "mv-a", to: "mv-b", moved: 42, batches: 5, delayedMoved: 0, leftOnSource: 0 });
    const client = redis.server().client();
    expect(await client.llen("mv-b:queue:mail")).toBe(42);
    const same = runTs("src/cli/resque.ts", {}, ["shards", "move", "mail", "--from", "mv-a", "--to", "mv-a", "--redis", redis.server().url]);
    expect((await same.exited).code).not.toBe(0);
    expect(same.stderr()).toMatch(/same shard/);
    await client.quit();
  }, 60_000);
});
