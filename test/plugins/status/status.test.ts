import { describe, expect, it } from "vitest";
import { Job, statusOf, trackStatus, type JobStatus, type Resque } from "../../../src/index.js";
import { collect, deferred, finished } from "../../helpers/events.js";
import { useRedis } from "../../helpers/resque.js";

const gates = new Map<string, { promise: Promise<void>; resolve: () => void }>();
const reached = new Map<string, { promise: Promise<void>; resolve: () => void }>();
const gate = (id: string) => gates.get(id) ?? gates.set(id, deferred()).get(id)!;
const at = (id: string) => reached.get(id) ?? reached.set(id, deferred()).get(id)!;

@trackStatus({ expireIn: 3600, killCheckInterval: 0.05 })
class Export extends Job<[id: string, options: { rows: number }]> {
  static override queue = "exports";
  async perform(id: string, options: { rows: number }) {
    const status = statusOf(this);
    expect(status.id).toBe(id);
    await status.progress(1, options.rows, "started");
    at(id).resolve();
    await gate(id).promise;
    await status.progress(options.rows, options.rows, "all rows written");
    status.setResult({ url: `/exports/${id}.csv` });
  }
}

@trackStatus({ killCheckInterval: 0.05 })
class Breaks extends Job<[id: string]> {
  static override queue = "exports";
  perform() {
    throw new TypeError("no such report");
  }
}

@trackStatus({ killCheckInterval: 0.05 })
class Listens extends Job<[id: string]> {
  static override queue = "exports";
  async perform(id: string) {
    at(id).resolve();
    const signal = this.context.signal;
    await new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason as Error)));
  }
}

