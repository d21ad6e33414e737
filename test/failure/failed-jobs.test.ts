import { describe, expect, it } from "vitest";
import { FailedEntryChangedError } from "../../src/index.js";
import { goldenKey } from "../helpers/golden.js";
import { useRedis } from "../helpers/resque.js";

const RETRIED_AT = /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}$/;

function entry(n: number, payload = `{"class":"Job${n}","args":[${n}]}`): string {
  return `{"failed_at":"2026/11/25 14:49:29 UTC","payload":${payload},"exception":"RuntimeError","error":"x${n}","backtrace":["t.rb:7:in \`perform'"],"worker":"vm:5313:high","queue":"q${n}"}`;
}

describe("failed jobs", () => {
  const redis = useRedis();

  async function seed(entries: string[]) {
    const client = redis.server().client();
    await client.rpush("resque:failed", ...entries);
    return client;
  }

  it("lists entries oldest first, reading Ruby Resque's and node-resque's entries", async () => {
    const resque = redis.make();
    const ruby = goldenKey("after-work.json", "resque:failed").value as string[];
    const nodeResque =
      '{"worker":"vm:9:default","queue":"default","payload":{"class":"EchoJob","queue":"default","args":[1]},"exception":"Error","error":"boom","backtrace":null,"failed_at":"Wed Nov 25 2026 14:53:24 GMT+0000 (Coordinated Universal Time)"}';
    const client = await seed([...ruby, nodeResque]);
    const all = await resque.failed.all();
    expect(all.map((f) => f.index)).toEqual([0, 1, 2]);
    expect(all[0]).toMatchObject({
      payload: { class: "FailJob", args: ["boom", 123, { why: "deliberate" }] },
      exception: "ArgumentError",
      worker: "vm:8673:*",
      queue: "default",
    });
    expect(all[0]!.failedAt?.toISOString()).toBe("2026-11-25T14:53:24.000Z");
    expect(all[2]).toMatchObject({ payload: { class: "EchoJob", args: [1] }, error: "boom", backtrace: [] });
    expect(all[2]!.failedAt?.toISOString()).toBe("2026-11-25T14:53:24.000Z");
    expect(await resque.failed.count()).toBe(3);
    expect((await resque.failed.all(1, 1)).map((f) => f.index)).toEqual([1]);
    await client.quit();
  });

  it("retry requeues the payload and stamps retried_at, keeping the entry", async () => {
    const resque = redis.make();
    const client = await seed([entry(0), entry(1)]);
    await resque.failed.retry(1);
    expect(await client.lrange("resque:queue:q1", 0, -1)).toEqual(['{"class":"Job1","args":[1]}']);
    expect(await client.sismember("resque:queues", "q1")).toBe(1);
    const [first, second] = await client.lrange("resque:failed", 0, -1);
    expect(first).toBe(entry(0));
    expect(second!.startsWith(entry(1).slice(0, -1))).toBe(true);
    const stamped = JSON.parse(second!) as Record<string, string>;
    expect(Object.keys(stamped).at(-1)).toBe("retried_at");
    expect(stamped.retried_at).toMatch(RETRIED_AT);
    expect((await resque.failed.get(1))?.retriedAt).toBeInstanceOf(Date);
    // Retrying again replaces the stamp instead of adding a second one.
    await resque.failed.retry(1);
    const again = (await client.lindex("resque:failed", 1))!;
    expect(again.match(/retried_at/g)).toHaveLength(1);
    await client.quit();
  });

  it("retry keeps the payload's exact bytes (Ruby floats stay 1.0)", async () => {
    const resque = redis.make();
    const client = await seed([entry(0, '{"class":"Job0","args":[1.0,1e+20,"\\u00e9"]}')]);
    await resque.failed.retry(0);
    expect(await client.lrange("resque:queue:q0", 0, -1)).toEqual(['{"class":"Job0","args":[1.0,1e+20,"\\u00e9"]}']);
    await client.quit();
  });

  it("retry writes a fresh {class,args} payload when the entry's payload has other members", async () => {
    const resque = redis.make();
    const client = await seed([entry(0, '{"class":"Job0","queue":"q0","args":[1]}')]);
    await resque.failed.retry(0);
    expect(await client.lrange("resque:queue:q0", 0, -1)).toEqual(['{"class":"Job0","args":[1]}']);
    await client.quit();
  });

  it("retryAndRemove requeues and removes; remove only removes", async () => {
    const resque = redis.make();
    const client = await seed([entry(0), entry(1), entry(2)]);
    await resque.failed.retryAndRemove(1);
    expect(await client.lrange("resque:failed", 0, -1)).toEqual([entry(0), entry(2)]);
    expect(await client.llen("resque:queue:q1")).toBe(1);
    await resque.failed.remove(0);
    expect(await client.lrange("resque:failed", 0, -1)).toEqual([entry(2)]);
    expect(await client.llen("resque:queue:q0")).toBe(0);
    await client.quit();
  });

  it("remove deletes exactly one entry even when identical entries exist", async () => {
    const resque = redis.make();
    const client = await seed([entry(0), entry(0), entry(1)]);
    await resque.failed.remove(1);
    expect(await client.lrange("resque:failed", 0, -1)).toEqual([entry(0), entry(1)]);
    await client.quit();
  });

  it("retryAll requeues every entry and keeps them; clear empties the list", async () => {
    const resque = redis.make();
    const client = await seed([entry(0), entry(1)]);
    expect(await resque.failed.retryAll()).toBe(2);
    expect(await client.llen("resque:queue:q0")).toBe(1);
    expect(await client.llen("resque:queue:q1")).toBe(1);
    expect(await resque.failed.count()).toBe(2);
    expect(await resque.failed.retryAndRemoveAll()).toBe(2);
    expect(await resque.failed.count()).toBe(0);
    expect(await client.llen("resque:queue:q0")).toBe(2);
    await client.rpush("resque:failed", entry(3));
    await resque.failed.clear();
    expect(await client.exists("resque:failed")).toBe(0);
    await client.quit();
  });

  it("refuses to act on an index whose entry changed since it was read", async () => {
    const resque = redis.make();
    const client = await seed([entry(0), entry(1)]);
    const job = await resque.failed.get(1);
    expect(job?.payload.class).toBe("Job1");
    await client.lpop("resque:failed"); // another client removed entry 0: index 1 is now empty
    await expect(resque.failed.retry(1)).rejects.toThrow(/no failed job at index 1/);
    await client.lpush("resque:failed", entry(5));
    // index 0 now holds a different entry than one read before the change
    const stale = await resque.failed.get(0);
    await client.lset("resque:failed", 0, entry(6));
    await expect(resque.store.failures.remove(0, stale!.raw)).resolves.toBe(false);
    await expect(resque.failed.remove(7)).rejects.toThrow(/no failed job at index 7/);
    expect(FailedEntryChangedError.name).toBe("FailedEntryChangedError");
    await client.quit();
  });
});
