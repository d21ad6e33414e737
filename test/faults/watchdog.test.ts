/**
 * A job stuck in synchronous code (a busy loop) in a single-process worker: the heartbeat thread's
 * watchdog ends the process past the job's timeout and grace, and the job is accounted for.
 */
import { describe, expect, it } from "vitest";
import { runTs } from "../helpers/processes.js";
import { useRedis } from "../helpers/resque.js";

describe("a job that blocks the event loop past its timeout", () => {
  const redis = useRedis();

  it("ends its worker process, says why, and the job is requeued for another worker", async () => {
    const client = redis.server().client();
    const url = redis.server().url;
    await client.sadd("resque:queues", "work");
    await client.rpush("resque:queue:work", '{"class":"Block","args":[0]}');
    const a = runTs("test/fixtures/fencing-worker.ts", { REDIS_URL: url, TIMEOUT: "1", RESQUE_TERM_TIMEOUT: "0.5", BLOCK_MS: "-1" });
    await a.line(/^started Block 0$/);
    const started = Date.now();
    const exit = await a.exited;
    expect(exit.signal).toBe("SIGKILL");
    // timeout 1 s + grace 0.5 s + 1 s for the loop to notice, give or take the watchdog's period
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(a.stderr()).toContain("the event loop is blocked past a job's timeout and grace");
    // The job is still recorded in A's worker key; a worker on this host prunes A (pid gone).
    const b = runTs("test/fixtures/fencing-worker.ts", { REDIS_URL: url, HEARTBEAT: "0.5" });
    await b.line(/^performed Block 0$/);
    b.child.kill("SIGTERM");
    await b.exited;
    expect(await client.get("resque:stat:processed")).toBe("1");
    expect(await client.llen("resque:queue:work")).toBe(0);
    // A successful run clears the dirty exit counted for A's death (poison-guard identity).
    expect(await client.exists("resque:resque-ts:dirty-exits")).toBe(0);
    expect(await client.smembers("resque:workers")).toEqual([]);
    await client.quit();
  });
});
