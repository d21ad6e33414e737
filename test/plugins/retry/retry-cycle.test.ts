import { describe, expect, it } from "vitest";
import { Job, retry, type GiveUpInfo, type RetryScheduledInfo } from "../../../src/index.js";
import { goldenKey } from "../../helpers/golden.js";
import { ManualClock } from "../../helpers/manual-clock.js";
import { useRedis } from "../../helpers/resque.js";
import { rig, T, useClient } from "./helpers.js";

const clock = new ManualClock(T * 1000);
let runs: { attempt: number; retryLimit: number | undefined; queue: string }[] = [];
let failUntil = 0;
const retried: RetryScheduledInfo[] = [];
const gaveUp: { error: unknown; info: GiveUpInfo }[] = [];

@retry({
  backoff: [10, 60, 600],
  clock,
  onRetry: (_error, info) => void retried.push(info),
  onGiveUp: (error, info) => void gaveUp.push({ error, info }),
})
class Flaky extends Job<[string]> {
  static override queue = "flaky";
  perform(_name: string) {
    runs.push({ attempt: this.context.attempt, retryLimit: this.context.retryLimit, queue: this.context.queue });
    if (runs.length <= failUntil) throw new Error(`failure ${runs.length}`);
  }
}

function reset(failures: number) {
  clock.set(T * 1000);
  runs = [];
  failUntil = failures;
  retried.length = 0;
  gaveUp.length = 0;
}

const ITEM = '{"class":"Flaky","args":["x"],"queue":"flaky"}';

describe("a job with @retry({ backoff: [10, 60, 600] })", () => {
  const redis = useRedis();
  const newClient = useClient(redis);

  it("failing twice then succeeding runs 3 times, rescheduled 10 s and then 60 s after each failure", async () => {
    reset(2);
    const resque = redis.make({ jobs: [Flaky] });
    const client = newClient();
    const { worker, next, promoteAt } = rig(resque, clock, "flaky");
    const counter = `resque:${resque.admin.retries.key(Flaky, "x")}`;
    await resque.enqueue(Flaky, "x");
    let failed = next("job:failure");
    await worker.start();
    await failed;

    expect(await client.zrange("resque:delayed_queue_schedule", 0, -1)).toEqual([String(T + 10)]);
    expect(await client.lrange(`resque:delayed:${T + 10}`, 0, -1)).toEqual([ITEM]);
    expect(await client.smembers(`resque:timestamps:${ITEM}`)).toEqual([`delayed:${T + 10}`]);
    expect(await client.get(counter)).toBe("0");
    expect(await resque.admin.failed.count()).toBe(0);

    // Nothing runs before its time.
    await promoteAt(T + 9);
    expect(await resque.admin.queues.size("flaky")).toBe(0);

    failed = next("job:failure");
    await promoteAt(T + 10);
    await failed;
    expect(await client.zrange("resque:delayed_queue_schedule", 0, -1)).toEqual([String(T + 70)]);
    expect(await client.lrange(`resque:delayed:${T + 70}`, 0, -1)).toEqual([ITEM]);
    expect(await client.get(counter)).toBe("1");

    const succeeded = next("job:success");
    await promoteAt(T + 70);
    await succeeded;
    await worker.stop();

    expect(runs).toEqual([
      { attempt: 0, retryLimit: 3, queue: "flaky" },
      { attempt: 1, retryLimit: 3, queue: "flaky" },
      { attempt: 2, retryLimit: 3, queue: "flaky" },
    ]);
    expect(retried.map((r) => [r.attempt, r.delay, r.at.getTime() / 1000])).toEqual([
      [0, 10, T + 10],
      [1, 60, T + 70],
    ]);
    expect(gaveUp).toEqual([]);
    // Cleared on success: counter, failure copy and pending record.
    expect(await client.keys("*retry*")).toEqual([]);
    expect(await resque.admin.failed.count()).toBe(0);
    // resque-retry's suppression keeps the failed list clean but still counts each failure.
    expect(await resque.admin.stats.totals()).toEqual({ processed: 3, failed: 2 });
  });

  it("gives up after its limit: one failed entry saying how many attempts were made, and onGiveUp", async () => {
    reset(Infinity);
    const resque = redis.make({ jobs: [Flaky] });
    const client = newClient();
    const { worker, next, promoteAt } = rig(resque, clock, "flaky");
    await resque.enqueue(Flaky, "y");
    let failed = next("job:failure");
    await worker.start();
    await failed;
    for (const due of [T + 10, T + 70, T + 670]) {
      failed = next("job:failure");
      await promoteAt(due);
      await failed;
    }
    await worker.stop();

    expect(runs.map((r) => r.attempt)).toEqual([0, 1, 2, 3]);
    expect(retried.map((r) => r.at.getTime() / 1000)).toEqual([T + 10, T + 70, T + 670]);
    expect(gaveUp).toHaveLength(1);
    expect(gaveUp[0]!.info).toMatchObject({ attempt: 3, limit: 3, reason: "limit" });
    expect((gaveUp[0]!.error as Error).message).toBe("failure 4");
    const entries = await resque.admin.failed.page({ count: 1000 });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ error: "failure 4", queue: "flaky", payload: { class: "Flaky", args: ["y"] } });
    expect(JSON.parse(entries[0]!.raw)).toMatchObject({ attempts: 4, retry_limit: 3 });
    expect(await client.keys("*retry*")).toEqual([]);
    expect(await client.zcard("resque:delayed_queue_schedule")).toBe(0);
    expect(await resque.admin.stats.totals()).toEqual({ processed: 4, failed: 4 });
  });
});

