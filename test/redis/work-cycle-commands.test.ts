import { describe, expect, it } from "vitest";
import type { FinishedSlot, WorkCycleRequest } from "../../src/redis/stores/worker-store.js";
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

/** The slot's job reserved by the first call (token t1), finished successfully after `durationMs`. */
function finishedJob(durationMs: number): FinishedSlot {
  return { workerId: ID, outcome: "done", queue: "mail", jobName: "A", durationMs, reservation: "t1" };
}

describe("a work cycle that finishes a slot's job", () => {
  const redis = useRedis();

  /** A registered slot holding the first of `count` queued jobs of class A, reserved by a call with token t1. */
  async function slotWithJob(count: number) {
    const resque = redis.make();
    const client = redis.server().client();
    await client.rpush("resque:queue:mail", ...Array.from({ length: count }, (_, n) => `{"class":"A","args":[${n + 1}]}`));
    await client.sadd("resque:workers", ID);
    const connection = storeOf(resque).workerConnection();
    const first = await connection.workers.workCycle(request({}));
    return { client, connection, first };
  }

  it("overwrites the worker key with the slot's next job instead of deleting it first", async () => {
    const { client, connection, first } = await slotWithJob(2);
    expect(first.reserved.map((r) => r.payload)).toEqual(['{"class":"A","args":[1]}']);
    await client.config("RESETSTAT");
    const second = await connection.workers.workCycle(request({ reservation: "t2", finished: [finishedJob(1)] }));
    expect(second.reserved.map((r) => r.payload)).toEqual(['{"class":"A","args":[2]}']);
    expect(JSON.parse((await client.get(`resque:worker:${ID}`))!)).toMatchObject({ queue: "mail", payload: { class: "A", args: [2] } });
    expect(await client.get(`resque:stat:processed:${ID}`)).toBe("1");
    expect((await calls(client)).del).toBeUndefined();
    await connection.close();
    await client.quit();
  });

  it("writes no stats history or durations: a finished job costs only Ruby's counters (the worker flushes history on its own)", async () => {
    const { client, connection } = await slotWithJob(3);
    await connection.workers.workCycle(request({ reservation: "t2", finished: [finishedJob(3)] }));
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
    const { client, connection } = await slotWithJob(2);
    await client.config("RESETSTAT");
    await connection.workers.workCycle(request({ reservation: "t2", finished: [finishedJob(1)] }));
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
    const { client, connection } = await slotWithJob(1);
    const second = await connection.workers.workCycle(request({ reservation: "t2", finished: [finishedJob(1)] }));
    expect(second.reserved).toEqual([]);
    expect(await client.exists(`resque:worker:${ID}`)).toBe(0);
    await connection.close();
    await client.quit();
  });

  it("deletes the worker key when all workers are paused", async () => {
    const { client, connection } = await slotWithJob(2);
    await client.set("resque:pause-all-workers", "true");
    const second = await connection.workers.workCycle(request({ reservation: "t2", finished: [finishedJob(1)] }));
    expect(second).toEqual({ paused: true, reserved: [], fenced: [], unregistered: [], retries: [] });
    expect(await client.exists(`resque:worker:${ID}`)).toBe(0);
    await connection.close();
    await client.quit();
  });
});
