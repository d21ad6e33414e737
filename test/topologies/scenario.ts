/**
 * One end-to-end run used on every Redis topology: enqueue → perform → fail → retry from the
 * failed list → delayed job promoted by the scheduler → performed.
 */
import { expect } from "vitest";
import { Job, type Resque } from "../../src/index.js";
import { collect } from "../helpers/events.js";

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

export async function runScenario(resque: Resque): Promise<void> {
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

    const failed = collect(worker, "job:failure", 1);
    await resque.enqueue(Greet, "flaky");
    await failed;
    await expect.poll(() => resque.failed.count()).toBe(1); // recorded in the worker's next cycle
    const retried = collect(worker, "job:success", 1);
    await resque.failed.retryAndRemove(0);
    await retried;

    const delayed = collect(worker, "job:success", 1);
    await resque.enqueueIn(1, Greet, "delayed");
    expect(await resque.delayedQueueScheduleSize()).toBe(1);
    await delayed;

    expect(performed).toEqual(["direct", "flaky", "delayed"]);
    await expect.poll(() => resque.stats()).toEqual({ processed: 4, failed: 1 });
  } finally {
    await scheduler.stop();
    await worker.stop();
  }
}
