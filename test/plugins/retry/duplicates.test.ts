import { describe, expect, it } from "vitest";
import { Job, retry, type RetryScheduledInfo } from "../../../src/index.js";
import { collect, collectRecorded, deferred } from "../../helpers/events.js";
import { ManualClock } from "../../helpers/manual-clock.js";
import { silentLogger, useRedis } from "../../helpers/resque.js";
import { T, useClient } from "./helpers.js";

const clock = new ManualClock(T * 1000);
const retried: RetryScheduledInfo[] = [];
let copies = 2;
let entered = 0;
let together = deferred();

/** Every copy waits until `copies` of them run at once, then all fail. */
@retry({ backoff: [10, 60], limit: 10, clock, onRetry: (_e, info) => void retried.push(info) })
class Twin extends Job<[string]> {
  static override queue = "twins";
  async perform() {
    if (++entered === copies) together.resolve();
    await together.promise;
    throw new Error(`attempt ${this.context.attempt} failed`);
  }
}

/** The same, retried at once onto a queue no worker here listens to. */
@retry({ limit: 10, retryQueue: "later", onRetry: (_e, info) => void retried.push(info) })
class TwinNow extends Job<[string]> {
  static override queue = "twins";
  async perform() {
    if (++entered === copies) together.resolve();
    await together.promise;
    throw new Error("failed");
  }
}

function reset(n: number) {
  clock.set(T * 1000);
  retried.length = 0;
  copies = n;
  entered = 0;
  together = deferred();
}

const ITEM = '{"class":"Twin","args":["same"],"queue":"twins"}';

describe("copies of one job identity failing together", () => {
  const redis = useRedis();
  const newClient = useClient(redis);

  it("two workers failing the same job identity schedule one retry", async () => {
    reset(2);
    const [a, b] = [redis.make({ jobs: [Twin] }), redis.make({ jobs: [Twin] })];
    const client = newClient();
    await a.enqueueBulk(Twin, [["same"], ["same"]]);
    const workers = [a.worker({ queues: "twins", interval: 30, host: "a" }), b.worker({ queues: "twins", interval: 30, host: "b" })];
    const failures = workers.map((w) => collectRecorded(w, "job:failure", 1));
    await Promise.all(workers.map((w) => w.start()));
    await Promise.all(failures);
    await Promise.all(workers.map((w) => w.stop()));

    // Both runs were counted (attempts 0 and 1), one retry is scheduled.
    expect(await client.get(`resque:${a.admin.retries.key(Twin, "same")}`)).toBe("1");
    expect(await client.zrange("resque:delayed_queue_schedule", 0, -1)).toHaveLength(1);
    const [ts] = await client.zrange("resque:delayed_queue_schedule", 0, -1);
    expect(await client.lrange(`resque:delayed:${ts}`, 0, -1)).toEqual([ITEM]);
    expect(retried).toHaveLength(1);
    expect(await a.admin.failed.count()).toBe(0);
    expect(await a.admin.stats.totals()).toEqual({ processed: 2, failed: 2 });
  });

  it("with no delay too: the retry goes onto its queue once", async () => {
    reset(2);
    const resque = redis.make({ jobs: [TwinNow] });
    await resque.enqueueBulk(TwinNow, [["same"], ["same"]]);
    const worker = resque.worker({ queues: "twins", concurrency: 2, interval: 30 });
    const failures = collectRecorded(worker, "job:failure", 2);
    await worker.start();
    await failures;
    await worker.stop();
    expect(await resque.admin.queues.peek("later", { start: 0, count: 10 })).toMatchObject([{ class: "TwinNow", args: ["same"] }]);
    expect(retried).toHaveLength(1);
    expect(await resque.admin.failed.count()).toBe(0);
  });

  it("many concurrent copies on one worker's slots schedule one retry", async () => {
    reset(6);
    const resque = redis.make({ jobs: [Twin] });
    const client = newClient();
    await resque.enqueueBulk(Twin, Array.from({ length: 6 }, () => ["same"] as [string]));
    const worker = resque.worker({ queues: "twins", concurrency: 6, interval: 30 });
    const failures = collectRecorded(worker, "job:failure", 6);
    await worker.start();
    await failures;
    await worker.stop();
    expect(await client.get(`resque:${resque.admin.retries.key(Twin, "same")}`)).toBe("5");
    const times = await client.zrange("resque:delayed_queue_schedule", 0, -1);
    expect(times).toHaveLength(1);
    expect(await client.llen(`resque:delayed:${times[0]}`)).toBe(1);
    expect(retried).toHaveLength(1);
  });

  it("a copy failing while the retry still waits in the schedule joins it; the retry's own failure schedules the next", async () => {
    reset(1);
    const resque = redis.make({ jobs: [Twin] });
    const client = newClient();
    const worker = resque.worker({ queues: "twins", interval: 30 });
    const scheduler = resque.scheduler({ clock, logger: silentLogger, lockValue: "test:1" });
    await resque.enqueue(Twin, "same");
    let failed = collectRecorded(worker, "job:failure", 1);
    await worker.start();
    await failed;
    expect(await client.lrange(`resque:delayed:${T + 10}`, 0, -1)).toEqual([ITEM]);

    // Another copy, enqueued later, fails while the retry waits: no second retry.
    clock.set((T + 3) * 1000);
    entered = 0;
    failed = collectRecorded(worker, "job:failure", 1);
    await resque.enqueue(Twin, "same");
    await failed;
    expect(await client.zrange("resque:delayed_queue_schedule", 0, -1)).toEqual([String(T + 10)]);
    expect(await client.llen(`resque:delayed:${T + 10}`)).toBe(1);
    expect(retried).toHaveLength(1);
    // Its failure is the one the Retry tab shows now.
    expect(JSON.parse((await client.get(`resque:failure-${resque.admin.retries.key(Twin, "same")}`))!)).toMatchObject({ error: "attempt 1 failed" });

    // The retry runs (attempt 2) and fails: the next retry is scheduled, 60 s on.
    entered = 0;
    failed = collectRecorded(worker, "job:failure", 1);
    clock.set((T + 10) * 1000);
    await scheduler.runPass();
    await failed;
    await worker.stop();
    expect(await client.zrange("resque:delayed_queue_schedule", 0, -1)).toEqual([String(T + 70)]);
    expect(retried.map((r) => r.attempt)).toEqual([0, 2]);
    expect(await resque.admin.failed.count()).toBe(0);
    expect(await resque.admin.stats.totals()).toEqual({ processed: 3, failed: 3 });
  });
});
