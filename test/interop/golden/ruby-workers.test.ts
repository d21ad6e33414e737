/**
 * A Ruby Resque 2.7 worker in the middle of a job (test/golden/while-working.json), loaded into a
 * private Redis: resque-ts lists it, leaves it alone while its heartbeat is fresh, and prunes it by
 * Ruby's own rule (heartbeat older than 300 s) once it is not, putting its job back.
 */
import { describe, expect, it } from "vitest";
import { Job } from "../../../src/index.js";
import { goldenKey } from "../../helpers/golden.js";
import { loadGolden } from "../../helpers/load-golden.js";
import { useRedis } from "../../helpers/resque.js";
import { isoWithOffset } from "../../../src/redis/time-formats.js";
import { storeOf } from "../../../src/redis/store-of.js";

const RUBY = "vm:8715:*";
/**
 * Our workers' host: not the dump's "vm", so only the heartbeat rule applies (on the same host a
 * pruner also checks whether the pid still runs, and pid 8715 is nothing here).
 */
const HOST = "ts-host";
const rubyJob = () => goldenKey("while-working.json", `resque:worker:${RUBY}`).value as string;

class Other extends Job<[]> {
  static override queue = "other";
  perform(..._args: unknown[]) {}
}

describe("a Ruby Resque worker, seen by resque-ts", () => {
  const redis = useRedis();

  /** Loads the dump with the heartbeat moved to `ageSeconds` before Redis' clock, in Ruby's format. */
  async function loadWithHeartbeat(ageSeconds: number) {
    const client = redis.server().client();
    await loadGolden(client, "while-working.json");
    const [now] = await client.time();
    await client.hset("resque:workers:heartbeat", RUBY, isoWithOffset(new Date((Number(now) - ageSeconds) * 1000)));
    await client.del("resque:pruning_dead_workers_in_progress"); // the Ruby pruner's lock, long done
    return client;
  }

  it("lists it with its job, start time and heartbeat", async () => {
    const client = redis.server().client();
    await loadGolden(client, "while-working.json");
    const resque = redis.make();
    expect(await storeOf(resque).workers.ids()).toEqual([RUBY]);
    expect(await storeOf(resque).workers.records([RUBY])).toEqual([
      { id: RUBY, job: rubyJob(), started: "2026-11-25 14:53:31 +0000", heartbeat: "2026-11-25T14:53:31+00:00" },
    ]);
    await client.quit();
  });

  it("respects Ruby's prune lock (value: the pruner's worker id)", async () => {
    const client = redis.server().client();
    await loadGolden(client, "while-working.json"); // the lock is held (TTL about a minute)
    const resque = redis.make({ jobs: [Other] });
    const worker = resque.worker({ queues: "other", interval: 30, host: HOST });
    await worker.start();
    await worker.stop();
    expect(await client.get("resque:pruning_dead_workers_in_progress")).toBe("vm:8715:*");
    // Our pruner takes the same lock, the same way (SET NX EX, value = its worker id).
    await client.del("resque:pruning_dead_workers_in_progress");
    expect(await storeOf(resque).workers.lockPruning(worker.ids[0]!, 60)).toBe(true);
    expect(await client.get("resque:pruning_dead_workers_in_progress")).toBe(worker.ids[0]);
    expect(await client.ttl("resque:pruning_dead_workers_in_progress")).toBeGreaterThan(55);
    await client.quit();
  });

  it("leaves it registered and working while its heartbeat is younger than 300 s", async () => {
    const client = await loadWithHeartbeat(290);
    const resque = redis.make({ jobs: [Other] });
    const worker = resque.worker({ queues: "other", interval: 30, host: HOST });
    await worker.start();
    expect((await client.smembers("resque:workers")).sort()).toEqual([RUBY, ...worker.ids].sort());
    expect(await client.get(`resque:worker:${RUBY}`)).toBe(rubyJob());
    expect(await client.llen("resque:queue:default")).toBe(0);
    await worker.stop();
    await client.quit();
  });

  it("prunes it when its heartbeat is older than 300 s: its job goes back to the front of its queue", async () => {
    const client = await loadWithHeartbeat(310);
    await client.rpush("resque:queue:default", '{"class":"SleepJob","args":[4,"next"]}');
    const resque = redis.make({ jobs: [Other] });
    const worker = resque.worker({ queues: "other", interval: 30, host: HOST });
    await worker.start();
    expect(await client.lrange("resque:queue:default", 0, -1)).toEqual(['{"class":"SleepJob","args":[3,"sleeping"]}', '{"class":"SleepJob","args":[4,"next"]}']);
    // Unregistered as Ruby's unregister_worker does.
    expect(await client.smembers("resque:workers")).toEqual(worker.ids);
    expect(await client.exists(`resque:worker:${RUBY}`, `resque:worker:${RUBY}:started`)).toBe(0);
    expect(await client.hkeys("resque:workers:heartbeat")).toEqual(worker.ids);
    await worker.stop();
    await client.quit();
  });
});
