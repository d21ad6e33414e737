import { describe, expect, it } from "vitest";
import { Job } from "../../src/index.js";
import { finished } from "../helpers/events.js";
import { useRedis } from "../helpers/resque.js";

const performedIds = new Map<number, number>();

class Work extends Job<[number]> {
  static override queue = "work";
  async perform(id: number) {
    performedIds.set(id, (performedIds.get(id) ?? 0) + 1);
    if (id % 3 === 0) await new Promise((r) => setImmediate(r)); // interleave slots
    if (id % 10 === 7) throw new Error(`job ${id} fails`);
  }
}

describe("enqueue → perform with exact accounting", () => {
  const redis = useRedis();

  for (const concurrency of [1, 50]) {
    it(`concurrency ${concurrency}: every job runs exactly once; done + failed = enqueued`, async () => {
      performedIds.clear();
      const resque = redis.make({ jobs: [Work] });
      const total = 2000;
      await resque.enqueueBulk(Work, Array.from({ length: total }, (_, i) => [i] as [number]));
      const worker = resque.worker({ queues: "work", concurrency, interval: 30 });
      let succeeded = 0;
      let failedEvents = 0;
      worker.on("job:success", () => succeeded++);
      worker.on("job:failure", () => failedEvents++);
      const done = finished(worker, total);
      await worker.start();
      await done;
      await worker.stop();
      const expectedFailures = Array.from({ length: total }, (_, i) => i).filter((i) => i % 10 === 7).length;
      expect(performedIds.size).toBe(total);
      expect([...performedIds.values()].every((n) => n === 1)).toBe(true);
      expect(failedEvents).toBe(expectedFailures);
      expect(succeeded).toBe(total - expectedFailures);
      expect(await resque.admin.queues.size("work")).toBe(0);
      expect(await resque.admin.failed.count()).toBe(expectedFailures);
      expect(await resque.admin.stats.totals()).toEqual({ processed: total, failed: expectedFailures });
      const failedIds = (await resque.admin.failed.page({ count: 1000 })).map((f) => f.payload.args[0] as number).sort((a, b) => a - b);
      expect(failedIds).toEqual(Array.from({ length: total }, (_, i) => i).filter((i) => i % 10 === 7));
    });
  }

  it("several worker processes' worth of workers share a queue without running a job twice", async () => {
    performedIds.clear();
    const resque = redis.make({ jobs: [Work] });
    const total = 1500;
    await resque.enqueueBulk(Work, Array.from({ length: total }, (_, i) => [i * 10 + 1] as [number]));
    const workers = [1, 2, 3].map((n) => resque.worker({ queues: "work", concurrency: 10, interval: 30, host: `host${n}` }));
    let count = 0;
    const all = new Promise<void>((resolve) => {
      for (const w of workers) w.on("job:success", () => ++count === total && resolve());
    });
    await Promise.all(workers.map((w) => w.start()));
    await all;
    await Promise.all(workers.map((w) => w.stop()));
    expect(performedIds.size).toBe(total);
    expect([...performedIds.values()].every((n) => n === 1)).toBe(true);
    expect(await resque.admin.stats.totals()).toEqual({ processed: total, failed: 0 });
  });
});
