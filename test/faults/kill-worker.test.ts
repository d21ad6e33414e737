import { describe, expect, it } from "vitest";
import { runTs } from "../helpers/processes.js";
import { useRedis } from "../helpers/resque.js";

describe("a worker process killed with SIGKILL mid-job", () => {
  const redis = useRedis();

  it("leaves every running job recorded in its worker key (nothing only in memory)", async () => {
    const client = redis.server().client();
    const payloads = [1, 2, 3].map((n) => `{"class":"Hang","args":[${n}]}`);
    await client.rpush("resque:queue:faults", ...payloads, '{"class":"Hang","args":[4]}');
    const proc = runTs("test/fixtures/hanging-worker.ts", { REDIS_URL: redis.server().url, CONCURRENCY: "3" });
    const ready = await proc.line(/^ready /);
    const ids = ready.split(" ").slice(1);
    await Promise.all([1, 2, 3].map((n) => proc.line(new RegExp(`^started ${n}$`))));
    proc.child.kill("SIGKILL");
    await proc.exited;

    const values = await client.mget(...ids.map((id) => `resque:worker:${id}`));
    const recorded = values.map((v) => {
      const value = JSON.parse(v!) as { queue: string; payload: unknown };
      expect(value.queue).toBe("faults");
      return v!.slice(v!.indexOf(',"payload":') + 11, -1);
    });
    expect(recorded.sort()).toEqual(payloads);
    // The fourth job is still queued: enqueued = running (recorded) + queued.
    expect(await client.lrange("resque:queue:faults", 0, -1)).toEqual(['{"class":"Hang","args":[4]}']);
    expect((await client.smembers("resque:workers")).sort()).toEqual([...ids].sort());
    await client.quit();
  });
});
