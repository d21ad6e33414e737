import { describe, expect, it } from "vitest";
import { ConfigurationError, EmptyFilterError, FailedEntryChangedError, NotFoundError } from "../../src/index.js";
import { goldenKey } from "../helpers/golden.js";
import { useRedis } from "../helpers/resque.js";

const RETRIED_AT = /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}$/;

function entry(n: number, options: { payload?: string; queue?: string; exception?: string; failedAt?: string; error?: string } = {}): string {
  const payload = options.payload ?? `{"class":"Job${n % 3}","args":[${n}]}`;
  return (
    `{"failed_at":${JSON.stringify(options.failedAt ?? "2026/11/25 14:49:29 UTC")},"payload":${payload},"exception":${JSON.stringify(options.exception ?? "RuntimeError")}` +
    `,"error":${JSON.stringify(options.error ?? `x${n}`)},"backtrace":["t.rb:7:in \`perform'"],"worker":"vm:5313:high","queue":${JSON.stringify(options.queue ?? `q${n % 2}`)}}`
  );
}

describe("admin.failed", () => {
  const redis = useRedis();
  const admin = redis.admin;
  async function seed(entries: string[], list = "failed") {
    const client = redis.server().client();
    await client.rpush(`resque:${list}`, ...entries);
    if (list !== "failed") await client.sadd("resque:failed_queues", list);
    return client;
  }

  it("pages entries oldest or newest first, reading Ruby Resque's and node-resque's entries", async () => {
    const ruby = goldenKey("after-work.json", "resque:failed").value as string[];
    const nodeResque =
      '{"worker":"vm:9:default","queue":"default","payload":{"class":"EchoJob","queue":"default","args":[1]},"exception":"Error","error":"boom","backtrace":null,"failed_at":"Wed Nov 25 2026 14:53:24 GMT+0000 (Coordinated Universal Time)"}';
    const client = await seed([...ruby, nodeResque]);
    const a = admin();
    const all = await a.failed.page();
    expect(all.map((f) => [f.list, f.index])).toEqual([
      ["failed", 0],
      ["failed", 1],
      ["failed", 2],
    ]);
    expect(all[0]).toMatchObject({ payload: { class: "FailJob", args: ["boom", 123, { why: "deliberate" }] }, exception: "ArgumentError", worker: "vm:8673:*", queue: "default" });
    expect(all[0]!.failedAt?.toISOString()).toBe("2026-11-25T14:53:24.000Z");
    expect(all[2]).toMatchObject({ payload: { class: "EchoJob", args: [1] }, error: "boom", backtrace: [] });
    expect(all[2]!.failedAt?.toISOString()).toBe("2026-11-25T14:53:24.000Z");
    expect((await a.failed.page({ newestFirst: true, count: 2 })).map((f) => f.index)).toEqual([2, 1]);
    expect((await a.failed.page({ newestFirst: true, start: 2 })).map((f) => f.index)).toEqual([0]);
    expect((await a.failed.page({ start: 1, count: 1 })).map((f) => f.index)).toEqual([1]);
    expect(await a.failed.count()).toBe(3);
    await client.quit();
  });

  it("reads times Ruby wrote in a local zone (zone names and numeric offsets); an unknown zone is not guessed", async () => {
    const client = await seed([
      entry(0, { failedAt: "2026/12/01 11:35:31 CET" }),
      entry(1, { failedAt: "2026/07/01 11:35:31 EDT" }),
      entry(2, { failedAt: "2026/12/01 11:35:31 +0530" }),
      entry(3, { failedAt: "2026/12/01 11:35:31 -03" }),
      entry(4, { failedAt: "2026/12/01 11:35:31 XYZT" }),
      entry(5, { failedAt: "Tue, 01 Dec 2026 11:35:31 +0100" }),
    ]);
    const times = (await admin().failed.page()).map((f) => f.failedAt?.toISOString());
    expect(times).toEqual([
      "2026-12-01T10:35:31.000Z",
      "2026-07-01T15:35:31.000Z",
      "2026-12-01T06:05:31.000Z",
      "2026-12-01T14:35:31.000Z",
      undefined,
      "2026-12-01T10:35:31.000Z",
    ]);
    await client.quit();
  });

  it("retry requeues the payload bytes and stamps retried_at as Resque 2.7 does, keeping the entry", async () => {
    const client = await seed([entry(0), entry(1, { payload: '{"class":"Job1","args":[1.0,1e+20,"\\u00e9"]}' })]);
    const a = admin();
    const job = (await a.failed.get(1))!;
    await a.failed.retry(job);
    expect(await client.lrange("resque:queue:q1", 0, -1)).toEqual(['{"class":"Job1","args":[1.0,1e+20,"\\u00e9"]}']);
    expect(await client.sismember("resque:queues", "q1")).toBe(1);
    const stamped = (await client.lindex("resque:failed", 1))!;
    expect(stamped.startsWith(job.raw.slice(0, -1) + ',"retried_at":"')).toBe(true);
    expect((JSON.parse(stamped) as { retried_at: string }).retried_at).toMatch(RETRIED_AT);
    expect((await a.failed.get(1))?.retriedAt).toBeInstanceOf(Date);
    // The stale read no longer matches: nothing happens twice.
    await expect(a.failed.retry(job)).rejects.toThrow(FailedEntryChangedError);
    // Retrying again from a fresh read replaces the stamp.
    await a.failed.retry((await a.failed.get(1))!);
    expect((await client.lindex("resque:failed", 1))!.match(/retried_at/g)).toHaveLength(1);
    expect(await client.llen("resque:queue:q1")).toBe(2);
    await client.quit();
  });

  it("retry onto another queue, and a fresh {class,args} payload when the entry's payload has other members", async () => {
    const client = await seed([entry(0, { payload: '{"class":"Job0","queue":"q0","args":[1]}' })]);
    const a = admin();
    await a.failed.retry((await a.failed.get(0))!, { queue: "elsewhere" });
    expect(await client.lrange("resque:queue:elsewhere", 0, -1)).toEqual(['{"class":"Job0","args":[1]}']);
    await client.quit();
  });

  it("retryAndRemove and remove take out exactly the entry read, even among identical ones", async () => {
    const client = await seed([entry(0), entry(0), entry(1)]);
    const a = admin();
    await a.failed.retryAndRemove((await a.failed.get(1))!);
    expect(await client.lrange("resque:failed", 0, -1)).toEqual([entry(0), entry(1)]);
    expect(await client.llen("resque:queue:q0")).toBe(1);
    const last = (await a.failed.get(1))!;
    await client.lpop("resque:failed"); // another client removed entry 0: the entry read moved up one
    await a.failed.remove(last);
    expect(await client.llen("resque:failed")).toBe(0);
    await expect(a.failed.remove(last)).rejects.toThrow(FailedEntryChangedError);
    await client.quit();
  });

  it("an entry with no queue is refused by retry (unless given one) and skipped by bulk retries, which go on", async () => {
    // What delayed promotion writes for an item it could not enqueue.
    const noQueue = entry(9, { queue: "" });
    const client = await seed([entry(0), noQueue, entry(1)]);
    const a = admin();
    const orphan = (await a.failed.get(1))!;
    await expect(a.failed.retry(orphan)).rejects.toThrow(/has no queue to retry on; pass \{ queue \}/);
    const result = await a.failed.retryAndRemoveAll();
    expect(result).toMatchObject({ matched: 3, affected: 2, skipped: 1, changedMeanwhile: 0, aborted: false });
    expect(await client.lrange("resque:failed", 0, -1)).toEqual([noQueue]);
    await a.failed.retryAndRemove(orphan, { queue: "rescue" }); // found where it moved to
    expect(await client.llen("resque:queue:rescue")).toBe(1);
    await client.quit();
  });

  it("filters by class, queue, exception, text, args and time; groups by class, queue and exception", async () => {
    const client = await seed([
      entry(0, { exception: "Timeout", failedAt: "2026/11/25 10:00:00 UTC" }),
      entry(1, { exception: "Timeout", error: "Connection RESET by peer" }),
      entry(2, { exception: "ArgumentError" }),
      entry(3, { exception: "Timeout", failedAt: "2026/11/25 16:00:00 UTC" }),
    ]);
    const a = admin();
    const indexes = async (filter: object) => (await a.failed.page({ filter, count: 100 })).map((f) => f.index);
    expect(await indexes({ exception: "Timeout" })).toEqual([0, 1, 3]);
    expect(await indexes({ queue: "q1" })).toEqual([1, 3]);
    expect(await indexes({ class: "Job0" })).toEqual([0, 3]);
    expect(await indexes({ text: "reset" })).toEqual([1]);
    expect(await indexes({ args: [2] })).toEqual([2]);
    expect(await indexes({ argsContains: "3" })).toEqual([3]);
    expect(await indexes({ since: new Date("2026-11-25T12:00:00Z") })).toEqual([1, 2, 3]);
    expect(await indexes({ until: new Date("2026-11-25T12:00:00Z") })).toEqual([0]);
    expect((await a.failed.page({ filter: { exception: "Timeout" }, newestFirst: true, count: 2 })).map((f) => f.index)).toEqual([3, 1]);
    expect(await a.failed.count({ exception: "Timeout" })).toBe(3);
    expect(await a.failed.groups("exception")).toEqual([
      { key: "Timeout", count: 3 },
      { key: "ArgumentError", count: 1 },
    ]);
    expect(await a.failed.groups("queue")).toEqual([
      { key: "q0", count: 2 },
      { key: "q1", count: 2 },
    ]);
    expect(await a.failed.groups("class", { filter: { exception: "Timeout" } })).toEqual([
      { key: "Job0", count: 2 },
      { key: "Job1", count: 1 },
    ]);
    await expect(a.failed.count({ since: "yesterday" } as never)).rejects.toThrow(ConfigurationError);
    await client.quit();
  });

  it("bulk retry, retry-and-remove and remove act on what the filter selects; an empty filter is refused", async () => {
    const client = await seed(Array.from({ length: 2500 }, (_, i) => entry(i, { exception: i % 5 === 0 ? "Fatal" : "Timeout" })));
    const a = admin();
    await expect(a.failed.removeMatching({})).rejects.toThrow(EmptyFilterError);
    await expect(a.failed.retryMatching({ exception: undefined })).rejects.toThrow(EmptyFilterError);
    const removed = await a.failed.removeMatching({ exception: "Fatal" });
    expect(removed).toMatchObject({ examined: 2500, matched: 500, affected: 500 });
    expect(await a.failed.count()).toBe(2000);
    const kept = await a.failed.retryMatching({ queue: "q0" });
    expect(kept.affected).toBe(1000);
    expect(await a.failed.count()).toBe(2000);
    expect(await client.llen("resque:queue:q0")).toBe(1000);
    const progress: number[] = [];
    const moved = await a.failed.retryAndRemoveMatching({ queue: "q1" }, { onProgress: (done) => progress.push(done) });
    expect(moved.affected).toBe(1000);
    expect(progress.at(-1)).toBe(moved.examined);
    expect(await a.failed.count()).toBe(1000);
    expect(await client.llen("resque:queue:q1")).toBe(1000);
    expect(await a.failed.clear()).toBe(1000);
    await client.quit();
  });

  it("retry-and-remove from two clients at once requeues every entry exactly once", async () => {
    const total = 3000;
    const client = await seed(Array.from({ length: total }, (_, i) => entry(i, { queue: "work", payload: `{"class":"Job","args":[${i}]}` })));
    const [a, b] = [admin(), admin()];
    const [first, second] = await Promise.all([a.failed.retryAndRemoveAll(), b.failed.retryAndRemoveMatching({ class: "Job" })]);
    expect(first.affected + second.affected).toBe(total);
    expect(await client.llen("resque:failed")).toBe(0);
    const requeued = (await client.lrange("resque:queue:work", 0, -1)).map((raw) => (JSON.parse(raw) as { args: [number] }).args[0]);
    expect(requeued).toHaveLength(total);
    expect(new Set(requeued).size).toBe(total);
    await client.quit();
  });

  it("single retries racing each other on one entry: exactly one succeeds", async () => {
    const client = await seed([entry(0), entry(1)]);
    const a = admin();
    const job = (await a.failed.get(0))!;
    const outcomes = await Promise.allSettled([a.failed.retryAndRemove(job), a.failed.retryAndRemove(job), admin().failed.retryAndRemove(job)]);
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === "rejected").every((o) => (o as PromiseRejectedResult).reason instanceof FailedEntryChangedError)).toBe(true);
    expect(await client.lrange("resque:failed", 0, -1)).toEqual([entry(1)]);
    expect(await client.llen("resque:queue:q0")).toBe(1);
    await client.quit();
  });

  describe("Ruby's RedisMultiQueue backend", () => {
    it("lists, pages, counts, groups, retries, removes and clears <queue>_failed lists beside failed", async () => {
      const client = await seed([entry(0, { queue: "other" })]);
      await seed([entry(1, { queue: "mail" }), entry(2, { queue: "mail" })], "mail_failed");
      await seed([entry(3, { queue: "low" })], "low_failed");
      const a = admin();
      expect(await a.failed.lists()).toEqual([
        { name: "failed", queue: undefined, size: 1 },
        { name: "low_failed", queue: "low", size: 1 },
        { name: "mail_failed", queue: "mail", size: 2 },
      ]);
      expect(await a.failed.count()).toBe(4);
      expect((await a.failed.page()).map((f) => [f.list, f.index])).toEqual([
        ["failed", 0],
        ["low_failed", 0],
        ["mail_failed", 0],
        ["mail_failed", 1],
      ]);
      expect((await a.failed.page({ newestFirst: true, count: 2 })).map((f) => [f.list, f.index])).toEqual([
        ["mail_failed", 1],
        ["mail_failed", 0],
      ]);
      expect((await a.failed.page({ list: "mail_failed", start: 1 })).map((f) => f.error)).toEqual(["x2"]);
      expect(await a.failed.groups("queue")).toEqual([
        { key: "mail", count: 2 },
        { key: "low", count: 1 },
        { key: "other", count: 1 },
      ]);

      const mail = (await a.failed.get(1, "mail_failed"))!;
      await a.failed.retry(mail);
      expect(await client.lrange("resque:queue:mail", 0, -1)).toEqual(['{"class":"Job2","args":[2]}']);
      expect((JSON.parse((await client.lindex("resque:mail_failed", 1))!) as { retried_at: string }).retried_at).toMatch(RETRIED_AT);
      await a.failed.remove((await a.failed.get(0, "mail_failed"))!);
      expect(await client.llen("resque:mail_failed")).toBe(1);

      expect(await a.failed.retryAndRemoveMatching({ list: "low_failed" })).toMatchObject({ affected: 1 });
      expect(await client.llen("resque:queue:low")).toBe(1);
      expect(await a.failed.clear({ list: "mail_failed" })).toBe(1);
      // Ruby leaves the name in failed_queues (a writer may be about to push to it).
      expect(await client.smembers("resque:failed_queues")).toEqual(expect.arrayContaining(["mail_failed", "low_failed"]));
      await expect(a.failed.page({ list: "nope_failed" })).rejects.toThrow(NotFoundError);
      expect(await a.failed.clear()).toBe(1);
      expect(await a.failed.count()).toBe(0);
      await client.quit();
    });
  });
});
