/** The slot budget of a worker on several busy shards, with real work cycles (three shards on one Redis). */
import { describe, expect, it } from "vitest";
import { Job } from "../../src/index.js";
import { collect } from "../helpers/events.js";
import { useRedis } from "../helpers/resque.js";

let running = 0;
let mostAtOnce = 0;
const runs = new Map<string, number>();
const order: string[] = [];

class Tally extends Job<[string]> {
  static override queue = "alpha";
  async perform(label: string) {
    running++;
    mostAtOnce = Math.max(mostAtOnce, running);
    // Stay busy across a few turns of the event loop, so jobs of different shards overlap.
    for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
    running--;
    runs.set(label, (runs.get(label) ?? 0) + 1);
    order.push(label);
  }
}

describe("a worker on several busy shards with one budget", () => {
  const redis = useRedis();

  it("never runs more than `concurrency` jobs at once, serves every shard while the others stay busy, and runs each job once", async () => {
    const resque = redis.make({
      shards: { namespaces: ["app-a", "app-b", "app-c"], queues: { alpha: "app-a", beta: "app-b", gamma: "app-c" } },
      jobs: [Tally],
    });
    const counts = { alpha: 300, beta: 300, gamma: 10 };
    for (const [queue, count] of Object.entries(counts)) {
      await resque.enqueueBulk(Tally, Array.from({ length: count }, (_, i) => [`${queue}-${i}`]), { queue });
    }
    const total = counts.alpha + counts.beta + counts.gamma;
    const worker = resque.worker({ queues: "alpha,beta,gamma", concurrency: 5, interval: 0.2 });
    const recorded = collect(worker, "job:recorded", total);
    await worker.start();
    try {
      await recorded;
    } finally {
      await worker.stop();
    }
    // The budget is the total: five at once, never more.
    expect(mostAtOnce).toBe(5);
    // Every job ran exactly once.
    expect(runs.size).toBe(total);
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
    // The small shard was not left waiting until the big ones drained: its last job ended while
    // both others still had most of their backlog.
    const lastGamma = order.findLastIndex((label) => label.startsWith("gamma-"));
    const before = order.slice(0, lastGamma + 1);
    expect(before.filter((label) => label.startsWith("alpha-")).length).toBeLessThan(counts.alpha / 2);
    expect(before.filter((label) => label.startsWith("beta-")).length).toBeLessThan(counts.beta / 2);
    // The two big shards took turns: each had jobs done in the first and in the last quarter.
    for (const queue of ["alpha", "beta"]) {
      expect(order.slice(0, total / 4).some((label) => label.startsWith(`${queue}-`))).toBe(true);
      expect(order.slice((3 * total) / 4).some((label) => label.startsWith(`${queue}-`))).toBe(true);
    }
    expect(await resque.shardTotals()).toEqual({ processed: total, failed: 0 });
    for (const namespace of resque.shardNamespaces!) expect(await resque.shardAdmin(namespace).stats.totals()).toEqual({ processed: counts[namespace === "app-a" ? "alpha" : namespace === "app-b" ? "beta" : "gamma"], failed: 0 });
  });
});
