import { hostname } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { Admin, Job } from "../../src/index.js";
import { collect, deferred } from "../helpers/events.js";
import { loadGolden } from "../helpers/load-golden.js";
import { useRedis } from "../helpers/resque.js";

let release = deferred();
class Hold extends Job<[number]> {
  static override queue = "mail";
  async perform() {
    await release.promise;
  }
}

describe("admin.workers", () => {
  const redis = useRedis();
  const opened: Admin[] = [];
  afterEach(async () => {
    release.resolve();
    await Promise.all(opened.splice(0).map((a) => a.close()));
  });
  function admin(): Admin {
    const a = new Admin({ redis: redis.server().url });
    opened.push(a);
    return a;
  }

  it("lists resque-ts, Ruby and node-resque workers with kind, job, times and counters", async () => {
    release = deferred();
    const client = redis.server().client();
    await loadGolden(client, "while-working.json"); // a Ruby worker in the middle of a job
    // A node-resque worker: "<host>:<pid>" plus its queues, with its own heartbeat key.
    await client.sadd("resque:workers", "node-host:4242:low");
    await client.set("resque:worker:ping:node-host:4242", '{"time":1,"name":"node-host:4242","queues":"low"}');
    await client.set("resque:stat:processed:node-host:4242:low", "7");

    const resque = redis.make({ jobs: [Hold] });
    await resque.enqueue(Hold, 1);
    const worker = resque.worker({ queues: ["mail", "m*"], concurrency: 2, interval: 30 });
    const started = collect(worker, "job:start", 1);
    await worker.start();
    await started;

    const workers = await admin().workers.list();
    expect(workers.map((w) => [w.id, w.kind, w.state])).toEqual(
      [
        ["node-host:4242:low", "node-resque", "idle"],
        ["vm:8715:*", "ruby", "working"],
        [`${hostname()}+1:${process.pid}:mail,m*`, "resque-ts", "working"],
        [`${hostname()}+2:${process.pid}:mail,m*`, "resque-ts", "idle"],
      ].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)),
    );
    const ours = workers.find((w) => w.slot === 1)!;
    expect(ours).toMatchObject({ host: hostname(), pid: process.pid, queues: ["mail", "m*"], paused: false, heartbeatIntervalSeconds: 5 });
    expect(ours.job).toMatchObject({ queue: "mail", class: "Hold", args: [1], payload: '{"class":"Hold","args":[1]}' });
    expect(ours.job!.runningForMs).toBeGreaterThanOrEqual(0);
    expect(ours.heartbeatAgeMs).toBeGreaterThanOrEqual(0);
    const ruby = workers.find((w) => w.kind === "ruby")!;
    expect(ruby).toMatchObject({ host: "vm", pid: 8715, queues: ["*"], heartbeatIntervalSeconds: undefined });
    expect(ruby.startedAt?.toISOString()).toBe("2026-11-25T14:53:31.000Z");
    expect(ruby.heartbeatAt?.toISOString()).toBe("2026-11-25T14:53:31.000Z");
    expect(ruby.job).toMatchObject({ queue: "default", class: "SleepJob", args: [3, "sleeping"] });
    expect(workers.find((w) => w.kind === "node-resque")).toMatchObject({ processed: 7, heartbeatAt: undefined, job: null });
    expect((await admin().workers.working()).map((w) => w.kind).sort()).toEqual(["resque-ts", "ruby"]);
    expect(await admin().workers.get("nope:1:q")).toBeUndefined();

    release.resolve();
    await worker.stop();
    await client.quit();
  });

  it("pause, resume, stop and kill say which registered workers they cover and how many processes heard them", async () => {
    const client = redis.server().client();
    await client.sadd("resque:workers", "web1:10:mail", "web1+1:11:mail", "web1+2:11:mail", "web2:12:mail");
    await client.hset("resque:resque-ts:workers", { "web1:10:mail": "5", "web1+1:11:mail": "5", "web1+2:11:mail": "5", "web2:12:mail": "5" });
    const a = admin();
    expect(await a.workers.pause({ host: "web1" })).toEqual({ workers: ["web1+1:11:mail", "web1+2:11:mail", "web1:10:mail"], processes: 0 });
    // A worker id pauses its whole process (both slots of pid 11).
    expect((await a.workers.pause({ worker: "web1+2:11:mail" })).workers).toEqual(["web1+1:11:mail", "web1+2:11:mail"]);
    expect(await a.workers.paused()).toEqual({ all: false, targets: ["host:web1", "worker:web1+2:11:mail"] });
    expect((await a.workers.list()).map((w) => [w.id, w.state])).toEqual([
      ["web1+1:11:mail", "paused"],
      ["web1+2:11:mail", "paused"],
      ["web1:10:mail", "paused"],
      ["web2:12:mail", "idle"],
    ]);
    expect((await a.workers.stop({ host: "nowhere" })).workers).toEqual([]);
    expect((await a.workers.kill({ all: true })).workers).toHaveLength(4);
    await a.workers.resume({ all: true });
    expect(await a.workers.paused()).toEqual({ all: false, targets: [] });
    await client.quit();
  });
});
