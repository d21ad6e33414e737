/**
 * resque-scheduler's master lock (reference §7): key double-prefixed by the namespace, value
 * host:pid, TTL 180 s. Our scheduler shares it, so it never leads while a Ruby scheduler holds it,
 * and takes over once Ruby's lock expires.
 */
import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../helpers/manual-clock.js";
import { silentLogger, useRedis } from "../../helpers/resque.js";

const LOCK = "resque:resque:resque_scheduler_master_lock";

describe("resque-scheduler's master lock", () => {
  const redis = useRedis();

  it("ours follows while Ruby's value is held, and leads with host:pid for 180 s after it expires", async () => {
    const client = redis.server().client();
    // As a Ruby scheduler on this host holds it (a short TTL, as if it died and stopped renewing).
    await client.set(LOCK, "localhost:5218", "PX", 300);
    const resque = redis.make();
    const clock = new ManualClock(Date.now());
    const scheduler = resque.scheduler({ clock, logger: silentLogger });
    await scheduler.runPass();
    expect(scheduler.isLeader).toBe(false);
    expect(await client.get(LOCK)).toBe("localhost:5218"); // not extended or taken by us

    await expect.poll(() => client.exists(LOCK)).toBe(0);
    await scheduler.runPass();
    expect(scheduler.isLeader).toBe(true);
    expect(await client.get(LOCK)).toBe(`${hostname()}:${process.pid}`);
    const ttl = await client.pttl(LOCK);
    expect(ttl).toBeGreaterThan(175_000);
    expect(ttl).toBeLessThanOrEqual(180_000);
    await client.quit();
  });

  it("honours RESQUE_SCHEDULER_MASTER_LOCK_PREFIX and the namespace as Ruby builds the key", async () => {
    const client = redis.server().client();
    await client.set("resque:resque:x:resque_scheduler_master_lock", "ruby-host:1", "EX", 180);
    await client.set("resque:App:resque:App:resque_scheduler_master_lock", "ruby-host:2", "EX", 180);
    const prefixed = redis.make().scheduler({ clock: new ManualClock(Date.now()), logger: silentLogger, lockPrefix: "x" });
    const namespaced = redis.make({ namespace: "resque:App" }).scheduler({ clock: new ManualClock(Date.now()), logger: silentLogger });
    await prefixed.runPass();
    await namespaced.runPass();
    expect([prefixed.isLeader, namespaced.isLeader]).toEqual([false, false]);
    await client.quit();
  });
});