describe("resque-retry's keys and values, as Ruby writes them", () => {
  const redis = useRedis();
  const newClient = useClient(redis);

  @retry({ limit: 2, delay: 1, clock })
  class RetryJob extends Job<[string, number]> {
    static override queue = "default";
    perform() {
      throw new Error("RetryJob fails on first attempt");
    }
  }

  it("match the golden dump of resque-retry 1.8 (counter, failure copy with TTL, delayed retry)", async () => {
    clock.set(T * 1000);
    const resque = redis.make({ jobs: [RetryJob] });
    const client = newClient();
    const { worker, next } = rig(resque, clock, "default");
    await resque.enqueue(RetryJob, "retry-me", 1);
    const failed = next("job:failure");
    await worker.start();
    await failed;
    await worker.stop();

    const id = "a0e91fecc1c98a76c3aae1a9f9062e9d9a454b14";
    const counter = goldenKey("after-work.json", `resque:resque-retry:RetryJob:${id}`);
    expect(resque.admin.retries.key(RetryJob, "retry-me", 1)).toBe(`resque-retry:RetryJob:${id}`);
    expect(await client.get(counter.key)).toBe(counter.value);
    expect(await client.ttl(counter.key)).toBe(counter.ttl);

    const copy = goldenKey("after-work.json", `resque:failure-resque-retry:RetryJob:${id}`);
    const ours = (await client.get(copy.key))!;
    expect(await client.ttl(copy.key)).toBe(copy.ttl); // 2 × the 1 s delay
    const theirs = JSON.parse(copy.value as string) as Record<string, unknown>;
    const parsed = JSON.parse(ours) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(Object.keys(theirs));
    expect(parsed.failed_at).toMatch(/^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(parsed.failed_at).toBe("2027/01/15 08:00:00"); // the plugin's clock: T, no zone
    expect(parsed.payload).toEqual(theirs.payload);
    expect(ours).toContain(',"payload":{"class":"RetryJob","args":["retry-me",1]},');
    expect(parsed).toMatchObject({ exception: "Error", error: "RetryJob fails on first attempt", queue: "default" });

    // The retry is a resque-scheduler delayed item, the same bytes Ruby wrote.
    const golden = goldenKey("after-work.json", "resque:delayed:1795618405");
    const rubyItem = (golden.value as string[]).find((item) => item.includes("RetryJob"))!;
    expect(await client.lrange(`resque:delayed:${T + 1}`, 0, -1)).toEqual([rubyItem]);
    expect(await client.smembers(`resque:timestamps:${rubyItem}`)).toEqual([`delayed:${T + 1}`]);
    expect(await resque.admin.failed.count()).toBe(0);
  });
});
