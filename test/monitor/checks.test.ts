/** The attention rules, judged over overviews read from a real redis-server. */
import { describe, expect, it } from "vitest";
import { evaluateChecks } from "../../src/monitor/checks.js";
import { useRedis } from "../helpers/resque.js";

describe("checks over an overview", () => {
  const redis = useRedis();
  const admin = redis.admin;

  it("finds nothing on a quiet Resque", async () => {
    expect(evaluateChecks(await admin().overview())).toEqual([]);
  });

  it("names failed jobs, queues without workers or over their size, stale workers, a missing scheduler and an evicting Redis, most severe first", async () => {
    const client = redis.server().client();
    const entry = '{"failed_at":"2026/12/01 10:00:00 UTC","payload":{"class":"A","args":[]},"exception":"E","error":"x","backtrace":[],"worker":"h:1:q","queue":"mail"}';
    await client.rpush("resque:failed", entry, entry);
    await client.sadd("resque:queues", "mail", "big");
    await client.rpush("resque:queue:mail", '{"class":"A","args":[]}');
    await client.rpush("resque:queue:big", ...Array.from({ length: 30 }, () => '{"class":"A","args":[]}'));
    // A Ruby worker on "big" whose heartbeat is 10 minutes old, running a job for 20 minutes.
    const [seconds] = await client.time();
    const ago = (s: number) => new Date((Number(seconds) - s) * 1000).toISOString().replace(/\.\d{3}Z$/, "+00:00");
    await client.sadd("resque:workers", "old-host:42:big");
    await client.hset("resque:workers:heartbeat", "old-host:42:big", ago(600));
    await client.set("resque:worker:old-host:42:big", `{"queue":"big","run_at":"${ago(1200).replace("+00:00", "Z")}","payload":{"class":"A","args":[]}}`);
    await client.zadd("resque:delayed_queue_schedule", 1, "1");
    await client.rpush("resque:delayed:1", '{"class":"A","args":[],"queue":"mail"}');
    await client.config("SET", "maxmemory-policy", "allkeys-lru");

    const findings = evaluateChecks(await admin().overview(), { queues: { big: { sizeAbove: 20 } } });
    const summary = findings.map((f) => [f.severity, f.check, f.subject]);
    expect(summary).toEqual([
      ["critical", "queue-without-workers", "queue:mail"],
      ["critical", "scheduler-leader", "scheduler"],
      ["critical", "eviction-policy", "redis"],
      ["warning", "failed", "failed"],
      ["warning", "queue-size", "queue:big"],
      ["warning", "long-running-job", "worker:old-host:42:big"],
      ["warning", "stale-heartbeat", "worker:old-host:42:big"],
    ]);
    expect(findings.find((f) => f.check === "failed")).toMatchObject({ message: "2 failed jobs to retry or remove", link: { page: "failed" }, value: 2 });
    expect(findings.find((f) => f.check === "queue-without-workers")!.link).toEqual({ page: "queues", queue: "mail" });
    expect(evaluateChecks(await admin().overview(), { disabled: ["failed", "eviction-policy"], failedAbove: 5 }).map((f) => f.check)).not.toContain("failed");
    await client.config("SET", "maxmemory-policy", "noeviction");
    await client.quit();
  });
});
