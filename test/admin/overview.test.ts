import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { Admin, Job } from "../../src/index.js";
import { collect, deferred } from "../helpers/events.js";
import { loadGolden } from "../helpers/load-golden.js";
import { useRedis } from "../helpers/resque.js";

let release = deferred();
class Hold extends Job<[number]> {
  static override queue = "mail_high";
  async perform() {
    await release.promise;
  }
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("admin.overview and admin.redis", () => {
  const redis = useRedis();
  const opened: Admin[] = [];
  afterEach(async () => {
    release.resolve();
    await Promise.all(opened.splice(0).map((a) => a.close()));
  });
  function admin(options: { name?: string; namespace?: string } = {}): Admin {
    const a = new Admin({ redis: redis.server().url, ...options });
    opened.push(a);
    return a;
  }

  it("states the facts a monitor judges from: totals, failed, queues with their workers (globs resolved), running jobs, scheduler, Redis, recent history", async () => {
    release = deferred();
    const client = redis.server().client();
    await loadGolden(client, "after-work.json"); // Ruby's counters and two failed entries
    await client.sadd("resque:queues", "mail_low", "other");
    await client.rpush("resque:queue:mail_low", '{"class":"A","args":[]}', '{"class":"A","args":[]}');
    await client.set("resque:resque:resque_scheduler_master_lock", "sched-host:99", "EX", 100);
    await client.zadd("resque:delayed_queue_schedule", 1, "1", 4_000_000_000, "4000000000");
    await client.rpush("resque:delayed:1", '{"class":"A","args":[],"queue":"q"}');
    await client.rpush("resque:delayed:4000000000", '{"class":"A","args":[],"queue":"q"}');
    const [seconds] = await client.time();
    const minute = Math.floor(Number(seconds) / 60) * 60;
    await client.hset(`resque:resque-ts:history:m:${minute}`, JSON.stringify(["p", "mail_high", "Hold"]), "3");

    const resque = redis.make({ jobs: [Hold] });
    await resque.enqueue(Hold, 1);
    const worker = resque.worker({ queues: ["mail_*"], interval: 30 });
    const started = collect(worker, "job:start", 1);
    await worker.start();
    await started;

    const overview = await admin({ name: "primary" }).overview();
    expect(overview.name).toBe("primary");
    expect(overview.namespace).toBe("resque:");
    expect(overview.totals).toEqual({ processed: 11, failed: 5 });
    expect(overview.failed).toEqual({ count: 2, lists: [{ name: "failed", queue: undefined, size: 2 }] });
    const [ours] = worker.ids;
    expect(overview.queues).toEqual(
      expect.arrayContaining([
        { name: "mail_high", size: 0, workers: [ours] },
        { name: "mail_low", size: 2, workers: [ours] },
        { name: "other", size: 0, workers: [] },
      ]),
    );
    expect(overview.running).toEqual([expect.objectContaining({ workerId: ours, queue: "mail_high", class: "Hold" })]);
    expect(overview.workers.map((w) => w.kind)).toEqual(["resque-ts"]);
    expect(overview.paused).toEqual({ all: false, targets: [] });
    // Ruby's dump holds delayed jobs too, some far in the future; the one added at 1 s is the earliest.
    const delayedTimestamps = await client.zcard("resque:delayed_queue_schedule");
    const dueTimestamps = await client.zcount("resque:delayed_queue_schedule", "-inf", Math.floor(overview.at.getTime() / 1000));
    expect(overview.scheduler).toMatchObject({ leader: { holder: "sched-host:99" }, delayedTimestamps, dueTimestamps, earliestDue: new Date(1000) });
    expect(overview.scheduler.leader!.ttlMs).toBeGreaterThan(0);
    expect(overview.redis.version).toMatch(/^\d+\.\d+/);
    expect(overview.recentMinutes).toHaveLength(15);
    expect(overview.recentMinutes.at(-1)).toMatchObject({ at: new Date(minute * 1000), processed: 3, failed: 0 });
    expect(Math.abs(overview.at.getTime() - Number(seconds) * 1000)).toBeLessThan(60_000);

    release.resolve();
    await worker.stop();
    await client.quit();
  });

  it("Redis facts: version, mode, memory, eviction policy, clients; keys counted by kind", async () => {
    const client = redis.server().client();
    await client.config("SET", "maxmemory-policy", "allkeys-lru");
    await loadGolden(client, "after-work.json");
    await client.set("unrelated", "x"); // outside the namespace
    const a = admin();
    const info = await a.redis.info();
    expect(info).toMatchObject({ mode: "standalone", role: "master", maxMemoryPolicy: "allkeys-lru", evictsAnyKey: true, evictsKeysWithTtl: true, clusterEnabled: false });
    expect(info.usedMemoryBytes).toBeGreaterThan(0);
    expect(info.connectedClients).toBeGreaterThanOrEqual(1);
    await client.config("SET", "maxmemory-policy", "noeviction");
    expect(await a.redis.info()).toMatchObject({ evictsAnyKey: false, evictsKeysWithTtl: false });
    // Redis' clock, as TIME reports it.
    const before = Number((await client.time())[0]) * 1000;
    const clock = (await a.redis.time()).getTime();
    expect(clock).toBeGreaterThanOrEqual(before);
    expect(clock).toBeLessThan(before + 5000);
    const keys = await a.redis.keys();
    const all = (await client.keys("resque:*")).length;
    expect(keys.total).toBe(all);
    expect(keys.byKind.failed).toBe(1);
    expect(keys.byKind.stats).toBeGreaterThanOrEqual(2);
    expect(keys.byKind.retries).toBeGreaterThanOrEqual(1);
    expect(Object.values(keys.byKind).reduce((a, b) => a + b, 0)).toBe(all);
    await client.quit();
  });

  it("combines several instances in one process, each its own namespace; one that does not answer gets an error row", async () => {
    const client = redis.server().client();
    await client.set("resque:stat:processed", "1");
    await client.set("other:stat:processed", "2");
    const down = new Admin({ redis: `redis://127.0.0.1:${await closedPort()}`, name: "down" });
    const combined = await Admin.overview([admin({ name: "one" }), admin({ name: "two", namespace: "other" }), down], { timeoutMs: 500 });
    expect(combined.instances.map((i) => [i.name, i.ok])).toEqual([
      ["one", true],
      ["two", true],
      ["down", false],
    ]);
    const [one, two, failed] = combined.instances;
    expect(one!.ok && one!.overview.totals.processed).toBe(1);
    expect(two!.ok && two!.overview.totals.processed).toBe(2);
    expect(!failed!.ok && failed!.error).toMatch(/No answer from down within 500 ms/);
    await down.close();
    await client.quit();
  });
});
