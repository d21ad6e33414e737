/**
 * Worker records of node-resque and resque-ts side by side: our pruner must never unregister a
 * live node-resque worker (node-resque writes no workers:heartbeat entry, and MultiWorker names
 * carry no plain pid), but does settle one whose process is gone from this host; node-resque's
 * stuck-worker cleanup must never remove ours.
 */
import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import { Job } from "../../../src/index.js";
import { collect, deferred } from "../../helpers/events.js";
import { NodeResquePeer, nodeEvents } from "../../helpers/node-resque.js";
import { runTs } from "../../helpers/processes.js";
import { useRedis } from "../../helpers/resque.js";
import { storeOf } from "../../../src/redis/store-of.js";

let release = deferred();
class Hold extends Job<[]> {
  static override queue = "mine";
  async perform() {
    await release.promise;
  }
}

const host = hostname();

describe("worker records shared with node-resque", () => {
  const redis = useRedis();

  it("our pruner leaves live node-resque workers registered, on this host and others", async () => {
    release = deferred();
    const held = deferred();
    const peer = await NodeResquePeer.start(redis.server(), {
      Slow: {
        perform: async () => {
          held.resolve();
          await release.promise;
        },
      },
    });
    const client = redis.server().client();
    const resque = redis.make({ jobs: [Hold] });
    try {
      // A live in-process node-resque worker, busy with a job.
      const node = await peer.worker({ queues: ["slow"] });
      await peer.queue.enqueue("slow", "Slow", [1]);
      await held.promise;
      const nodeId = `${host}:${process.pid}:slow`;
      // Records as node-resque writes them for a MultiWorker child on this host (name host:pid+id,
      // pid 1 is never a worker of ours) and for a worker on another host, working for hours.
      const multi = `${host}:1+2:slow`;
      const remote = "other-host:4242:slow";
      const oldRunAt = new Date(Date.now() - 5 * 3600_000).toString();
      for (const [id, name] of [[multi, `${host}:1+2`], [remote, "other-host:4242"]] as const) {
        await client.sadd("resque:workers", id);
        await client.set(`resque:worker:${id}`, JSON.stringify({ run_at: oldRunAt, worker: name, payload: { class: "Slow", args: [2], queue: "slow" }, queue: "slow" }));
        await client.set(`resque:worker:${id}:started`, String(Math.round(Date.now() / 1000) - 18_000));
        await client.set(`resque:worker:ping:${name}`, JSON.stringify({ time: Math.round(Date.now() / 1000) - 18_000, name, queues: "slow" }));
      }

      // Our worker prunes when it starts (and at every heartbeat).
      const worker = resque.worker({ queues: "mine", interval: 30 });
      await worker.start();
      expect((await client.smembers("resque:workers")).sort()).toEqual([multi, nodeId, remote, ...worker.ids].sort());
      for (const id of [nodeId, multi, remote]) expect(await client.exists(`resque:worker:${id}`, `resque:worker:${id}:started`)).toBe(2);
      expect(await client.exists(`resque:worker:ping:${host}:${process.pid}`)).toBe(1);
      expect(await client.llen("resque:queue:slow")).toBe(0); // nothing requeued

      // Our store reads node-resque's records (unix-seconds start, Date#toString run_at).
      const [record] = await storeOf(resque).workers.records([nodeId]);
      expect(record!.started).toMatch(/^\d+$/);
      expect(JSON.parse(record!.job!)).toMatchObject({ queue: "slow", worker: `${host}:${process.pid}`, payload: { class: "Slow", args: [1] } });
      expect(record!.heartbeat).toBeNull();

      const done = nodeEvents(node, "success", 1);
      release.resolve();
      await done;
      await worker.stop();
    } finally {
      release.resolve();
      await client.quit();
      await peer.close();
    }
  });

  it("a node-resque worker killed with SIGKILL on this host is pruned by ours: job requeued, records and ping removed", async () => {
    const peer = await NodeResquePeer.start(redis.server());
    const client = redis.server().client();
    const resque = redis.make({ jobs: [Hold] });
    try {
      const child = runTs("test/fixtures/node-resque-worker.ts", { REDIS_PORT: String(redis.server().port) });
      const name = (await child.line(/^ready /)).split(" ")[1]!;
      await peer.queue.enqueue("faults", "Hang", [1]);
      await child.line(/^started /);
      child.child.kill("SIGKILL");
      await child.exited;
      const id = `${name}:faults`;
      expect(await client.sismember("resque:workers", id)).toBe(1);
      // As if it died two hours ago: node-resque's stuck-worker check would now look at it.
      const ping = JSON.parse((await client.get(`resque:worker:ping:${name}`))!) as { time: number };
      await client.set(`resque:worker:ping:${name}`, JSON.stringify({ ...ping, time: ping.time - 7200 }));

      const worker = resque.worker({ queues: "mine", interval: 30 });
      await worker.start();
      // Back at the front of its queue: node-resque re-encoded the payload when it recorded it.
      expect((await resque.admin.queues.peek("faults", { count: 1 })).map(({ class: c, args }) => [c, args])).toEqual([["Hang", [1]]]);
      expect(await client.sismember("resque:workers", id)).toBe(0);
      expect(await client.exists(`resque:worker:${id}`, `resque:worker:${id}:started`)).toBe(0);
      await worker.stop();

      // Its worker:ping:<name> goes too: node-resque's scheduler would otherwise find the stale
      // ping, fail to find the worker, emit an error and count a failure that never happened.
      expect(await client.exists(`resque:worker:ping:${name}`)).toBe(0);
      await nodeEvents(await peer.scheduler({ stuckWorkerTimeout: 1 }), "poll", 2);
      expect(peer.errors).toEqual([]);
      expect(await resque.admin.stats.totals()).toEqual({ processed: 0, failed: 0 });
    } finally {
      await client.quit();
      await peer.close();
    }
  });

  it("node-resque's stuck-worker cleanup never removes our workers", async () => {
    release = deferred();
    const peer = await NodeResquePeer.start(redis.server());
    const client = redis.server().client();
    const resque = redis.make({ jobs: [Hold] });
    const worker = resque.worker({ queues: "mine", interval: 30 });
    try {
      await resque.enqueue(Hold);
      const started = collect(worker, "job:start", 1);
      await worker.start();
      await started;
      const id = worker.ids[0]!;

      // Its scheduler cleans workers whose worker:ping:<name> is older than stuckWorkerTimeout;
      // ours have none. The second poll starts after the first one's check has finished.
      const scheduler = await peer.scheduler({ stuckWorkerTimeout: 1 });
      await nodeEvents(scheduler, "poll", 2);
      expect(await client.exists(`resque:worker:${id}`)).toBe(1);
      expect(await client.smembers("resque:workers")).toEqual([id]);

      // queue.cleanOldWorkers(age) goes by run_at. It cannot name our worker (our worker:<id>
      // values, like Ruby's, have no "worker" member), so it removes nothing, but it emits an
      // error and adds one to stat:failed.
      expect(await peer.queue.cleanOldWorkers(0)).toEqual({});
      expect(peer.errors.map(String)).toEqual(["force-cleaning worker undefined, but cannot find queues"]);
      expect(await client.exists(`resque:worker:${id}`)).toBe(1);
      expect(await client.smembers("resque:workers")).toEqual([id]);
      expect(await resque.admin.failed.count()).toBe(0);
      expect(await client.get("resque:stat:failed")).toBe("1");

      release.resolve();
      await worker.stop();
      expect(await resque.admin.stats.totals()).toEqual({ processed: 1, failed: 1 });
    } finally {
      release.resolve();
      await worker.stop();
      await client.quit();
      await peer.close();
    }
  });
});
