/** A worker or scheduler started against a Redis that may evict Resque's keys says so once (Sidekiq does too). */
import { describe, expect, it } from "vitest";
import { warnAboutEviction } from "../../src/redis/eviction-policy.js";
import { storeOf } from "../../src/redis/store-of.js";
import { until } from "../helpers/events.js";
import { capturedLogger } from "../helpers/logs.js";
import { useRedis } from "../helpers/resque.js";

describe("the eviction policy warning", () => {
  const redis = useRedis();

  it("a worker warns at start when Redis may evict any key, once per process, and a scheduler names keys that expire", async () => {
    const client = redis.server().client();
    await client.config("SET", "maxmemory-policy", "allkeys-lru");
    const { logger, lines } = capturedLogger("warn");
    const resque = redis.make({ logger });
    const worker = resque.worker({ queues: ["q"] });
    await worker.start();
    const warnings = () => lines.filter((l) => l.maxmemoryPolicy !== undefined);
    await until(async () => warnings().length, (n) => n === 1);
    expect(warnings()[0]!.msg).toMatch(/^Redis's maxmemory-policy is allkeys-lru: under memory pressure Redis may evict queues, .* Set maxmemory-policy to noeviction\.$/);
    expect(warnings()[0]!.level).toBe(40);

    // A second worker of the process, against the same Redis, adds nothing.
    const second = resque.worker({ queues: ["r"] });
    await second.start();
    await warnAboutEviction(storeOf(resque), logger);
    expect(warnings()).toHaveLength(1);

    await client.config("SET", "maxmemory-policy", "volatile-lru");
    const scheduler = resque.scheduler();
    await scheduler.start();
    await until(async () => warnings().length, (n) => n === 2);
    expect(warnings()[1]!.msg).toMatch(/^Redis's maxmemory-policy is volatile-lru: .*retry attempt counters .* noeviction is recommended\.$/);

    await client.config("SET", "maxmemory-policy", "noeviction");
    await warnAboutEviction(storeOf(resque), logger);
    expect(warnings()).toHaveLength(2);

    await Promise.all([worker.stop(), second.stop(), scheduler.stop()]);
    await client.quit();
  });
});
