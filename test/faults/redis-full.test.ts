/**
 * A Redis that is full (maxmemory reached, noeviction): enqueue is refused with Redis's OOM error,
 * a running worker keeps the outcomes of the jobs it finished while Redis was full and records
 * them once Redis has room again. Jobs are counted exactly: every enqueued job is performed once and recorded once.
 */
import { describe, expect, it } from "vitest";
import { Job } from "../../src/index.js";
import { collect, deferred, until } from "../helpers/events.js";
import { useRedis } from "../helpers/resque.js";

const performed: number[] = [];
const release = deferred();

/** Holds its slot until the test releases it: it finishes while Redis is full. */
class Hold extends Job<[number]> {
  static override queue = "fill";
  async perform(n: number) {
    await release.promise;
    performed.push(-1 - n);
  }
}

class Fill extends Job<[number, string]> {
  static override queue = "fill";
  perform(n: number) {
    performed.push(n);
  }
}

describe("a full Redis (maxmemory with noeviction)", () => {
  const redis = useRedis();

  it("refuses enqueues with OOM, and a worker records every job it ran once Redis has room", async () => {
    const client = redis.server().client();
    const resque = redis.make({ jobs: [Fill, Hold] });
    const worker = resque.worker({ queues: ["fill"], concurrency: 5, interval: 1 });
    const errors: Error[] = [];
    worker.on("error", (error) => errors.push(error));
    // Five jobs take every slot before Redis fills up, and finish while it is full.
    const started = collect(worker, "job:start", 5);
    for (let n = 0; n < 5; n++) await resque.enqueue(Hold, n);
    await worker.start();
    await started;

    await client.config("SET", "maxmemory-policy", "noeviction");
    const used = Number(/used_memory:(\d+)/.exec(await client.info("memory"))![1]);
    await client.config("SET", "maxmemory", String(used + 2_000_000));
    const pad = "x".repeat(10_000);
    let enqueued = 0;
    let refusal: unknown;
    while (refusal === undefined) {
      try {
        await resque.enqueue(Fill, enqueued, pad);
        enqueued++;
      } catch (error) {
        refusal = error;
      }
    }
    expect(String(refusal)).toMatch(/OOM command not allowed/);
    expect(enqueued).toBeGreaterThan(50);
    expect(await client.llen("resque:queue:fill")).toBe(enqueued);

    // Recording the finished jobs is refused while Redis is full; the worker reports the error,
    // keeps their outcomes and tries again.
    release.resolve();
    await until(async () => errors.length, (n) => n > 0);
    expect(await client.get("resque:stat:processed")).toBeNull();
    expect(errors[0]!.message).toMatch(/OOM command not allowed/);
    await client.config("SET", "maxmemory", "0");

    await until(async () => Number(await client.get("resque:stat:processed")), (n) => n === enqueued + 5);
    await worker.stop();
    expect(await client.llen("resque:queue:fill")).toBe(0);
    expect(await client.get("resque:stat:failed")).toBeNull();
    expect([...performed].sort((a, b) => a - b)).toEqual([-5, -4, -3, -2, -1, ...Array.from({ length: enqueued }, (_, i) => i)]);
    expect(await client.smembers("resque:workers")).toEqual([]);
    await client.quit();
  });
});
