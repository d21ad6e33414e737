import { describe, expect, it } from "vitest";
import { Job } from "../../src/index.js";
import { deadWorkers, LOCAL_STALL_MS, newOrphanWatch, pruneDeadWorkers } from "../../src/worker/prune.js";
import { silentLogger, useRedis } from "../helpers/resque.js";
import { runTs } from "../helpers/processes.js";
import { collect } from "../helpers/events.js";

const now = Date.parse("2026-11-25T15:00:00Z");
const iso = (msAgo: number) => new Date(now - msAgo).toISOString().replace(/\.\d{3}Z$/, "+00:00");

describe("which workers are dead", () => {
  const alive = new Set([100]);
  const options = { host: "here", exclude: new Set(["here:1:me"]), pidExists: (pid: number) => alive.has(pid) };

  it("a worker on this host whose pid is gone", () => {
    const liveness = { ids: ["here:100:q", "here+2:555:q", "there:555:q", "here:1:me"], heartbeats: {}, ours: {}, now };
    expect(deadWorkers(liveness, options)).toEqual(["here+2:555:q"]);
  });

  it("one of ours after four missed heartbeats; a Ruby worker only after Ruby's 300 s", () => {
    const liveness = {
      ids: ["there:1:ours-late", "there:2:ours-fine", "there:3:ruby-late", "there:4:ruby-fine", "there:5:ruby-no-beat"],
      heartbeats: {
        "there:1:ours-late": iso(22_000),
        "there:2:ours-fine": iso(20_500),
        "there:3:ruby-late": iso(301_000),
        "there:4:ruby-fine": iso(120_000),
      },
      ours: {
        "there:1:ours-late": { heartbeatSeconds: 5, longestTimeoutSeconds: undefined },
        "there:2:ours-fine": { heartbeatSeconds: 5, longestTimeoutSeconds: undefined },
      },
      now,
    };
    expect(deadWorkers(liveness, options)).toEqual(["there:1:ours-late", "there:3:ruby-late"]);
  });
});

class Work extends Job<[number]> {
  static override queue = "prune";
  perform() {}
}

describe("a live process on this host", () => {
  const options = { host: "here", exclude: new Set<string>(), pidExists: () => true };
  const ours = (timeout: number | undefined) => ({ heartbeatSeconds: 5, longestTimeoutSeconds: timeout });

  it("is not pruned for a late heartbeat alone", () => {
    const liveness = { ids: ["here:7:q"], heartbeats: { "here:7:q": iso(60_000) }, ours: { "here:7:q": ours(undefined) }, now };
    expect(deadWorkers(liveness, options)).toEqual([]);
  });

  it("is pruned once silent for 10 minutes, or 3 times its longest job timeout when that is longer", () => {
    const ids = ["here:7:q", "here:8:q", "here:9:q"];
    const liveness = {
      ids,
      heartbeats: { "here:7:q": iso(LOCAL_STALL_MS + 2000), "here:8:q": iso(LOCAL_STALL_MS + 2000), "here:9:q": iso(3 * 400_000 + 2000) },
      ours: { "here:7:q": ours(undefined), "here:8:q": ours(400), "here:9:q": ours(400) },
      now,
    };
    expect(deadWorkers(liveness, options)).toEqual(["here:7:q", "here:9:q"]);
  });
});

