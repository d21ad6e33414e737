import { describe, expect, it } from "vitest";
import type { WorkCycleRequest } from "../../src/redis/stores/worker-store.js";
import { useRedis } from "../helpers/resque.js";
import { storeOf } from "../../src/redis/store-of.js";

// The work loop's connection sends its script calls itself (src/redis/scripts/direct-call.ts)
// rather than through ioredis' defined scripts: what those gave it for free must still hold.

const ID = "host:1:mail";

function request(reservation: string): WorkCycleRequest {
  return {
    reservation,
    recovering: false,
    finished: [],
    idleSlots: [ID],
    selection: { kind: "literal", queues: ["mail"] },
    runAt: "2026-12-02T10:00:00Z",
    honourPause: true,
  };
}

async function calls(client: { info(section: string): Promise<string> }, command: string): Promise<number> {
  const match = new RegExp(`^cmdstat_${command}:calls=(\\d+)`, "m").exec(await client.info("commandstats"));
  return match ? Number(match[1]) : 0;
}

describe("script calls on the work loop's connection", () => {
  const redis = useRedis();

  async function setup() {
    const resque = redis.make();
    const client = redis.server().client();
    await client.rpush("resque:queue:mail", '{"class":"A","args":["ü",1]}', '{"class":"A","args":[2]}');
    await client.sadd("resque:workers", ID);
    return { client, connection: storeOf(resque).workerConnection() };
  }

  it("reserve a job after the server forgot its scripts (SCRIPT FLUSH): the script is sent whole once, then by its digest", async () => {
    const { client, connection } = await setup();
    await client.script("FLUSH");
    await client.config("RESETSTAT");
    const first = await connection.workers.workCycle(request("t1"));
    expect(first.reserved.map((job) => job.payload)).toEqual(['{"class":"A","args":["ü",1]}']);
    expect(await calls(client, "eval")).toBe(1);
    await connection.workers.workCycle({ ...request("t2"), finished: [{ workerId: ID, outcome: "done", queue: "mail", jobName: "A", durationMs: 1, reservation: "t1" }] });
    expect(await calls(client, "eval")).toBe(1);
    expect(await calls(client, "evalsha")).toBe(2);
    expect(await client.get(`resque:stat:processed:${ID}`)).toBe("1");
    await connection.close();
    await client.quit();
  });

  it("pass Redis's error to the caller, and the connection goes on working", async () => {
    const { client, connection } = await setup();
    await client.del("resque:workers");
    await client.set("resque:workers", "not a set");
    await expect(connection.workers.workCycle(request("t1"))).rejects.toThrow(/WRONGTYPE/);
    await client.del("resque:workers");
    await client.sadd("resque:workers", ID);
    const retried = await connection.workers.workCycle(request("t2"));
    expect(retried.reserved).toHaveLength(1);
    await connection.close();
    await client.quit();
  });
});