@trackStatus()
class Loops extends Job<[id: string]> {
  static override queue = "exports";
  async perform(id: string) {
    at(id).resolve();
    for (let i = 0; ; i++) {
      await statusOf(this).progress(i, 1_000_000); // throws once the job is killed
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}

describe("status plugin", () => {
  const redis = useRedis();
  const make = () => redis.make({ jobs: [Export, Breaks, Listens, Loops] });
  const status = async (resque: Resque, id: string): Promise<JobStatus> => (await resque.status(id))!;

  it("enqueue returns an id whose status is readable through queued, working and completed", async () => {
    const resque = make();
    const id = (await resque.statuses.enqueue(Export, { rows: 10 }))!;
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    const queued = await status(resque, id);
    expect(queued).toMatchObject({ id, status: "queued", pctComplete: 0, options: { rows: 10 }, name: 'Export({"rows":10})' });
    expect(queued.queuedAt).toBeInstanceOf(Date);

    const worker = resque.worker({ queues: ["exports"] });
    const done = finished(worker, 1);
    await worker.start();
    await at(id).promise;
    expect(await status(resque, id)).toMatchObject({ status: "working", num: 1, total: 10, pctComplete: 10, message: "started" });
    gate(id).resolve();
    await done;
    await worker.stop();
    const completed = await status(resque, id);
    expect(completed).toMatchObject({ status: "completed", num: 10, total: 10, pctComplete: 100, result: { url: `/exports/${id}.csv` } });
    expect(completed.message).toMatch(/^Completed at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0000$/);
    expect(completed.startedAt!.getTime()).toBeGreaterThanOrEqual(completed.queuedAt!.getTime());
    expect(completed.finishedAt!.getTime()).toBeGreaterThanOrEqual(completed.startedAt!.getTime());
  });

  it("writes resque-status's format: payload args [uuid, options], status:<uuid> JSON, _statuses zset, expire_in TTL", async () => {
    const resque = make();
    const client = redis.server().client();
    const id = (await resque.statuses.enqueue(Export, { rows: 3 }))!;
    expect(await client.lrange("resque:queue:exports", 0, -1)).toEqual([`{"class":"Export","args":["${id}",{"rows":3}]}`]);
    const raw = (await client.get(`resque:status:${id}`))!;
    const stored = JSON.parse(raw) as Record<string, unknown>;
    // Ruby's Hash.new(uuid, {options}) members first, in Ruby's order, then ours.
    expect(Object.keys(stored).slice(0, 5)).toEqual(["time", "status", "uuid", "options", "name"]);
    expect(stored).toMatchObject({ status: "queued", uuid: id, options: { rows: 3 } });
    expect(Number.isInteger(stored.time)).toBe(true);
    expect(await client.zscore("resque:_statuses", id)).toBe(String(stored.time));
    const ttl = await client.ttl(`resque:status:${id}`);
    expect(ttl).toBeGreaterThan(3500);
    expect(ttl).toBeLessThanOrEqual(3600);
    await client.quit();
  });

  it("reads and runs a status job that Ruby's resque-status created and enqueued", async () => {
    const resque = make();
    const client = redis.server().client();
    const id = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    // What Resque::Plugins::Status::Hash.create(uuid, options: {...}) and Resque.enqueue_to write.
    await client.set(`resque:status:${id}`, `{"time":1795618405,"status":"queued","uuid":"${id}","options":{"rows":2}}`);
    await client.zadd("resque:_statuses", 1795618405, id);
    await client.rpush("resque:queue:exports", `{"class":"Export","args":["${id}",{"rows":2}]}`);
    expect(await status(resque, id)).toMatchObject({ status: "queued", options: { rows: 2 }, time: new Date(1795618405_000) });
    gate(id).resolve();
    const worker = resque.worker({ queues: ["exports"], interval: 0 });
    await worker.start();
    await worker.stopped;
    const after = JSON.parse((await client.get(`resque:status:${id}`))!) as Record<string, unknown>;
    expect(after).toMatchObject({ status: "completed", uuid: id, num: 2, total: 2, options: { rows: 2 } });
    await client.quit();
  });

  it("a failing job's status is failed with resque-status's message", async () => {
    const resque = make();
    const id = (await resque.statuses.enqueue(Breaks))!;
    const worker = resque.worker({ queues: ["exports"], interval: 0 });
    await worker.start();
    await worker.stopped;
    expect(await status(resque, id)).toMatchObject({ status: "failed", message: "The task failed because of an error: no such report" });
    expect((await resque.failed.all())[0]).toMatchObject({ exception: "TypeError" });
  });

  it("kill by id: a queued job is killed at once and skipped; a running one's signal fires and it ends killed, not failed", async () => {
    const resque = make();
    const queuedId = (await resque.statuses.enqueue(Breaks))!;
    expect(await resque.statuses.kill(queuedId)).toBe("killed");
    expect(await status(resque, queuedId)).toMatchObject({ status: "killed" });

    const runningId = (await resque.statuses.enqueue(Listens))!;
    const loopingId = (await resque.statuses.enqueue(Loops))!;
    const worker = resque.worker({ queues: ["exports"], concurrency: 2 });
    const ends = collect(worker, "job:success", 3);
    await worker.start();
    await Promise.all([at(runningId).promise, at(loopingId).promise]);
    expect(await status(resque, runningId)).toMatchObject({ status: "working" });
    expect(await resque.statuses.kill(runningId)).toBe("requested");
    expect(await resque.statuses.kill(loopingId)).toBe("requested");
    await ends;
    await worker.stop();
    expect(await status(resque, runningId)).toMatchObject({ status: "killed" });
    expect(await status(resque, loopingId)).toMatchObject({ status: "killed" });
    expect(await resque.statuses.kill(runningId)).toBe("finished");
    expect(await resque.statuses.kill("nope")).toBe("unknown");
    expect(await resque.statuses.killList()).toEqual([]);
    expect(await resque.stats()).toEqual({ processed: 3, failed: 0 });
  });

  it("lists statuses newest first with paging", async () => {
    const resque = make();
    const client = redis.server().client();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const id = (await resque.statuses.enqueue(Breaks))!;
      ids.push(id);
    }
    const now = Math.floor(Date.now() / 1000);
    for (const [i, id] of ids.entries()) {
      await client.zadd("resque:_statuses", now - 10 + i, id); // distinct creation times
    }
    const first = await resque.statuses.list({ limit: 2 });
    expect(first.total).toBe(5);
    expect(first.statuses.map((s) => s.id)).toEqual([ids[4], ids[3]]);
    const rest = await resque.statuses.list({ offset: 2, limit: 10 });
    expect(rest.statuses.map((s) => s.id)).toEqual([ids[2], ids[1], ids[0]]);
    await resque.statuses.remove(ids[0]!);
    expect((await resque.statuses.list()).total).toBe(4);
    expect(await resque.status(ids[0]!)).toBeUndefined();
    await client.quit();
  });

  it("refuses a status job enqueued without an id, before writing anything", async () => {
    const resque = make();
    await expect(resque.enqueue(Breaks, 42 as unknown as string)).rejects.toThrow(/first argument is the status id; enqueue it with resque.statuses.enqueue/);
    expect(await resque.size("exports")).toBe(0);
  });
});
