/** Queue placement, worker queue splitting and the shared slot budget: pure logic, no Redis. */
import { describe, expect, it } from "vitest";
import { hashTagOf, keySlot } from "../../src/shards/hash-slot.js";
import { hashedShardOf, QueueRouter } from "../../src/shards/queue-router.js";
import { shardQueues } from "../../src/shards/shard-queues.js";
import { SlotBudget } from "../../src/shards/slot-budget.js";
import { planShardTags } from "../../src/shards/plan-tags.js";

describe("placing queues on shards", () => {
  it("hashes a queue name to the same shard in every version (changing this moves users' queues)", () => {
    const placed = ["mail", "default", "critical", "images", "reports", "webhooks"].map((q) => [q, hashedShardOf(q, 3), hashedShardOf(q, 4)]);
    expect(placed).toEqual([
      ["mail", 1, 1],
      ["default", 2, 3],
      ["critical", 0, 0],
      ["images", 0, 0],
      ["reports", 1, 1],
      ["webhooks", 0, 3],
    ]);
  });

  it("moves only queues onto an appended shard, about 1/(n+1) of them", () => {
    const queues = Array.from({ length: 3000 }, (_, i) => `queue-${i}`);
    let moved = 0;
    for (const queue of queues) {
      const before = hashedShardOf(queue, 3);
      const after = hashedShardOf(queue, 4);
      if (after !== before) {
        expect(after).toBe(3);
        moved++;
      }
    }
    expect(moved / queues.length).toBeGreaterThan(0.2);
    expect(moved / queues.length).toBeLessThan(0.3);
  });

  it("lets an explicit assignment win over the hash", () => {
    const router = new QueueRouter(3, new Map([["mail", 2]]));
    expect(router.shardOf("mail")).toBe(2);
    expect(router.shardOf("default")).toBe(hashedShardOf("default", 3));
  });

  it("computes Cluster slots as Redis does", () => {
    expect(keySlot("123456789")).toBe(0x31c3); // the specification's CRC16 check value
    expect(keySlot("{user1000}.following")).toBe(keySlot("{user1000}.followers"));
    expect(hashTagOf("foo{}{bar}")).toBeUndefined(); // an empty first tag: the whole key is hashed
    expect(hashTagOf("foo{{bar}}zap")).toBe("{bar");
    expect(keySlot("{resque}:queues")).toBe(keySlot("{resque}:queue:mail"));
  });
});

describe("a worker's queues per shard", () => {
  const shardOf = (queue: string) => ({ a: 0, b: 1, c: 2 })[queue] ?? 0;

  it("sends plain names to their shard, globs and exclusions to every shard, keeping the order", () => {
    expect(shardQueues(["c", "a", "b", "a2"], 3, shardOf)).toEqual([["a", "a2"], ["b"], ["c"]]);
    expect(shardQueues("critical_*, b, !c_slow, *", 3, (q) => (q === "b" ? 1 : 0))).toEqual([
      ["critical_*", "!c_slow", "*"],
      ["critical_*", "b", "!c_slow", "*"],
      ["critical_*", "!c_slow", "*"],
    ]);
  });

  it("leaves a shard with only exclusions unserved", () => {
    expect(shardQueues(["a", "!b"], 3, shardOf)).toEqual([["a", "!b"], [], []]);
  });
});

describe("the slot budget of a worker on several shards", () => {
  it("shares the slots evenly between shards with jobs, and gives them all to a shard alone", () => {
    const budget = new SlotBudget(6);
    const a = () => {};
    const b = () => {};
    expect(budget.take(a, 6, 0)).toBe(6); // alone: everything
    budget.settle(a, 6, 6);
    expect(budget.take(b, 6, 0)).toBe(0); // a holds all; b's share (3) waits
    budget.giveBack(3); // three of a's jobs end
    expect(budget.take(a, 3, 3)).toBe(0); // a is at its share
    expect(budget.take(b, 6, 0)).toBe(3);
    budget.settle(b, 3, 0); // b found nothing: it drops out of the share
    expect(budget.take(a, 3, 3)).toBe(3);
  });

  it("wakes a worker that waited for slots when some come back, and not one that ran dry", () => {
    const budget = new SlotBudget(2);
    const woken: string[] = [];
    const a = () => woken.push("a");
    const b = () => woken.push("b");
    expect(budget.take(a, 2, 0)).toBe(2);
    budget.settle(a, 2, 2);
    expect(budget.take(b, 2, 0)).toBe(0);
    budget.giveBack(1);
    expect(woken).toEqual(["b"]);
    expect(budget.take(b, 1, 0)).toBe(1);
    budget.settle(b, 1, 0);
    budget.giveBack(2);
    expect(woken).toEqual(["b"]);
  });
});

describe("planning shard tags", () => {
  const ranges = [
    { start: 0, end: 5460, master: "127.0.0.1:7000", nodeId: "a" },
    { start: 5461, end: 10922, master: "127.0.0.1:7001", nodeId: "b" },
    { start: 10923, end: 16383, master: "127.0.0.1:7002", nodeId: "c" },
  ];

  it("puts shard i on master i modulo the masters, each in a slot of its own", () => {
    const plan = planShardTags(ranges, 5);
    expect(plan.map((p) => p.master)).toEqual(["127.0.0.1:7000", "127.0.0.1:7001", "127.0.0.1:7002", "127.0.0.1:7000", "127.0.0.1:7001"]);
    for (const shard of plan) expect(keySlot(`${shard.namespace}:queues`)).toBe(shard.slot);
    expect(new Set(plan.map((p) => p.slot)).size).toBe(5);
  });

  it("refuses a count below one and a base that would break the tag", () => {
    expect(() => planShardTags(ranges, 0)).toThrow(/at least 1/);
    expect(() => planShardTags(ranges, 2, "a}b")).toThrow(/must be non-empty and contain no/);
  });
});
