/**
 * One end-to-end run used on every Redis topology: enqueue → perform → fail → retry from the
 * failed list → a @retry job retried through the delayed schedule → a delayed job promoted by
 * the scheduler → performed.
 */
import { expect } from "vitest";
import { Job, retry, type Resque } from "../../src/index.js";
import { collect, collectRecorded } from "../helpers/events.js";

export const performed: string[] = [];
let failOnce = true;

export class Greet extends Job<[string]> {
  static override queue = "topo";
  perform(name: string) {
    if (name === "flaky" && failOnce) {
      failOnce = false;
      throw new Error("flaky fails once");
    }
    performed.push(name);
  }
}

let retriedFailures = 0;

@retry({ delay: 1 })
export class Retried extends Job<[string]> {
  static override queue = "topo";
  perform(name: string) {
    if (retriedFailures++ === 0) throw new Error("fails on the first attempt");
    performed.push(`${name} on attempt ${this.context.attempt}`);
  }
}

export async function runScenario(resque: Resque): Promise<void> {
  retriedFailures = 0;
  performed.length = 0;
  failOnce = true;
  const worker = resque.worker({ queues: "topo", interval: 0.2, concurrency: 3 });
  const scheduler = resque.scheduler({ interval: 0.2, lockTimeout: 5 });
  await worker.start();
  await scheduler.start();
  try {
    const ok = collect(worker, "job:success", 1);
    await resque.enqueue(Greet, "direct");
    await ok;

    const failed = collectRecorded(worker, "job:failure", 1);
    await resque.enqueue(Greet, "flaky");
    await failed;
    await expect.poll(() => resque.admin.failed.count()).toBe(1); // recorded in the worker's next cycle
    const retried = collect(worker, "job:success", 1);
    await resque.admin.failed.retryAndRemove((await resque.admin.failed.get(0))!);
    await retried;

    const afterRetry = collect(worker, "job:success", 1);
    await resque.enqueue(Retried, "retried");
    await afterRetry;
    expect(await resque.admin.failed.count()).toBe(0); // the retried attempt never reached the failed list

    const delayed = collect(worker, "job:success", 1);
    await resque.enqueueIn(1, Greet, "delayed");
    expect(await resque.admin.delayed.timestampCount()).toBe(1);
    await delayed;

    expect(performed).toEqual(["direct", "flaky", "retried on attempt 1", "delayed"]);
    await expect.poll(() => resque.admin.stats.totals()).toEqual({ processed: 6, failed: 2 });
  } finally {
    await scheduler.stop();
    await worker.stop();
  }
}
