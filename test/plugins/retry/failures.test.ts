import { describe, expect, it } from "vitest";
import { Job, JobTimeout, retry, type GiveUpInfo, type PerformContext, type Plugin } from "../../../src/index.js";
import { silentLogger, useRedis } from "../../helpers/resque.js";
import { ManualClock } from "../../helpers/manual-clock.js";
import { Processor } from "../../../src/worker/processor.js";
import { rig, T, useClient } from "./helpers.js";

const clock = new ManualClock(T * 1000);
const gaveUp: GiveUpInfo[] = [];
const attempts: number[] = [];
const seenByHooks: string[] = [];

class NetworkError extends Error {
  override name = "NetworkError";
}
class ValidationError extends Error {
  override name = "ValidationError";
}

/** Throws the error its argument names. */
@retry({ retryOn: { NetworkError: 30, Error: 5 }, limit: 5, clock, onGiveUp: (_e, info) => void gaveUp.push(info) })
class Picky extends Job<[string]> {
  static override queue = "q";
  perform(kind: string) {
    attempts.push(this.context.attempt);
    throw kind === "network" ? new NetworkError("down") : kind === "plain" ? new Error("plain") : "a thrown string";
  }
}

@retry({ fatalOn: [ValidationError], delay: 10, clock, onGiveUp: (_e, info) => void gaveUp.push(info) })
class Strict extends Job<[boolean]> {
  static override queue = "q";
  perform(invalid: boolean) {
    attempts.push(this.context.attempt);
    throw invalid ? new ValidationError("bad input") : new Error("transient");
  }
}

@retry({ delay: 20, retryQueue: "retries", clock })
class Elsewhere extends Job<unknown[]> {
  static override queue = "q";
  perform(...args: unknown[]) {
    attempts.push(this.context.attempt);
    if (this.context.queue === "q") throw new Error(`failed with ${JSON.stringify(args)}`);
  }
}

@retry({ limit: 1 })
class AtOnce extends Job<[]> {
  static override queue = "q";
  perform() {
    attempts.push(this.context.attempt);
    throw new Error("again");
  }
}

@retry({ retryOn: [JobTimeout], delay: 15, clock })
class Slow extends Job<[]> {
  static override queue = "q";
  static override timeout = 0.05;
  async perform() {
    attempts.push(this.context.attempt);
    const { signal } = this.context;
    await new Promise((_, reject) => signal.addEventListener("abort", () => reject(new Error("stopped"))));
  }
}

@retry({ delay: 10, clock })
class Cooperative extends Job<[]> {
  static override queue = "q";
  static onFailureSeen(error: unknown) {
    seenByHooks.push((error as Error).message);
  }
  async perform() {
    const { signal } = this.context;
    if (signal.aborted) throw new Error("stopped"); // the stop may come while hooks run
    await new Promise((_, reject) => signal.addEventListener("abort", () => reject(new Error("stopped"))));
  }
}

@retry({ delay: 10, expireKeyAfter: 100, clock })
class Expiring extends Job<[number]> {
  static override queue = "q";
  perform() {
    attempts.push(this.context.attempt);
    throw new Error("x");
  }
}

/** Jitter with a fixed random source: 100 s × 1.498 = 149.8 s, due at the next whole second. */
@retry({ delay: 100, jitter: 0.5, random: () => 0.998, clock })
class Jittery extends Job<[]> {
  static override queue = "q";
  perform() {
    throw new Error("x");
  }
}

function reset() {
  clock.set(T * 1000);
  gaveUp.length = 0;
  attempts.length = 0;
}

