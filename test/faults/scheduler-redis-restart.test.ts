/** The scheduler outlives a Redis restart: it logs the outage once and carries on leading. */
import { describe, expect, it } from "vitest";
import { Job } from "../../src/index.js";
import { capturedLogger } from "../helpers/logs.js";
import { useRedis } from "../helpers/resque.js";
import { storeOf } from "../../src/redis/store-of.js";

class Later extends Job<[number]> {
  static override queue = "later";
  perform(_n: number) {}
}


describe("scheduler and Redis restarts", () => {
  const redis = useRedis();

  it("keeps running through a restart, logs the outage once, and promotes afterwards", async () => {
    const { logger, lines } = capturedLogger("info");
    const resque = redis.make({ jobs: [Later], logger });
    const scheduler = resque.scheduler({ interval: 0.2, lockTimeout: 2, lockValue: "test:1" });
    await scheduler.start();
    await new Promise<void>((resolve) => (scheduler.isLeader ? resolve() : scheduler.once("leader", resolve)));

    await redis.server().kill(); // no persistence: the lock and everything else is gone
    await new Promise<void>((resolve) => storeOf(resque).client.once("error", () => resolve()));
    await redis.server().restart();

    const promoted = new Promise<void>((resolve) => scheduler.once("promoted", () => resolve()));
    await resque.enqueueIn(1, Later, 1);
    await promoted;
    expect(await resque.admin.queues.size("later")).toBe(1);
    expect(scheduler.isLeader).toBe(true);
    expect(lines.filter((l) => l.msg.startsWith("Redis connection lost"))).toHaveLength(1);
    expect(lines.some((l) => l.msg.startsWith("Redis reachable again"))).toBe(true);

    await scheduler.stop();
    const client = redis.server().client();
    expect(await client.exists("resque:resque:resque_scheduler_master_lock")).toBe(0); // released on stop
    await client.quit();
  });
});
