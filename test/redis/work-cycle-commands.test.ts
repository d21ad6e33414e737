import { describe, expect, it } from "vitest";
import type { WorkCycleRequest } from "../../src/redis/stores/worker-store.js";
import { useRedis } from "../helpers/resque.js";
import { storeOf } from "../../src/redis/store-of.js";

const ID = "host:1:mail";

function request(overrides: Partial<WorkCycleRequest>): WorkCycleRequest {
  return {
    reservation: "t1",
    recovering: false,
    finished: [],
    idleSlots: [ID],
    selection: { kind: "literal", queues: ["mail"] },
    runAt: "2026-11-25T15:00:00Z",
    honourPause: true,
    ...overrides,
  };
}

async function calls(client: { info(section: string): Promise<string> }): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const match of (await client.info("commandstats")).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) counts[match[1]!] = Number(match[2]);
  return counts;
}

describe("a work cycle that finishes a slot's job", () => {
  const redis = useRedis();

  it("overwrites the worker key with the slot's next job instead of deleting it first", async () => {
    const resque = redis.make();
    const client = redis.server().client();
    await client.rpush("resque:queue:mail", '{"class":"A","args":[1]}', '{"class":"A","args":[2]}');
    await client.sadd("resque:workers", ID);
    const connection = storeOf(resque).workerConnection();
    const first = await connection.workers.workCycle(request({}));
    expect(first.reserved.map((r) => r.payload)).toEqual(['{"class":"A","args":[1]}']);
    await client.config("RESETSTAT");
    const second = await connection.workers.workCycle(
      request({ reservation: "t2", finished: [{ workerId: ID, outcome: "done", queue: "mail", jobName: "A", durationMs: 1, reservation: "t1" }] }),
    );
    expect(second.reserved.map((r) => r.payload)).toEqual(['{"class":"A","args":[2]}']);
    expect(JSON.parse((await client.get(`resque:worker:${ID}`))!)).toMatchObject({ queue: "mail", payload: { class: "A", args: [2] } });
    expect(await client.get(`resque:stat:processed:${ID}`)).toBe("1");
    expect((await calls(client)).del).toBeUndefined();
    await connection.close();
    await client.quit();
  });

  it("writes no stats history or durations: a finished job costs only Ruby's counters (the worker flushes history on its own)", async () => {
    const resque = redis.make();
    const client = redis.server().client();
    await client.rpush("resque:queue:mail", '{"class":"A","args":[1]}', '{"class":"A","args":[2]}', '{"class":"A","args":[3]}');
    await client.sadd("resque:workers", ID);
    const connection = storeOf(resque).workerConnection();
    await connection.workers.workCycle(request({}));
    await connection.workers.workCycle(
      request({ reservation: "t2", finished: [{ workerId: ID, outcome: "done", queue: "mail", jobName: "A", durationMs: 3, reservation: "t1" }] }),
    );
    await client.config("RESETSTAT");
    await connection.workers.workCycle(
      request({ reservation: "t3", finished: [{ workerId: ID, outcome: "failed", queue: "mail", jobName: "A", durationMs: 3, failureEntry: "{}", reservation: "t2" }] }),
    );
    const counts = await calls(client);
    expect(counts.hincrby).toBeUndefined();
    expect(counts.expireat).toBeUndefined();
    expect(await client.keys("resque:resque-ts:history:*")).toEqual([]);
    expect(await client.exists("resque:resque-ts:durations")).toBe(0);
    expect(await client.get(`resque:stat:failed:${ID}`)).toBe("1");
    await connection.close();
    await client.quit();
  });

  it("at concurrency 1, finishing a job and reserving the next costs 9 commands, none of them a marker write", async () => {
    const resque = redis.make();
    const client = redis.server().client();
    await client.rpush("resque:queue:mail", '{"class":"A","args":[1]}', '{"class":"A","args":[2]}');
    await client.sadd("resque:workers", ID);
    const connection = storeOf(resque).workerConnection();
    await connection.workers.workCycle(request({}));
    await client.config("RESETSTAT");
    await connection.workers.workCycle(
      request({ reservation: "t2", finished: [{ workerId: ID, outcome: "done", queue: "mail", jobName: "A", durationMs: 1, reservation: "t1" }] }),
    );
    const counts = await calls(client);
    delete counts["config|resetstat"];
    // The script call; the finished slot's worker key (also the replay check); the per-worker and
    // global processed counters (Ruby's); the dirty-exit check; the registration check; the
    // pause switch; the pop; the worker key of the new job.
    expect(counts).toEqual({ evalsha: 1, mget: 1, incr: 1, incrby: 1, exists: 1, smismember: 1, get: 1, lpop: 1, mset: 1 });
    await connection.close();
    await client.quit();
  });

  it("deletes the worker key when the queues have nothing for the slot", async () => {
    const resque = redis.make();
    const client = redis.server().client();
    await client.rpush("resque:queue:mail", '{"class":"A","args":[1]}');
    await client.sadd("resque:workers", ID);
    const connection = storeOf(resque).workerConnection();
    await connection.workers.workCycle(request({}));
    const second = await connection.workers.workCycle(
      request({ reservation: "t2", finished: [{ workerId: ID, outcome: "done", queue: "mail", jobName: "A", durationMs: 1, reservation: "t1" }] }),
    );
    expect(second.reserved).toEqual([]);
    expect(await client.exists(`resque:worker:${ID}`)).toBe(0);
    await connection.close();
    await client.quit();
  });

  it("deletes the worker key when all workers are paused", async () => {
    const resque = redis.make();
    const client = redis.server().client();
    await client.rpush("resque:queue:mail", '{"class":"A","args":[1]}', '{"class":"A","args":[2]}');
    await client.sadd("resque:workers", ID);
    const connection = storeOf(resque).workerConnection();
    await connection.workers.workCycle(request({}));
    await client.set("resque:pause-all-workers", "true");
    const second = await connection.workers.workCycle(
      request({ reservation: "t2", finished: [{ workerId: ID, outcome: "done", queue: "mail", jobName: "A", durationMs: 1, reservation: "t1" }] }),
    );
    expect(second).toEqual({ paused: true, reserved: [], fenced: [], unregistered: [], retries: [] });
    expect(await client.exists(`resque:worker:${ID}`)).toBe(0);
    await connection.close();
    await client.quit();
  });
});
