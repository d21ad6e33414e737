import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { Job } from "../../src/index.js";
import { collect } from "../helpers/events.js";
import { useRedis } from "../helpers/resque.js";
import { createWorker } from "../../src/resque.js";

class Ping extends Job<[number]> {
  static override queue = "ping";
  perform() {}
}

describe("starting jobs promptly", () => {
  const redis = useRedis();

  it("an idle worker starts a job enqueued by this library at once, not at its next poll", async () => {
    const resque = redis.make({ jobs: [Ping] });
    // A one-hour poll interval: only the wake-up can start the job within the test timeout.
    const worker = resque.worker({ queues: "ping", interval: 3600 });
    await worker.start();
    await new Promise((r) => setTimeout(r, 50)); // let the worker go idle
    const started = collect(worker, "job:start", 1);
    const before = performance.now();
    await resque.enqueue(Ping, 1);
    await started;
    const latency = performance.now() - before;
    await worker.stop();
    expect(latency).toBeLessThan(2000);
  });

  it("a job pushed by another producer (redis-cli RPUSH) is performed at the next poll", async () => {
    const resque = redis.make({ jobs: [Ping] });
    const worker = resque.worker({ queues: "ping", interval: 0.05 });
    await worker.start();
    const succeeded = collect(worker, "job:success", 1);
    execFileSync("redis-cli", ["-p", String(redis.server().port), "RPUSH", "resque:queue:ping", '{"class":"Ping","args":[1]}']);
    const [event] = (await succeeded)[0]!;
    expect(event.args).toEqual([1]);
    expect(event.jobName).toBe("Ping");
    await worker.stop();
  });

  it("wake-ups for other queues do not disturb a worker", async () => {
    const resque = redis.make({ jobs: [Ping] });
    const worker = createWorker(resque, { queues: "ping", interval: 3600 });
    await worker.start();
    await resque.enqueueTo("elsewhere", Ping, 1);
    expect(worker.queues.matches("elsewhere")).toBe(false);
    expect(await resque.admin.queues.size("elsewhere")).toBe(1);
    await worker.stop();
  });
});
