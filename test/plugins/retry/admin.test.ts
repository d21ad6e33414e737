import { describe, expect, it } from "vitest";
import { Job, retry } from "../../../src/index.js";
import { golden } from "../../helpers/golden.js";
import { collect, collectRecorded } from "../../helpers/events.js";
import { ManualClock } from "../../helpers/manual-clock.js";
import { useRedis } from "../../helpers/resque.js";
import { T, useClient } from "./helpers.js";

const clock = new ManualClock(T * 1000);

class ProviderDown extends Error {
  override name = "ProviderDown";
}

@retry({ backoff: [10, 60, 600], clock })
class SendSms extends Job<[string, string]> {
  static override queue = "sms";
  perform(to: string) {
    throw new ProviderDown(`cannot reach ${to}`);
  }
}

describe("resque.retries: the admin view of scheduled retries", () => {
  const redis = useRedis();
  const newClient = useClient(redis);

  async function failOnce() {
    clock.set(T * 1000);
    const resque = redis.make({ jobs: [SendSms] });
    await resque.enqueue(SendSms, "+4611", "hello");
    await resque.enqueueIn(3600, SendSms, "+4622", "an ordinary delayed job");
    const worker = resque.worker({ queues: "sms", interval: 30 });
    const failed = collectRecorded(worker, "job:failure", 1);
    await worker.start();
    await failed;
    await worker.stop();
    return resque;
  }

  it("lists retries with their attempt, limit and last failure (not ordinary delayed jobs)", async () => {
    const resque = await failOnce();
    const retries = await resque.admin.retries.scheduled();
    expect(retries).toHaveLength(1);
    const [r] = retries;
    expect(r).toMatchObject({
      class: "SendSms",
      args: ["+4611", "hello"],
      queue: "sms",
      at: new Date((T + 10) * 1000),
      attempt: 1,
      limit: 3,
      retryKey: resque.admin.retries.key(SendSms, "+4611", "hello"),
      raw: '{"class":"SendSms","args":["+4611","hello"],"queue":"sms"}',
    });
    expect(r!.lastFailure).toMatchObject({ exception: "ProviderDown", error: "cannot reach +4611", queue: "sms", failedAt: new Date(T * 1000) });
    expect(await resque.admin.retries.attempt(SendSms, "+4611", "hello")).toBe(0);
    expect(await resque.admin.retries.attempt(SendSms, "+4622", "an ordinary delayed job")).toBeUndefined();
  });

  it("cancels a retry as resque-web does: the delayed job, the counter and the failure copy go", async () => {
    const resque = await failOnce();
    const client = newClient();
    const [r] = await resque.admin.retries.scheduled();
    expect(await resque.admin.retries.cancel(r!)).toBe(1);
    expect(await resque.admin.retries.scheduled()).toEqual([]);
    expect(await client.keys("*retry*")).toEqual([]);
    expect(await resque.admin.delayed.timestampCount()).toBe(1); // the ordinary delayed job stays
  });

  it("lists retries Ruby's resque-retry scheduled (golden dump), for classes this process does not have", async () => {
    const resque = redis.make();
    const client = newClient();
    for (const key of golden("after-work.json")) {
      if (key.type === "string") await client.set(key.key, key.value as string);
      if (key.type === "list") await client.rpush(key.key, ...(key.value as string[]));
      if (key.type === "set") await client.sadd(key.key, ...(key.value as string[]));
      if (key.type === "zset") for (const [member, score] of key.value as [string, number][]) await client.zadd(key.key, score, member);
    }
    const retries = await resque.admin.retries.scheduled();
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({
      class: "RetryJob",
      args: ["retry-me", 1],
      queue: "default",
      at: new Date(1795618405 * 1000),
      attempt: 1,
      limit: undefined,
      retryKey: "resque-retry:RetryJob:a0e91fecc1c98a76c3aae1a9f9062e9d9a454b14",
    });
    expect(retries[0]!.lastFailure).toMatchObject({
      exception: "IOError",
      error: "RetryJob fails on first attempt",
      failedAt: new Date("2026-11-25T14:53:24Z"),
      worker: "vm:8673:*",
    });
  });
});