describe("which failures retry, and how", () => {
  const redis = useRedis();
  const newClient = useClient(redis);

  async function failOnce(job: string, args: unknown[], queues: string | string[] = "q", plugins: Plugin[] = []) {
    const resque = redis.make({ jobs: [Picky, Strict, Elsewhere, AtOnce, Slow, Expiring, Jittery], plugins });
    const r = rig(resque, clock, queues);
    await resque.enqueueTo("q", job, ...args);
    const failed = r.next("job:failure");
    await r.worker.start();
    const event = await failed;
    return { resque, ...r, event, client: newClient() };
  }

  it("per-error delays: the error's own entry wins over an ancestor's", async () => {
    reset();
    const network = await failOnce("Picky", ["network"]);
    await network.worker.stop();
    expect(await network.client.zrange("resque:delayed_queue_schedule", 0, -1)).toEqual([String(T + 30)]);
    const plain = await failOnce("Picky", ["plain"]);
    await plain.worker.stop();
    expect(await plain.client.zrange("resque:delayed_queue_schedule", 0, -1)).toEqual([String(T + 5), String(T + 30)]);
    expect(await plain.resque.admin.failed.count()).toBe(0);
  });

  it("jitter scales the delay, and the due time rounds up to the next second", async () => {
    reset();
    const { worker, client } = await failOnce("Jittery", []);
    await worker.stop();
    expect(await client.zrange("resque:delayed_queue_schedule", 0, -1)).toEqual([String(T + 150)]);
  });

  it("an error retryOn does not name gives up at once and is recorded", async () => {
    reset();
    const { worker, resque, client } = await failOnce("Picky", ["other"]);
    await worker.stop();
    expect(attempts).toEqual([0]);
    expect(gaveUp).toMatchObject([{ attempt: 0, limit: 5, reason: "not-retryable" }]);
    expect(await client.zcard("resque:delayed_queue_schedule")).toBe(0);
    const [entry] = await resque.admin.failed.page({ count: 1000 });
    expect(JSON.parse(entry!.raw)).toMatchObject({ error: "a thrown string", attempts: 1, retry_limit: 5 });
    expect(await client.keys("*retry*")).toEqual([]);
  });

  it("fatal errors give up at once; others are retried", async () => {
    reset();
    const fatal = await failOnce("Strict", [true]);
    await fatal.worker.stop();
    expect(gaveUp).toMatchObject([{ attempt: 0, reason: "fatal" }]);
    expect(await fatal.resque.admin.failed.page({ count: 1000 })).toMatchObject([{ exception: "ValidationError", error: "bad input" }]);
    expect(await fatal.client.zcard("resque:delayed_queue_schedule")).toBe(0);

    const transient = await failOnce("Strict", [false]);
    await transient.worker.stop();
    expect(gaveUp).toHaveLength(1);
    expect(await transient.client.zrange("resque:delayed_queue_schedule", 0, -1)).toEqual([String(T + 10)]);
  });

  it("retryQueue: the exact payload bytes are retried on the other queue", async () => {
    reset();
    const resque = redis.make({ jobs: [Elsewhere] });
    const client = newClient();
    const { worker, next, promoteAt } = rig(resque, clock, ["q", "retries"]);
    const rubyPayload = '{"class":"Elsewhere","args":[1.0,{"a":[]},"\\/"]}'; // bytes JavaScript would re-encode
    await client.rpush("resque:queue:q", rubyPayload);
    const failed = next("job:failure");
    await worker.start();
    await failed;
    expect(await client.lrange(`resque:delayed:${T + 20}`, 0, -1)).toEqual(['{"class":"Elsewhere","args":[1.0,{"a":[]},"\\/"],"queue":"retries"}']);
    const succeeded = next("job:success");
    await promoteAt(T + 20);
    const event = await succeeded;
    await worker.stop();
    expect(event).toMatchObject({ queue: "retries", payload: rubyPayload });
    expect(attempts).toEqual([0, 1]);
    expect(await client.keys("*retry*")).toEqual([]);
  });

  it("a delay of 0 puts the job straight back on its queue (no delayed item, no failure copy)", async () => {
    reset();
    const resque = redis.make({ jobs: [AtOnce] });
    const client = newClient();
    const { worker, next } = rig(resque, clock, "q");
    await resque.enqueue(AtOnce);
    const twice = Promise.all([next("job:failure"), new Promise((resolve) => worker.on("job:failure", () => attempts.length === 2 && resolve(null)))]);
    await worker.start();
    await twice;
    await worker.stop();
    expect(attempts).toEqual([0, 1]);
    expect(await client.zcard("resque:delayed_queue_schedule")).toBe(0);
    expect(await resque.admin.failed.page({ count: 1000 })).toMatchObject([{ error: "again" }]);
    expect(await resque.admin.stats.totals()).toEqual({ processed: 2, failed: 2 });
    expect(await client.keys("*retry*")).toEqual([]);
  });

  it("a job that overran its timeout (JobTimeout) is retried", async () => {
    reset();
    const { worker, resque, client, event } = await failOnce("Slow", []);
    await worker.stop();
    expect(event.error).toBeInstanceOf(JobTimeout);
    expect(await client.lrange(`resque:delayed:${T + 15}`, 0, -1)).toEqual(['{"class":"Slow","args":[],"queue":"q"}']);
    expect(await client.get("resque:resque-retry:Slow")).toBe("0"); // no args: no identifier part
    expect(JSON.parse((await client.get("resque:failure-resque-retry:Slow"))!)).toMatchObject({ exception: "JobTimeout" });
    expect(await resque.admin.failed.count()).toBe(0);
  });

  it("a failure before the plugin's beforePerform ran (an earlier hook threw) still counts as an attempt", async () => {
    reset();
    let refuse = true;
    const gate: Plugin = {
      name: "gate",
      beforePerform: () => {
        if (refuse) throw new Error("not yet");
      },
    };
    const { worker, client, next, promoteAt, resque } = await failOnce("Strict", [false], "q", [gate]);
    expect(attempts).toEqual([]);
    expect(await client.get(`resque:${resque.admin.retries.key("Strict", false)}`)).toBe("0");
    expect(await client.zrange("resque:delayed_queue_schedule", 0, -1)).toEqual([String(T + 10)]);
    refuse = false;
    const failed = next("job:failure");
    await promoteAt(T + 10);
    await failed;
    await worker.stop();
    expect(attempts).toEqual([1]);
  });

  it("expireKeyAfter: the counter lives that long past the longest delay", async () => {
    reset();
    const { worker, client } = await failOnce("Expiring", [1]);
    await worker.stop();
    const ttl = await client.ttl("resque:resque-retry:Expiring:356a192b7913b04c54574d18c28d46e6395428ab"); // sha1("1")
    expect(ttl).toBeGreaterThan(100);
    expect(ttl).toBeLessThanOrEqual(110);
  });

  it("continues a counter Ruby's resque-retry left (attempt numbers are shared)", async () => {
    reset();
    const client = newClient();
    await client.set("resque:resque-retry:Expiring:356a192b7913b04c54574d18c28d46e6395428ab", "1");
    const { worker } = await failOnce("Expiring", [1]);
    await worker.stop();
    expect(attempts).toEqual([2]);
  });

  it("a job interrupted by an immediate stop is requeued by the worker, not retried as well", async () => {
    reset();
    const resque = redis.make({ jobs: [Cooperative] });
    const client = newClient();
    const worker = resque.worker({ queues: "q", interval: 30, shutdownTimeout: 0.5 });
    const started = new Promise((resolve) => worker.on("job:start", resolve));
    const requeued = new Promise((resolve) => worker.on("job:requeued", resolve));
    await resque.enqueue(Cooperative);
    await worker.start();
    await started;
    await worker.stop({ immediate: true });
    await requeued;
    // The failure hooks ran once, the retry plugin's too (with the job's error, or the shutdown
    // itself when the stop came before perform started).
    expect(seenByHooks).toHaveLength(1);
    expect(["stopped", "The worker is shutting down."]).toContain(seenByHooks[0]);
    expect(await client.lrange("resque:queue:q", 0, -1)).toEqual(['{"class":"Cooperative","args":[]}']);
    expect(await client.zcard("resque:delayed_queue_schedule")).toBe(0);
    expect(await resque.admin.failed.count()).toBe(0);
  });

  it("failing a job whose run was in another process (a pool's timed-out child) reads the attempt instead of counting one", async () => {
    reset();
    const resque = redis.make({ jobs: [Strict] });
    const client = newClient();
    const key = `resque:${resque.admin.retries.key(Strict, false)}`;
    await client.set(key, "1"); // the child began attempt 1
    const processor = new Processor(resque);
    const reserved = { workerId: "host:1:q", queue: "q", payload: '{"class":"Strict","args":[false]}', reservation: "r" };
    const entry = await processor.failElsewhere(reserved, new JobTimeout("killed"), silentLogger);
    expect(entry).toBe(""); // suppressed: a retry is scheduled
    expect(await client.get(key)).toBe("1");
    expect(await client.lrange(`resque:delayed:${T + 10}`, 0, -1)).toEqual(['{"class":"Strict","args":[false],"queue":"q"}']);
    expect(JSON.parse((await client.get(`resque:resque-ts:retry-pending:${resque.admin.retries.key(Strict, false).slice(13)}`))!)).toMatchObject({
      attempt: 1,
    });
  });
});

export type { PerformContext };
