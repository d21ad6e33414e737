/** Shards on one plain Redis (namespaces without hash tags): routing and workers behave as on Cluster. */
import { describe, expect, it } from "vitest";
import { Job } from "../../src/index.js";
import { collect } from "../helpers/events.js";
import { useRedis } from "../helpers/resque.js";

class Note extends Job<[number]> {
  static override queue = "notes";
  perform() {}
}

describe("shards on a single Redis", () => {
  const redis = useRedis();

  it("keeps each queue in its shard's namespace and serves both with one worker", async () => {
    const resque = redis.make({ shards: { namespaces: ["app-a", "app-b"], queues: { notes: "app-b", other: "app-a" } }, jobs: [Note] });
    await resque.enqueue(Note, 1);
    await resque.enqueueTo("other", Note, 2);
    const client = redis.server().client();
    expect(await client.lrange("app-b:queue:notes", 0, -1)).toEqual(['{"class":"Note","args":[1]}']);
    expect(await client.lrange("app-a:queue:other", 0, -1)).toEqual(['{"class":"Note","args":[2]}']);
    expect(await client.exists("resque:queues")).toBe(0);
    const worker = resque.worker({ queues: "notes,other", interval: 0.2 });
    const recorded = collect(worker, "job:recorded", 2);
    await worker.start();
    try {
      await recorded;
      expect(await client.get("app-a:stat:processed")).toBe("1");
      expect(await client.get("app-b:stat:processed")).toBe("1");
    } finally {
      await worker.stop();
      await client.quit();
    }
  });

  it("refuses shards together with namespace, and a namespace listed twice", () => {
    expect(() => redis.make({ namespace: "x", shards: { namespaces: ["a"] } })).toThrow(/either namespace or shards/);
    expect(() => redis.make({ shards: { namespaces: ["a", "a:"] } })).toThrow(/listed twice/);
  });
});