describe("pruning dead workers", () => {
  const redis = useRedis();

  async function deadWorker(client: ReturnType<ReturnType<typeof redis.server>["client"]>, id: string, payload: string) {
    await client.sadd("resque:workers", id);
    await client.set(`resque:worker:${id}`, `{"queue":"prune","run_at":"2026-11-25T14:53:31Z","payload":${payload}}`);
    await client.set(`resque:worker:${id}:started`, "2026-11-25 14:53:31 +0000");
    await client.hset("resque:workers:heartbeat", id, "2020-01-01T00:00:00+00:00");
  }

  it("requeues a dead worker's job at the front of its queue and unregisters it", async () => {
    const resque = redis.make();
    const client = redis.server().client();
    await client.rpush("resque:queue:prune", '{"class":"Work","args":[2]}');
    await deadWorker(client, "gone:1:prune", '{"class":"Work","args":[1.0]}');
    const pruned = await pruneDeadWorkers({ store: resque.store.workers, host: "me", ownIds: ["me:1:prune"], logger: silentLogger, dirtyExitLimit: 3, lockSeconds: 5 });
    expect(pruned).toEqual(["gone:1:prune"]);
    expect(await client.lrange("resque:queue:prune", 0, -1)).toEqual(['{"class":"Work","args":[1.0]}', '{"class":"Work","args":[2]}']);
    expect(await client.smembers("resque:workers")).toEqual([]);
    expect(await client.keys("resque:worker:*")).toEqual([]);
    expect(await client.hlen("resque:workers:heartbeat")).toBe(0);
    expect(await client.get("resque:pruning_dead_workers_in_progress")).toBeNull();
    await client.quit();
  });

  it("fails a job as DirtyExit after it has been interrupted three times (poison-job guard)", async () => {
    const resque = redis.make();
    const client = redis.server().client();
    const payload = '{"class":"Work","args":[13]}';
    for (let round = 1; round <= 3; round++) {
      await client.del("resque:queue:prune");
      await deadWorker(client, `gone:${round}:prune`, payload);
      await pruneDeadWorkers({ store: resque.store.workers, host: "me", ownIds: [], logger: silentLogger, dirtyExitLimit: 3, lockSeconds: 5 });
      expect(await client.llen("resque:queue:prune")).toBe(round < 3 ? 1 : 0);
    }
    const [entry] = await resque.failed.all();
    expect(entry).toMatchObject({ exception: "DirtyExit", worker: "gone:3:prune", queue: "prune", payload: { class: "Work", args: [13] } });
    expect(entry!.error).toBe("Worker gone:3:prune did not gracefully exit while processing Work (3 times); it is not requeued again");
    expect(Object.keys(JSON.parse(entry!.raw)).slice(0, 7)).toEqual(["failed_at", "payload", "exception", "error", "backtrace", "worker", "queue"]);
    expect(await client.exists("resque:resque-ts:dirty-exits")).toBe(0);
    await client.quit();
  });

  it("does nothing while another pruner holds Ruby's prune lock", async () => {
    const resque = redis.make();
    const client = redis.server().client();
    await deadWorker(client, "gone:1:prune", '{"class":"Work","args":[1]}');
    await client.set("resque:pruning_dead_workers_in_progress", "vm:8673:*", "EX", 60);
    expect(await pruneDeadWorkers({ store: resque.store.workers, host: "me", ownIds: [], logger: silentLogger, dirtyExitLimit: 3, lockSeconds: 5 })).toEqual([]);
    expect(await client.sismember("resque:workers", "gone:1:prune")).toBe(1);
    await client.quit();
  });

  it("a running worker requeues and performs the job of a worker process killed with SIGKILL", async () => {
    const client = redis.server().client();
    await client.rpush("resque:queue:faults", '{"class":"Hang","args":[1]}');
    const proc = runTs("test/fixtures/hanging-worker.ts", { REDIS_URL: redis.server().url });
    await proc.line(/^started 1$/);
    proc.child.kill("SIGKILL");
    await proc.exited;

    class Hang extends Job<[number]> {
      static override queue = "faults";
      perform() {}
    }
    const resque = redis.make({ jobs: [Hang] });
    // A fast heartbeat: the dead process (same host, pid gone) is found at the next beat.
    const worker = resque.worker({ queues: "faults", interval: 30, heartbeatInterval: 0.1 });
    const done = collect(worker, "job:success", 1);
    await worker.start();
    const [event] = (await done)[0]!;
    expect(event.args).toEqual([1]);
    await worker.stop();
    expect(await client.smembers("resque:workers")).toEqual([]);
    expect(await resque.stats()).toEqual({ processed: 1, failed: 0 });
    await client.quit();
  });

  it("requeues the job of a worker key whose id is not registered, once two scans saw it unchanged", async () => {
    const resque = redis.make();
    const client = redis.server().client();
    const value = '{"queue":"prune","run_at":"2026-11-25T14:53:31Z","payload":{"class":"Work","args":[5]}}';
    // A worker that was unregistered and then recorded a job anyway (and died).
    await client.set("resque:worker:gone:9:prune", value);
    // One that is registered, and one whose value changes between scans: neither is touched.
    await client.sadd("resque:workers", "live:1:prune");
    await client.set("resque:worker:live:1:prune", value);
    await client.hset("resque:workers:heartbeat", "live:1:prune", new Date().toISOString().replace(/\.\d{3}Z$/, "+00:00"));
    await client.set("resque:worker:moving:3:prune", value);
    const watch = newOrphanWatch(0);
    const prune = () => pruneDeadWorkers({ store: resque.store.workers, host: "me", ownIds: [], logger: silentLogger, dirtyExitLimit: 3, lockSeconds: 5, orphans: watch });
    await prune();
    expect(await client.llen("resque:queue:prune")).toBe(0); // seen once: not yet
    await client.set("resque:worker:moving:3:prune", value.replace("[5]", "[6]"));
    await prune();
    expect(await client.lrange("resque:queue:prune", 0, -1)).toEqual(['{"class":"Work","args":[5]}']);
    expect(await client.exists("resque:worker:gone:9:prune")).toBe(0);
    expect(await client.exists("resque:worker:live:1:prune")).toBe(1);
    expect(await client.exists("resque:worker:moving:3:prune")).toBe(1);
    await client.quit();
  });

  it("a job that succeeds after dirty exits sheds them: a byte-identical job enqueued later starts from zero", async () => {
    const resque = redis.make({ jobs: [Work] });
    const client = redis.server().client();
    const payload = '{"class":"Work","args":[21]}';
    for (let round = 1; round <= 2; round++) {
      await client.del("resque:queue:prune");
      await deadWorker(client, `gone:${round}:prune`, payload);
      await pruneDeadWorkers({ store: resque.store.workers, host: "me", ownIds: [], logger: silentLogger, dirtyExitLimit: 3, lockSeconds: 5 });
    }
    expect(await client.hvals("resque:resque-ts:dirty-exits")).toEqual(["2"]);
    // The requeued job now runs to success.
    const worker = resque.worker({ queues: "prune", interval: 0 });
    await worker.start();
    await worker.stopped;
    expect(await client.exists("resque:resque-ts:dirty-exits")).toBe(0);
    // A new job with the same bytes is killed once: requeued, not failed as DirtyExit.
    await deadWorker(client, "gone:3:prune", payload);
    await pruneDeadWorkers({ store: resque.store.workers, host: "me", ownIds: [], logger: silentLogger, dirtyExitLimit: 3, lockSeconds: 5 });
    expect(await client.lrange("resque:queue:prune", 0, -1)).toEqual([payload]);
    expect(await client.llen("resque:failed")).toBe(0);
    await client.quit();
  });
});
