/** admin.workers.pruned(): the record pruning keeps of the workers it found dead, for monitors. */
import { describe, expect, it } from "vitest";
import { ConfigurationError } from "../../src/index.js";
import { storeOf } from "../../src/redis/store-of.js";
import { pruneDeadWorkers } from "../../src/worker/prune.js";
import { silentLogger, useRedis } from "../helpers/resque.js";

describe("admin.workers.pruned", () => {
  const redis = useRedis();

  it("lists each worker pruning found dead, newest first, with its job's queue, class and outcome", async () => {
    const resque = redis.make();
    const client = redis.server().client();
    const dead = async (id: string, payload: string | undefined) => {
      await client.sadd("resque:workers", id);
      await client.hset("resque:workers:heartbeat", id, "2020-01-01T00:00:00+00:00");
      if (payload) await client.set(`resque:worker:${id}`, `{"queue":"mail","run_at":"2020-01-01T00:00:00Z","payload":${payload}}`);
    };
    await dead("gone:1:mail", '{"class":"SendInvoice","args":[1]}');
    await dead("gone:2:mail", undefined);
    const prune = () => pruneDeadWorkers({ store: storeOf(resque).workers, host: "me", ownIds: [], logger: silentLogger, dirtyExitLimit: 1, lockSeconds: 5 });
    const [before] = await client.time();
    expect((await prune()).sort()).toEqual(["gone:1:mail", "gone:2:mail"]);

    const pruned = await resque.admin.workers.pruned();
    expect(pruned.map(({ id, queue, class: className, outcome }) => ({ id, queue, class: className, outcome })).sort((a, b) => (a.id < b.id ? -1 : 1))).toEqual([
      // dirtyExitLimit 1: the job is failed as DirtyExit at once
      { id: "gone:1:mail", queue: "mail", class: "SendInvoice", outcome: "failed" },
      { id: "gone:2:mail", queue: undefined, class: undefined, outcome: "none" },
    ]);
    for (const record of pruned) expect(record.at.getTime()).toBeGreaterThanOrEqual(Number(before) * 1000);
    expect(await resque.admin.workers.pruned({ since: new Date(Date.now() + 3600_000) })).toEqual([]);
    await expect(resque.admin.workers.pruned({ since: new Date(Number.NaN) })).rejects.toThrow(ConfigurationError);

    // A worker stopping on purpose is not "found dead".
    await client.sadd("resque:workers", "me:3:mail");
    await storeOf(resque).workers.unregister(["me:3:mail"]);
    expect(await resque.admin.workers.pruned()).toHaveLength(2);
    await client.quit();
  });

  it("keeps the last 100", async () => {
    const resque = redis.make();
    const client = redis.server().client();
    for (let i = 0; i < 105; i++) {
      await client.sadd("resque:workers", `gone:${i}:q`);
      await client.hset("resque:workers:heartbeat", `gone:${i}:q`, "2020-01-01T00:00:00+00:00");
    }
    await pruneDeadWorkers({ store: storeOf(resque).workers, host: "me", ownIds: [], logger: silentLogger, dirtyExitLimit: 3, lockSeconds: 5 });
    expect(await resque.admin.workers.pruned()).toHaveLength(100);
    await client.quit();
  });
});
