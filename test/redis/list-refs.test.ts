/**
 * The scripts that change list items a caller read earlier (list-refs.lua) find each item at its
 * position, at its distance from the tail, or nearby, and never act on one position twice.
 */
import { describe, expect, it } from "vitest";
import { storeOf } from "../../src/redis/store-of.js";
import { useRedis } from "../helpers/resque.js";

const job = (n: number) => `{"class":"A","args":[${n}]}`;

describe("list references", () => {
  const redis = useRedis();

  async function queueOf(count: number) {
    const client = redis.server().client();
    await client.rpush("resque:queue:q", ...Array.from({ length: count }, (_, i) => job(i)));
    return client;
  }

  it("finds items after many pops at the head by their distance from the tail", async () => {
    const client = await queueOf(5000);
    const store = storeOf(redis.make()).queues;
    const chunk = await store.after("q", undefined, 1000);
    const refs = chunk.items
      .map((raw, i) => ({ index: chunk.start + i, raw, fromTail: chunk.length - (chunk.start + i) }))
      .filter((_, i) => i >= 600 && i % 2 === 0);
    await client.lpop("resque:queue:q", 500); // workers took 500 jobs: far more than the search window
    expect(await store.removeItems("q", refs)).toBe(refs.length);
    const left = await client.lrange("resque:queue:q", 0, -1);
    expect(left).toHaveLength(4500 - refs.length);
    expect(left.filter((raw) => refs.some((r) => r.raw === raw))).toEqual([]);
    await client.quit();
  });

  it("finds items after many pushes at the head (enqueueFront) by their distance from the tail, and refuses items that are gone", async () => {
    const client = await queueOf(2000);
    const store = storeOf(redis.make()).queues;
    const chunk = await store.after("q", undefined, 1000);
    const refs = [10, 20, 30].map((i) => ({ index: i, raw: chunk.items[i]!, fromTail: chunk.length - i }));
    await client.lpush("resque:queue:q", ...Array.from({ length: 800 }, (_, i) => job(10_000 + i))); // jobs put in front of them
    await client.lrem("resque:queue:q", 1, job(20)); // someone removed one of them
    expect(await store.removeItems("q", refs)).toBe(2);
    expect(await client.llen("resque:queue:q")).toBe(2800 - 3);
    await client.quit();
  });

  it("finds items after many pushes at the tail by their position", async () => {
    const client = await queueOf(2000);
    const store = storeOf(redis.make()).queues;
    const chunk = await store.after("q", undefined, 1000);
    const refs = [100, 900].map((i) => ({ index: i, raw: chunk.items[i]! })); // no distance from the tail known
    await client.rpush("resque:queue:q", ...Array.from({ length: 3000 }, (_, i) => job(10_000 + i)));
    expect(await store.removeItems("q", refs)).toBe(2);
    await client.quit();
  });

  it("N references to N identical items remove N of them, never more", async () => {
    const client = redis.server().client();
    await client.rpush("resque:queue:q", job(1), job(1), job(1), job(2));
    const store = storeOf(redis.make()).queues;
    expect(await store.removeItems("q", [{ index: 0, raw: job(1) }, { index: 0, raw: job(1) }])).toBe(2);
    expect(await client.lrange("resque:queue:q", 0, -1)).toEqual([job(1), job(2)]);
    await client.quit();
  });
});
