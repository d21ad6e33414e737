/**
 * A worker with 10 slots or more runs two work loops, each serving half of its slots
 * (src/worker/lanes.ts). What a user relies on must hold across both.
 */
import { describe, expect, it } from "vitest";
import { Job } from "../../src/index.js";
import { collect } from "../helpers/events.js";
import { useRedis } from "../helpers/resque.js";

const performed = new Map<number, number>();

class Count extends Job<[number]> {
  static override queue = "work";
  perform(n: number) {
    performed.set(n, (performed.get(n) ?? 0) + 1);
  }
}

class Flaky extends Job<[number]> {
  static override queue = "work";
  perform(n: number) {
    performed.set(n, (performed.get(n) ?? 0) + 1);
    if (n % 3 === 0) throw new Error(`job ${n} fails`);
  }
}

/** Runs until its signal fires. */
class Cooperative extends Job<[number]> {
  static override queue = "work";
  async perform() {
    const signal = this.context.signal;
    await new Promise<void>((_, reject) => signal.addEventListener("abort", () => reject(signal.reason as Error)));
  }
}

describe("a worker with two work loops (concurrency 10 and more)", () => {
  const redis = useRedis();

  it("performs every job once and is idle only once Redis has recorded every outcome", async () => {
    performed.clear();
    const jobs = 2000;
    const resque = redis.make({ jobs: [Count, Flaky] });
    await resque.enqueueBulk(Count, Array.from({ length: jobs / 2 }, (_, i) => [i]));
    await resque.enqueueBulk(Flaky, Array.from({ length: jobs / 2 }, (_, i) => [jobs / 2 + i]));
    const failing = Array.from({ length: jobs / 2 }, (_, i) => jobs / 2 + i).filter((n) => n % 3 === 0).length;
    const worker = resque.worker({ queues: "work", concurrency: 32, interval: 30 });
    const idle = new Promise<void>((resolve) => worker.once("idle", resolve));
    await worker.start();
    await idle;
    // At "idle" every outcome is in Redis already: nothing is left for a later call.
    expect(await resque.admin.stats.totals()).toEqual({ processed: jobs, failed: failing });
    expect(await resque.admin.failed.count()).toBe(failing);
    expect(await resque.admin.queues.size("work")).toBe(0);
    expect(performed.size).toBe(jobs);
    expect([...performed.values()].every((times) => times === 1)).toBe(true);
    await worker.stop();
  });

  it("an immediate stop requeues the running jobs of both loops at the front, each loop's in its order, uncounted", async () => {
    const resque = redis.make({ jobs: [Cooperative] });
    await resque.enqueueBulk(Cooperative, Array.from({ length: 40 }, (_, i) => [i]));
    const worker = resque.worker({ queues: "work", concurrency: 20, interval: 30 });
    const started = collect(worker, "job:start", 20);
    const requeued = collect(worker, "job:requeued", 20);
    await worker.start();
    await started;
    await worker.stop({ immediate: true });
    expect((await requeued).length).toBe(20);
    const order = (await resque.admin.queues.peek("work", { start: 0, count: 40 })).map((job) => job.args[0] as number);
    // The 20 that ran are back at the front, the 20 that never ran behind them as they were. Each
    // loop reserved a run of the queue; which loop's run comes first depends on which call Redis
    // answered first.
    expect([...order.slice(0, 20)].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(order.slice(20)).toEqual(Array.from({ length: 20 }, (_, i) => 20 + i));
    const descents = order.slice(0, 20).filter((n, i, all) => i > 0 && n < all[i - 1]!).length;
    expect(descents).toBeLessThanOrEqual(1);
    expect(await resque.admin.stats.totals()).toEqual({ processed: 0, failed: 0 });
    const client = redis.server().client();
    expect(await client.smembers("resque:workers")).toEqual([]);
    expect(await client.keys("resque:worker:*")).toEqual([]);
    await client.quit();
  });

  it("with interval 0, stops once its queues are empty, every job recorded", async () => {
    performed.clear();
    const resque = redis.make({ jobs: [Count] });
    await resque.enqueueBulk(Count, Array.from({ length: 500 }, (_, i) => [i]));
    const worker = resque.worker({ queues: "work", concurrency: 24, interval: 0 });
    await worker.start();
    await worker.stopped;
    expect(await resque.admin.stats.totals()).toEqual({ processed: 500, failed: 0 });
    expect(performed.size).toBe(500);
  });
});
