import { describe, expect, it } from "vitest";
import { Job } from "../../src/index.js";
import { collect, deferred } from "../helpers/events.js";
import { runTs } from "../helpers/processes.js";
import { useRedis } from "../helpers/resque.js";

class Note extends Job<[string]> {
  static override queue = "ctl";
  perform() {}
}

let entered = deferred();
class Hold extends Job<[]> {
  static override queue = "ctl";
  async perform() {
    entered.resolve();
    await new Promise((_, reject) => this.context.signal.addEventListener("abort", () => reject(new Error("aborted"))));
  }
}

describe("remote control of workers", () => {
  const redis = useRedis();

  it("pauses and resumes the workers of one host", async () => {
    const resque = redis.make({ jobs: [Note] });
    const worker = resque.worker({ queues: "ctl", interval: 30, host: "h1" });
    const other = resque.worker({ queues: "other", interval: 30, host: "h2" });
    await worker.start();
    await other.start();
    const paused = collect(worker, "paused", 1);
    await resque.admin.workers.pause({ host: "h1" });
    await paused;
    expect(worker.paused).toBe(true);
    expect(other.paused).toBe(false);
    await resque.enqueue(Note, "while paused");
    expect(await resque.admin.workers.paused()).toEqual({ all: false, targets: ["host:h1"] });
    const performed = collect(worker, "job:success", 1);
    await resque.admin.workers.resume({ host: "h1" });
    expect((await performed)[0]![0].args).toEqual(["while paused"]);
    await worker.stop();
    await other.stop();
  });

  it("a pause is kept in Redis: a worker starting later starts paused", async () => {
    const resque = redis.make({ jobs: [Note] });
    const worker = resque.worker({ queues: "ctl", interval: 30 });
    await resque.admin.workers.pause({ worker: worker.ids[0]! });
    await worker.start();
    expect(worker.paused).toBe(true);
    await worker.stop();
  });

  it("pause all uses Ruby Resque's pause-all-workers switch", async () => {
    const resque = redis.make({ jobs: [Note] });
    const worker = resque.worker({ queues: "ctl", interval: 0.05 });
    await worker.start();
    const paused = collect(worker, "paused", 1);
    await resque.admin.workers.pause({ all: true });
    const client = redis.server().client();
    expect(await client.get("resque:pause-all-workers")).toBe("true");
    await paused;
    const resumed = collect(worker, "resumed", 1);
    await resque.admin.workers.resume({ all: true });
    await resumed;
    expect(await client.exists("resque:pause-all-workers")).toBe(0);
    await worker.stop();
    await client.quit();
  });

  it("stop lets running jobs finish; kill stops at once and requeues", async () => {
    entered = deferred();
    const resque = redis.make({ jobs: [Hold] });
    await resque.enqueue(Hold);
    const worker = resque.worker({ queues: "ctl", interval: 30, host: "k1" });
    await worker.start();
    await entered.promise;
    const killed = await resque.admin.workers.kill({ worker: worker.ids[0]! });
    expect(killed.processes).toBeGreaterThanOrEqual(1);
    expect(killed.workers).toEqual(worker.ids);
    await worker.stopped;
    expect(await resque.admin.queues.size("ctl")).toBe(1);

    const calm = resque.worker({ queues: "idle", interval: 30, host: "k2" });
    await calm.start();
    await resque.admin.workers.stop({ host: "k2" });
    await calm.stopped;
  });

  it("rejects a target it cannot understand", async () => {
    const resque = redis.make();
    await expect(resque.admin.workers.pause({ host: "" } as never)).rejects.toThrow(/Unknown control target/);
    await expect(resque.admin.workers.stop({} as never)).rejects.toThrow(/Unknown control target/);
  });

  it("from the command line: resque pause / stop reach a running worker process", async () => {
    const env = { REDIS_URL: redis.server().url };
    const worker = runTs("src/cli/resque.ts", { ...env, QUEUE: "ctl", INTERVAL: "30" }, ["work", "--require", "./test/fixtures/cli-jobs.ts"]);
    await worker.line(/worker started/);
    const pause = runTs("src/cli/resque.ts", env, ["pause", "--all"]);
    await pause.exited;
    expect(pause.lines).toEqual(["paused all workers"]);
    await worker.line(/"msg":"paused"/);
    const stop = runTs("src/cli/resque.ts", env, ["stop", "--all"]);
    await stop.exited;
    expect(stop.lines[0]).toMatch(/^sent stop to all workers \(\d+ process/);
    expect((await worker.exited).code).toBe(0);
    const bad = runTs("src/cli/resque.ts", env, ["kill"]);
    expect((await bad.exited).code).toBe(2); // a usage error
    expect(bad.stderr()).toContain("exactly one of --all, --host <name> or --worker <id>");
  });

  it("a remote stop ends a whole pool (its master does not restart the children)", async () => {
    const env = { REDIS_URL: redis.server().url, QUEUE: "ctl", INTERVAL: "30" };
    const master = runTs("src/cli/resque.ts", env, ["work", "--count", "2", "--require", "./test/fixtures/cli-jobs.ts"]);
    await master.line(/pool started/);
    const client = redis.server().client();
    while ((await client.scard("resque:workers")) < 2) await new Promise((r) => setTimeout(r, 50));
    const [id] = await client.smembers("resque:workers");
    await redis.make().admin.workers.stop({ worker: id! });
    expect((await master.exited).code).toBe(0);
    expect(await client.smembers("resque:workers")).toEqual([]);
    await client.quit();
  });
});
