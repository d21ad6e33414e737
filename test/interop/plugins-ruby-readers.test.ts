/**
 * What Ruby's resque-status and resque-lock-timeout read, done the way their code reads it
 * (Resque::Plugins::Status::Hash and Resque::Plugins::LockTimeout), on what resque-ts writes.
 */
import type { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { Job, trackStatus, unique } from "../../src/index.js";
import { deferred, finished } from "../helpers/events.js";
import { useRedis } from "../helpers/resque.js";

/** Ruby's String#to_i: the leading integer, 0 when there is none. */
const toI = (value: string | null) => Number.parseInt(value ?? "", 10) || 0;

/** Resque::Plugins::Status::Hash.statuses(start, end): zrevrange _statuses, mget status:<uuid>, JSON.parse. */
async function rubyStatuses(client: Redis, start: number, end: number): Promise<Record<string, unknown>[]> {
  const ids = await client.zrevrange("resque:_statuses", start, end);
  const values = await client.mget(...ids.map((id) => `resque:status:${id}`));
  return values.filter((v): v is string => v !== null).map((v) => JSON.parse(v) as Record<string, unknown>);
}

/** Resque::Plugins::LockTimeout#inspect_lock. */
async function rubyLocked(client: Redis, key: string, lockTimeout: number): Promise<boolean> {
  const value = await client.get(`resque:${key}`);
  if (lockTimeout > 0) return toI(value) > Math.floor(Date.now() / 1000);
  return value !== null;
}

const gate = deferred();
const started = deferred();

@trackStatus()
@unique()
class Import extends Job<[id: string, options: { file: string }]> {
  static override queue = "imports";
  async perform() {
    started.resolve();
    await gate.promise;
  }
}

describe("Ruby plugins read what resque-ts writes", () => {
  const redis = useRedis();

  it("resque-status lists our statuses, their uuid, status, time and options; resque-lock-timeout sees our locks held", async () => {
    const resque = redis.make({ jobs: [Import] });
    const client = redis.server().client();
    const id = (await resque.statuses.enqueue(Import, { file: "a.csv" }))!;
    const [queued] = await rubyStatuses(client, 0, 20);
    expect(queued).toMatchObject({ uuid: id, status: "queued", options: { file: "a.csv" } });
    expect(Number.isInteger(queued!.time)).toBe(true);
    // resque-lock-timeout's loner lock (no timeout: any value counts) and its run lock (a timeout: value.to_i > now).
    const identifier = `${id}-{"file"=>"a.csv"}`; // Ruby's args.join('-') of [uuid, {"file"=>"a.csv"}]
    expect(await rubyLocked(client, `loner:lock:Import:${identifier}`, 0)).toBe(true);

    const worker = resque.worker({ queues: ["imports"] });
    const done = finished(worker, 1);
    await worker.start();
    await started.promise;
    expect((await rubyStatuses(client, 0, 20))[0]).toMatchObject({ uuid: id, status: "working" });
    expect(await rubyLocked(client, `lock:Import:${identifier}`, 30)).toBe(true);
    expect(await rubyLocked(client, `lock:Import:${identifier}`, 0)).toBe(true);
    expect(await rubyLocked(client, `loner:lock:Import:${identifier}`, 0)).toBe(false);
    // Resque::Plugins::Status::Hash.kill adds to _kill, which our running job watches.
    expect(await client.smembers("resque:_kill")).toEqual([]);
    gate.resolve();
    await done;
    await worker.stop();
    expect((await rubyStatuses(client, 0, 20))[0]).toMatchObject({ uuid: id, status: "completed" });
    expect(await rubyLocked(client, `lock:Import:${identifier}`, 30)).toBe(false);
    await client.quit();
  });
});
