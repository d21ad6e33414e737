import { describe, expect, it, vi } from "vitest";
import { Job, type Resque } from "../../src/index.js";
import { useRedis } from "../helpers/resque.js";
import { storeOf } from "../../src/redis/store-of.js";
import type { Worker } from "../../src/index.js";

class Send extends Job<[number]> {
  static override queue = "mail";
  async perform(n: number) {
    if (n % 4 === 3) throw new Error(`send ${n} fails`);
  }
}

class Report extends Job<[number]> {
  static override queue = "mail";
  async perform() {}
}

/** Resolves once the work cycle has recorded `count` outcomes. */
function recorded(worker: Worker, count: number): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    worker.on("job:recorded", () => ++seen === count && resolve());
  });
}

/** Processed and failed per class, summed over every minute (or hour) hash of the history. */
async function historyTotals(resque: Resque, kind: "m" | "h"): Promise<Record<string, [number, number]>> {
  const client = storeOf(resque).client;
  const totals: Record<string, [number, number]> = {};
  for (const key of await client.keys(`resque:resque-ts:history:${kind}:*`)) {
    for (const [field, value] of Object.entries(await client.hgetall(key))) {
      const [which, queue, className] = JSON.parse(field) as [string, string, string];
      expect(queue).toBe("mail");
      const entry = (totals[className] ??= [0, 0]);
      entry[which === "p" ? 0 : 1] += Number(value);
    }
  }
  return totals;
}

const SENDS = 200; // 50 of them fail
const REPORTS = 120;
const EXPECTED = { Send: [SENDS, SENDS / 4], Report: [REPORTS, 0] };

async function enqueueAll(resque: Resque): Promise<void> {
  await resque.enqueueBulk(Send, Array.from({ length: SENDS }, (_, i) => [i] as [number]));
  await resque.enqueueBulk(Report, Array.from({ length: REPORTS }, (_, i) => [i] as [number]));
}

describe("stats history written by a worker", () => {
  const redis = useRedis();

  for (const concurrency of [1, 10]) {
    it(`concurrency ${concurrency}: a graceful stop leaves every recorded job counted in the history and the durations`, async () => {
      const resque = redis.make({ jobs: [Send, Report] });
      await enqueueAll(resque);
      const worker = resque.worker({ queues: "mail", concurrency, interval: 30 });
      const all = recorded(worker, SENDS + REPORTS);
      await worker.start();
      await all;
      await worker.stop();
      expect(await historyTotals(resque, "m")).toEqual(EXPECTED);
      expect(await historyTotals(resque, "h")).toEqual(EXPECTED);
      const durations = await resque.admin.stats.durations();
      expect(durations.map((d) => [d.class, d.count, d.buckets.reduce((sum, b) => sum + b.count, 0)])).toEqual([
        ["Report", REPORTS, REPORTS],
        ["Send", SENDS, SENDS],
      ]);
      // Ruby's counters agree.
      expect(await resque.admin.stats.totals()).toEqual({ processed: SENDS + REPORTS, failed: SENDS / 4 });
      expect(await storeOf(resque).client.keys("resque:resque-ts:flush:*")).toEqual([]);
    });
  }

  it("a running worker flushes its counts within a few seconds, and at once on flushHistory()", async () => {
    const resque = redis.make({ jobs: [Send, Report] });
    await enqueueAll(resque);
    const worker = resque.worker({ queues: "mail", interval: 30 });
    const all = recorded(worker, SENDS + REPORTS);
    await worker.start();
    await all;
    // No call: the periodic flush (every 2 s) writes them while the worker keeps running.
    await vi.waitFor(async () => expect(await historyTotals(resque, "m")).toEqual(EXPECTED), { timeout: 6000, interval: 100 });
    // The timer is set again by the next count after a flush: a later job is flushed the same way.
    const later = recorded(worker, 1);
    await resque.enqueue(Report, 1);
    await later;
    await vi.waitFor(async () => expect((await historyTotals(resque, "m")).Report).toEqual([REPORTS + 1, 0]), { timeout: 6000, interval: 100 });

    const one = recorded(worker, 1);
    await resque.enqueue(Report, 1);
    await one;
    await worker.flushHistory();
    expect((await historyTotals(resque, "m")).Report).toEqual([REPORTS + 2, 0]);
    expect(await resque.admin.workers.list()).toHaveLength(1);
    await worker.stop();
    expect((await historyTotals(resque, "h")).Report).toEqual([REPORTS + 2, 0]);
  });

  it("history: false writes neither history nor durations", async () => {
    const resque = redis.make({ jobs: [Send, Report] });
    await enqueueAll(resque);
    const worker = resque.worker({ queues: "mail", interval: 30, history: false });
    const all = recorded(worker, SENDS + REPORTS);
    await worker.start();
    await all;
    await worker.flushHistory();
    await worker.stop();
    expect(await storeOf(resque).client.keys("resque:resque-ts:*")).toEqual([]);
  });
});
