import { describe, expect, it } from "vitest";
import { Job, JobKilled, JobTimeout, type PerformContext } from "../../src/index.js";
import { collect, deferred } from "../helpers/events.js";
import { useRedis } from "../helpers/resque.js";

let failureSeenByHook: unknown;

/** Stops when its signal fires. */
class Polite extends Job<[]> {
  static override queue = "t";
  static override timeout = 0.05;
  static onFailureRecord(error: unknown, _context: PerformContext) {
    failureSeenByHook = error;
  }
  async perform() {
    const { signal } = this.context;
    await new Promise((_, reject) => signal.addEventListener("abort", () => reject(new Error("aborted by signal"))));
  }
}

/** Never stops. */
class Runaway extends Job<[]> {
  static override queue = "t";
  async perform() {
    await new Promise(() => {});
  }
}

class Quick extends Job<[]> {
  static override queue = "t";
  perform() {}
}

let entered = deferred();

class LongRunning extends Job<[]> {
  static override queue = "t";
  async perform() {
    entered.resolve();
    await new Promise(() => {});
  }
}

describe("job timeouts", () => {
  const redis = useRedis();

  it("a job past its timeout gets its signal, and fails with JobTimeout (onFailure hooks see it)", async () => {
    const resque = redis.make({ jobs: [Polite] });
    await resque.enqueue(Polite);
    const worker = resque.worker({ queues: "t", interval: 30 });
    const failed = collect(worker, "job:failure", 1);
    await worker.start();
    const [event] = (await failed)[0]!;
    await worker.stop();
    expect(event.error).toBeInstanceOf(JobTimeout);
    expect(((event.error as Error).cause as Error).message).toBe("aborted by signal");
    expect(failureSeenByHook).toBe(event.error);
    const [entry] = await resque.admin.failed.page({ count: 1000 });
    expect(entry).toMatchObject({ exception: "JobTimeout", error: "Polite ran longer than its timeout of 0.05 s" });
  });

  it("a job that ignores its signal fails after the grace period and frees its slot", async () => {
    const resque = redis.make({ jobs: [Runaway, Quick] });
    await resque.enqueue(Runaway);
    await resque.enqueue(Quick);
    const worker = resque.worker({ queues: "t", interval: 30, timeout: 0.05, shutdownTimeout: 0.05 });
    const failed = collect(worker, "job:failure", 1);
    const succeeded = collect(worker, "job:success", 1);
    await worker.start();
    const [failure] = (await failed)[0]!;
    expect(failure.error).toBeInstanceOf(JobTimeout);
    expect((await succeeded)[0]![0].jobName).toBe("Quick");
    await worker.stop();
    expect(await resque.admin.stats.totals()).toEqual({ processed: 2, failed: 1 });
  });
});

describe("killing running jobs (USR1)", () => {
  const redis = useRedis();

  it("fails them at once with JobKilled, and the worker keeps working", async () => {
    entered = deferred();
    const resque = redis.make({ jobs: [LongRunning, Quick] });
    await resque.enqueue(LongRunning);
    const worker = resque.worker({ queues: "t", interval: 30 });
    const failed = collect(worker, "job:failure", 1);
    await worker.start();
    await entered.promise;
    worker.killJobs();
    const [failure] = (await failed)[0]!;
    expect(failure.error).toBeInstanceOf(JobKilled);
    const succeeded = collect(worker, "job:success", 1);
    await resque.enqueue(Quick);
    await succeeded;
    await worker.stop();
    const [entry] = await resque.admin.failed.page({ count: 1000 });
    expect(entry!.exception).toBe("JobKilled");
  });
});
