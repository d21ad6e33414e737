import { describe, expect, it } from "vitest";
import { Job, listLocks, unique, type Resque } from "../../../src/index.js";
import { collect, deferred, finished } from "../../helpers/events.js";
import { useRedis } from "../../helpers/resque.js";

const release = new Map<number, { promise: Promise<void>; resolve: () => void }>();
const started = new Map<number, { promise: Promise<void>; resolve: () => void }>();
const gate = (n: number) => release.get(n) ?? release.set(n, deferred()).get(n)!;
const reached = (n: number) => started.get(n) ?? started.set(n, deferred()).get(n)!;

@unique()
class Sync extends Job<[accountId: number]> {
  static override queue = "sync";
  async perform(accountId: number) {
    reached(accountId).resolve();
    await gate(accountId).promise;
  }
}

@unique({ while: "queued" })
class Reindex extends Job<[name: string]> {
  static override queue = "sync";
  perform() {}
}

@unique({ while: "running", onRunning: "wait", waitSeconds: 2 })
class Report extends Job<[id: number]> {
  static override queue = "sync";
  async perform(id: number) {
    reached(id).resolve();
    await gate(id).promise;
  }
}

@unique({ while: "ttl", ttl: 60, identifier: (args) => String((args[0] as { user: number }).user) })
class Digest extends Job<[options: { user: number; at: string }]> {
  static override queue = "sync";
  perform() {}
}

describe("unique plugin", () => {
  const redis = useRedis();
  const make = (): Resque => redis.make({ jobs: [Sync, Reindex, Report, Digest] });

  it("a job enqueued 100 times concurrently, from several connections, is queued once", async () => {
    const clients = [make(), make(), make(), make()];
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => clients[i % 4]!.enqueueJob(Sync, [7])));
    expect(results.filter((r) => r.enqueued)).toHaveLength(1);
    expect(results.filter((r) => r.details.duplicate === true)).toHaveLength(99);
    expect(await clients[0]!.size("sync")).toBe(1);
    expect(await clients[0]!.enqueue(Sync, 8)).toBe(true); // another identity
  });

  it("uses resque-lock-timeout's keys: loner:lock:<class>:<id> while queued, lock:<class>:<id> while running", async () => {
    const resque = make();
    const client = redis.server().client();
    await resque.enqueue(Sync, 42);
    expect(await client.get("resque:loner:lock:Sync:42")).toBe("true");
    expect(await client.exists("resque:lock:Sync:42")).toBe(0);
    const worker = resque.worker({ queues: ["sync"] });
    const done = finished(worker, 1);
    await worker.start();
    await reached(42).promise;
    expect(await client.exists("resque:loner:lock:Sync:42")).toBe(0);
    const value = (await client.get("resque:lock:Sync:42"))!;
    // Ruby's lock_until (unix seconds) first, so Ruby's `value.to_i > Time.now.to_i` sees it held.
    const until = Number.parseInt(value, 10);
    expect(until).toBeGreaterThan(Date.now() / 1000);
    expect(value).toBe(`${until}:${worker.ids[0]}`);
    expect(await client.pttl("resque:lock:Sync:42")).toBeGreaterThan(0);
    expect((await listLocks(resque)).locks.map((l) => l.name)).toEqual(["lock:Sync:42"]);
    // While it runs, an identical job is refused ("queued-or-running").
    expect((await resque.enqueueJob(Sync, [42])).details).toEqual({ duplicate: true });
    gate(42).resolve();
    await done;
    await worker.stop();
    expect(await client.keys("resque:*lock:*")).toEqual([]);
    expect((await listLocks(resque)).total).toBe(0);
    expect(await resque.enqueue(Sync, 42)).toBe(true);
    await client.quit();
  });

  it('"queued": a duplicate is refused only while one waits; dequeue releases the lock', async () => {
    const resque = make();
    expect(await resque.enqueue(Reindex, "users")).toBe(true);
    expect(await resque.enqueue(Reindex, "users")).toBe(false);
    expect(await resque.dequeue(Reindex, "users")).toBe(1);
    expect(await resque.enqueue(Reindex, "users")).toBe(true);
    const worker = resque.worker({ queues: ["sync"], interval: 0 });
    await worker.start();
    await worker.stopped;
    expect(await resque.enqueue(Reindex, "users")).toBe(true);
  });

  it('"running" with onRunning "wait": a copy that reaches a worker while one runs goes to the delayed schedule, uncounted', async () => {
    const resque = make();
    await resque.enqueue(Report, 5);
    await resque.enqueue(Report, 5);
    const worker = resque.worker({ queues: ["sync"], concurrency: 2 });
    const deferrals = collect(worker, "job:deferred", 1);
    const done = finished(worker, 1);
    await worker.start();
    await deferrals;
    await reached(5).promise;
    expect(await resque.size("sync")).toBe(0);
    expect((await resque.findDelayedSelection(() => true)).map((d) => [d.class, d.args])).toEqual([["Report", [5]]]);
    gate(5).resolve();
    await done;
    await worker.stop();
    expect(await resque.stats()).toEqual({ processed: 1, failed: 0 });
  });

  it('"ttl" with a custom identifier: refused for ttl seconds after an enqueue, whatever the job did', async () => {
    const resque = make();
    const client = redis.server().client();
    expect(await resque.enqueue(Digest, { user: 1, at: "09:00" })).toBe(true);
    expect(await resque.enqueue(Digest, { user: 1, at: "09:05" })).toBe(false);
    expect(await resque.enqueue(Digest, { user: 2, at: "09:05" })).toBe(true);
    const worker = resque.worker({ queues: ["sync"], interval: 0 });
    await worker.start();
    await worker.stopped;
    expect(await resque.enqueue(Digest, { user: 1, at: "09:10" })).toBe(false);
    const ttl = await client.ttl("resque:loner:lock:Digest:1");
    expect(ttl).toBeGreaterThan(55);
    expect(Number(await client.get("resque:loner:lock:Digest:1"))).toBeGreaterThan(Date.now() / 1000 + 55);
    await client.quit();
  });

  it("refuses bad options where the class is defined", () => {
    expect(() => unique({ while: "ttl" })).toThrow(/needs ttl/);
    expect(() => unique({ while: "sometimes" as never })).toThrow(/must be "queued", "running"/);
    expect(() => unique({ lease: -1 })).toThrow(/lease must be a positive number/);
  });
});
