import { describe, expect, it } from "vitest";
import { Job } from "../../src/index.js";
import { useRedis } from "../helpers/resque.js";

const performed: unknown[][] = [];
class Echo extends Job<[number, string]> {
  static override queue = "default";
  perform(n: number, s: string) {
    performed.push([n, s]);
  }
}

describe("smoke", () => {
  const redis = useRedis();
  it("performs an enqueued job", async () => {
    const resque = redis.make({ jobs: [Echo] });
    await resque.enqueue(Echo, 1, "a");
    const worker = resque.worker({ queues: ["default"], interval: 0 });
    await worker.start();
    await worker.stopped;
    expect(performed).toEqual([[1, "a"]]);
    expect(await resque.admin.stats.totals()).toEqual({ processed: 1, failed: 0 });
  });
});
