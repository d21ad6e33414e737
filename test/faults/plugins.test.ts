import { describe, expect, it } from "vitest";
import { Resque } from "../../src/index.js";
import { Holder, Limited } from "../fixtures/plugin-jobs.js";
import { until } from "../helpers/events.js";
import { runTs } from "../helpers/processes.js";
import { silentLogger, useRedis } from "../helpers/resque.js";

describe("day-two plugins across worker processes", () => {
  const redis = useRedis();

  it("a concurrency limit of 3 is never exceeded (sampled continuously) while 1,000 jobs run on 3 processes", { timeout: 180_000 }, async () => {
    const client = redis.server().client();
    const resque = new Resque({ redis: redis.server().url, jobs: [Limited], logger: silentLogger });
    const total = 1000;
    for (let i = 0; i < total; i += 250) await resque.enqueueBulk(Limited, Array.from({ length: 250 }, (_, j) => [i + j] as [number]));
    const scheduler = resque.scheduler({ interval: 0.2 });
    await scheduler.start();
    const workers = [0, 1, 2].map(() => runTs("test/fixtures/plugin-worker.ts", { REDIS_URL: redis.server().url, QUEUES: "limited", CONCURRENCY: "4" }));
    await Promise.all(workers.map((w) => w.line(/^ready /)));
    let samples = 0;
    let highestHolders = 0;
    let highestRunning = 0;
    for (;;) {
      const [holders, running, done] = await Promise.all([
        client.zcard("resque:resque-ts:limit:Limited:holders"),
        client.get("test:running"),
        client.scard("test:done"),
      ]);
      samples++;
      highestHolders = Math.max(highestHolders, holders);
      highestRunning = Math.max(highestRunning, Number(running ?? 0));
      if (done === total) break;
      await new Promise((r) => setImmediate(r));
    }
    await scheduler.stop();
    expect(samples).toBeGreaterThan(100);
    expect(highestHolders).toBeLessThanOrEqual(3);
    expect(highestRunning).toBeLessThanOrEqual(3);
    expect(Number(await client.get("test:peak"))).toBe(3);
    // Every job ran exactly once; deferrals were counted neither as processed nor as failed.
    expect(Number(await client.get("test:runs"))).toBe(total);
    expect(await resque.stats()).toEqual({ processed: total, failed: 0 });
    expect(await client.llen("resque:queue:limited")).toBe(0);
    expect(await client.zcard("resque:delayed_queue_schedule")).toBe(0);
    await resque.close();
    await client.quit();
  });

  it("a kill -9'd worker's limit slot, unique lock and status are released within the prune bound", { timeout: 60_000 }, async () => {
    const client = redis.server().client();
    const resque = new Resque({ redis: redis.server().url, jobs: [Holder], logger: silentLogger });
    const id = (await resque.statuses.enqueue(Holder, 1))!;
    const victim = runTs("test/fixtures/plugin-worker.ts", { REDIS_URL: redis.server().url, QUEUES: "holders", HEARTBEAT: "1" });
    await victim.line(/^holding 1$/);
    expect(await resque.status(id)).toMatchObject({ status: "working", num: 1, total: 2 });
    expect(await client.zcard("resque:resque-ts:limit:Holder:holders")).toBe(1);
    expect(await client.exists(`resque:lock:Holder:${id}-1`)).toBe(1);

    victim.child.kill("SIGKILL");
    await victim.exited;
    const killedAt = Date.now();
    // Another worker process prunes the dead one: 4 missed heartbeats of 1 s, checked every beat.
    const pruner = runTs("test/fixtures/plugin-worker.ts", { REDIS_URL: redis.server().url, QUEUES: "noop", HEARTBEAT: "1" });
    await pruner.line(/^ready /);
    await until(() => resque.status(id), (s) => s?.status === "queued", 15_000);
    const releasedAfterMs = Date.now() - killedAt;
    // The prune bound: 4 heartbeat intervals, plus one interval until the next prune, plus slack.
    expect(releasedAfterMs).toBeLessThan(4_000 + 1_000 + 2_000);
    expect(await client.zcard("resque:resque-ts:limit:Holder:holders")).toBe(0);
    expect(await client.exists(`resque:lock:Holder:${id}-1`)).toBe(0);
    // The job is back on its queue, holding its queued lock again; nothing was lost or duplicated.
    expect(await client.lrange("resque:queue:holders", 0, -1)).toEqual([`{"class":"Holder","args":["${id}",1]}`]);
    expect(await client.get(`resque:loner:lock:Holder:${id}-1`)).toBe("true");
    expect((await resque.status(id))!.message).toMatch(/died while running the job; requeued/);
    expect(await resque.stats()).toEqual({ processed: 0, failed: 0 });
    await resque.close();
    await client.quit();
  });
});
