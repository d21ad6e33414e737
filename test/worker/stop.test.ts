import { describe, expect, it } from "vitest";
import { Job } from "../../src/index.js";
import { collect, deferred } from "../helpers/events.js";
import { useRedis } from "../helpers/resque.js";

let gate = deferred();
let entered = deferred<AbortSignal>();

class Slow extends Job<[number]> {
  static override queue = "slow";
  async perform() {
    entered.resolve(this.context.signal);
    await gate.promise;
  }
}

/** Stops only when its signal fires. */
class Cooperative extends Job<[number]> {
  static override queue = "slow";
  async perform() {
    const signal = this.context.signal;
    await new Promise<void>((_, reject) => signal.addEventListener("abort", () => reject(signal.reason as Error)));
  }
}

/** Ignores its signal. */
class Stubborn extends Job<[number]> {
  static override queue = "slow";
  async perform() {
    await new Promise(() => {});
  }
}

describe("stopping a worker", () => {
  const redis = useRedis();

  it("graceful stop lets running jobs finish and takes no new ones", async () => {
    gate = deferred();
    const resque = redis.make({ jobs: [Slow] });
    await resque.enqueueBulk(Slow, [[1], [2], [3]]);
    const worker = resque.worker({ queues: "slow", concurrency: 2, interval: 30 });
    const started = collect(worker, "job:start", 2);
    const succeeded = collect(worker, "job:success", 2);
    await worker.start();
    await started;
    const stopping = worker.stop();
    let stopped = false;
    void stopping.then(() => (stopped = true));
    await Promise.resolve();
    expect(stopped).toBe(false);
    gate.resolve();
    await stopping;
    expect((await succeeded).length).toBe(2);
    expect(await resque.admin.queues.size("slow")).toBe(1);
    expect((await resque.admin.queues.peek("slow", { count: 1 }))[0]!.args).toEqual([3]);
    expect(await resque.admin.stats.totals()).toEqual({ processed: 2, failed: 0 });
    const client = redis.server().client();
    expect(await client.smembers("resque:workers")).toEqual([]);
    await client.quit();
  });

  it("immediate stop aborts jobs and requeues them at the front, without counting them", async () => {
    const resque = redis.make({ jobs: [Cooperative] });
    await resque.enqueueBulk(Cooperative, [[1], [2], [3]]);
    const worker = resque.worker({ queues: "slow", concurrency: 2, interval: 30 });
    const started = collect(worker, "job:start", 2);
    const requeued = collect(worker, "job:requeued", 2);
    await worker.start();
    await started;
    await worker.stop({ immediate: true });
    expect((await requeued).length).toBe(2);
    expect((await resque.admin.queues.peek("slow", { start: 0, count: 10 })).map((j) => j.args[0])).toEqual([1, 2, 3]);
    expect(await resque.admin.queues.size("slow")).toBe(3);
    expect(await resque.admin.stats.totals()).toEqual({ processed: 0, failed: 0 });
    expect(await resque.admin.failed.count()).toBe(0);
  });

  it("immediate stop requeues a job that ignores its signal after the grace period", async () => {
    const resque = redis.make({ jobs: [Stubborn] });
    await resque.enqueue(Stubborn, 9);
    const worker = resque.worker({ queues: "slow", interval: 30, shutdownTimeout: 0.05 });
    const started = collect(worker, "job:start", 1);
    await worker.start();
    await started;
    await worker.stop({ immediate: true });
    expect((await resque.admin.queues.peek("slow", { count: 1 }))[0]!.args).toEqual([9]);
    const client = redis.server().client();
    expect(await client.keys("resque:worker:*")).toEqual([]);
    await client.quit();
  });

  it("a job whose hooks are still running when an immediate stop comes never starts perform", async () => {
    const hookGate = deferred();
    const inHook = deferred();
    let performed = false;
    class Hooked extends Job<[]> {
      static override queue = "slow";
      static async beforePerformWait() {
        inHook.resolve();
        await hookGate.promise;
      }
      async perform() {
        performed = true;
      }
    }
    const resque = redis.make({ jobs: [Hooked] });
    await resque.enqueue(Hooked);
    const worker = resque.worker({ queues: "slow", interval: 30, shutdownTimeout: 0.2 });
    await worker.start();
    await inHook.promise;
    const stopping = worker.stop({ immediate: true });
    hookGate.resolve();
    await stopping;
    expect(performed).toBe(false);
    expect(await resque.admin.queues.size("slow")).toBe(1);
  });

  it("the job's signal fires on immediate stop", async () => {
    gate = deferred();
    entered = deferred<AbortSignal>();
    const resque = redis.make({ jobs: [Slow] });
    await resque.enqueue(Slow, 1);
    const worker = resque.worker({ queues: "slow", interval: 30, shutdownTimeout: 0.05 });
    await worker.start();
    const signal = await entered.promise;
    expect(signal.aborted).toBe(false);
    await worker.stop({ immediate: true });
    expect(signal.aborted).toBe(true);
    gate.resolve();
  });

  it("interval 0 stops the worker once its queues are empty", async () => {
    gate = deferred();
    gate.resolve();
    const resque = redis.make({ jobs: [Slow] });
    await resque.enqueueBulk(Slow, [[1], [2]]);
    const worker = resque.worker({ queues: "slow", interval: 0, concurrency: 2 });
    await worker.start();
    await worker.stopped;
    expect(await resque.admin.stats.totals()).toEqual({ processed: 2, failed: 0 });
  });
});
