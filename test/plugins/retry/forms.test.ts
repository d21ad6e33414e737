import { describe, expect, it } from "vitest";
import { ConfigurationError, Job, plugin, retry, type JobClass, type PerformContext, type RetryOptions } from "../../../src/index.js";
import { collect, collectRecorded } from "../../helpers/events.js";
import { ManualClock } from "../../helpers/manual-clock.js";
import { useRedis } from "../../helpers/resque.js";
import { T, useClient } from "./helpers.js";

const clock = new ManualClock(T * 1000);
const seen: string[] = [];

function failing(name: string, queue = "forms") {
  return class extends Job<[number]> {
    static override jobName = name;
    static override queue = queue;
    perform() {
      seen.push(`${name}:${this.context.attempt}/${this.context.retryLimit}`);
      throw new Error(`${name} failed`);
    }
  };
}

@plugin({ name: "trace", beforePerform: (c: PerformContext) => void seen.push(`trace sees attempt ${c.attempt}`) })
@retry({ delay: 3, limit: 4, clock })
class Decorated extends Job<[number]> {
  static override queue = "forms";
  perform() {
    throw new Error("decorated failed");
  }
}

/** Inherits its parent's @retry. */
class DecoratedChild extends Decorated {}

class WithStaticPlugins extends failing("WithStaticPlugins") {
  static override plugins = [retry({ delay: 4, clock })];
}

class WithStaticRetry extends failing("WithStaticRetry") {
  static override retry: RetryOptions = { delay: 5, limit: 1, clock };
}

class Renamed extends failing("Mailer::Deliver") {
  static override retry: RetryOptions = { delay: 6, clock };
}

class NoRetry extends failing("NoRetry") {}

class BadStatic extends failing("BadStatic") {
  static override retry = { delay: -5 } as RetryOptions;
}

@retry({ delay: 1, clock })
class Twice extends failing("Twice") {
  static override retry: RetryOptions = { delay: 2 };
}

describe("ways to give a job the retry plugin", () => {
  const redis = useRedis();
  const newClient = useClient(redis);

  async function failOnce(job: JobClass, options: { plugins?: ReturnType<typeof retry>[]; raw?: string } = {}) {
    clock.set(T * 1000);
    seen.length = 0;
    const resque = redis.make({ jobs: [job], plugins: options.plugins ?? [] });
    const client = newClient();
    if (options.raw) await client.rpush(`resque:queue:${job.queue}`, options.raw);
    else await resque.enqueue(job as JobClass<[number]>, 1);
    const worker = resque.worker({ queues: job.queue!, interval: 30 });
    const failed = collectRecorded(worker, "job:failure", 1);
    await worker.start();
    const event = (await failed)[0]![0];
    await worker.stop();
    const name = job.jobName ?? job.name;
    return { resque, client, event, counter: await client.get(`resque:${resque.admin.retries.key(name, 1)}`), times: await client.zrange("resque:delayed_queue_schedule", 0, -1) };
  }

  it("@retry, a TC39 class decorator, stacked with @plugin (which sees the attempt)", async () => {
    const { counter, times } = await failOnce(Decorated);
    expect(counter).toBe("0");
    expect(times).toEqual([String(T + 3)]);
    expect(seen).toEqual(["trace sees attempt 0"]);
  });

  it("a subclass inherits @retry", async () => {
    const { counter, times } = await failOnce(DecoratedChild);
    expect(counter).toBe("0");
    expect(times).toEqual([String(T + 3)]);
  });

  it("static plugins = [retry({...})]", async () => {
    const { counter, times } = await failOnce(WithStaticPlugins);
    expect([counter, times, seen]).toEqual(["0", [String(T + 4)], ["WithStaticPlugins:0/3"]]);
  });

  it("static retry = {...}", async () => {
    const { counter, times } = await failOnce(WithStaticRetry);
    expect([counter, times, seen]).toEqual(["0", [String(T + 5)], ["WithStaticRetry:0/1"]]);
  });

  it("keys use the job's payload name (static jobName)", async () => {
    const { resque, counter } = await failOnce(Renamed);
    expect(resque.admin.retries.key(Renamed, 1)).toBe("resque-retry:Mailer::Deliver:356a192b7913b04c54574d18c28d46e6395428ab");
    expect(counter).toBe("0");
  });

  it("a global retry plugin covers jobs without their own, and steps aside for jobs that have one", async () => {
    const global = retry({ delay: 100, clock });
    const plain = await failOnce(NoRetry, { plugins: [global] });
    expect([plain.counter, plain.times]).toEqual(["0", [String(T + 100)]]);
    const own = await failOnce(WithStaticRetry, { plugins: [global] });
    expect(own.counter).toBe("0"); // counted once
    expect(await own.client.lrange(`resque:delayed:${T + 5}`, 0, -1)).toEqual(['{"class":"WithStaticRetry","args":[1],"queue":"forms"}']);
    expect(await own.client.lrange(`resque:delayed:${T + 100}`, 0, -1)).toEqual(['{"class":"NoRetry","args":[1],"queue":"forms"}']);
  });

  it("invalid static retry options: enqueue names the class; a worker fails such a job instead of crashing", async () => {
    const resque = redis.make({ jobs: [BadStatic] });
    await expect(resque.enqueue(BadStatic, 1)).rejects.toThrow(new ConfigurationError("static retry of BadStatic: delay must not be negative, got -5."));
    const { event, resque: r2 } = await failOnce(BadStatic, { raw: '{"class":"BadStatic","args":[1]}' });
    expect(event.error).toBeInstanceOf(ConfigurationError);
    expect(await r2.admin.failed.page({ count: 1000 })).toMatchObject([{ exception: "ConfigurationError", error: "static retry of BadStatic: delay must not be negative, got -5." }]);
  });

  it("two retry plugins on one class are refused", async () => {
    const resque = redis.make({ jobs: [Twice] });
    await expect(resque.enqueue(Twice, 1)).rejects.toThrow(/^Twice has 2 retry plugins \(from @retry, static plugins and static retry\); keep one/);
  });
});
