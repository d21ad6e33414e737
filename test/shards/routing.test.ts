/** Queue placement, worker queue splitting and the shared slot budget: pure logic, no Redis. */
import { describe, expect, it, vi } from "vitest";
import { hashTagOf, keySlot } from "../../src/redis/hash-slot.js";
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
  const turn = () => new Promise((resolve) => setImmediate(resolve));

  it("gives a shard every free slot at once, and keeps slots that come back for the shards waiting in line, in turn", () => {
    const budget = new SlotBudget(6);
    const a = () => {};
    const b = () => {};
    const c = () => {};
    expect(budget.take(a, 6)).toBe(6); // first come: the whole batch, not a share
    budget.settle(a, 6, 6);
    expect(budget.take(b, 6)).toBe(0); // a holds all: b waits in line
    expect(budget.take(c, 6)).toBe(0); // behind b
    budget.giveBack(6); // a's jobs end
    expect(budget.take(a, 6)).toBe(0); // kept for b (and c): a goes behind them
    expect(budget.take(c, 6)).toBe(0); // still b's turn; c keeps its place
    expect(budget.take(b, 6)).toBe(6);
    budget.settle(b, 6, 6);
    budget.giveBack(6);
    expect(budget.take(a, 6)).toBe(0); // c is ahead of a
    expect(budget.take(c, 6)).toBe(6);
    budget.settle(c, 6, 6);
    budget.giveBack(6);
    expect(budget.take(a, 6)).toBe(6);
    expect(budget.free).toBe(0);
  });

  it("sends a shard served in part to the back of the line, and drops a shard that ran dry from it", () => {
    const budget = new SlotBudget(4);
    const x = () => {};
    const a = () => {};
    const b = () => {};
    expect(budget.take(x, 4)).toBe(4);
    expect(budget.take(a, 4)).toBe(0);
    expect(budget.take(b, 4)).toBe(0); // the line: a, b
    budget.giveBack(2);
    expect(budget.take(a, 4)).toBe(2); // served in part: behind b now
    budget.giveBack(2);
    expect(budget.take(a, 2)).toBe(0); // b's turn
    expect(budget.take(b, 4)).toBe(2); // served in part again: behind a
    budget.settle(b, 2, 0); // b found its queues empty: it leaves the line and gives the slots back
    expect(budget.waiting).toBe(1);
    expect(budget.take(a, 2)).toBe(2);
    expect(budget.waiting).toBe(0);
  });

  it("never grants more than its size in total", () => {
    const budget = new SlotBudget(5);
    const workers = [() => {}, () => {}, () => {}];
    let held = 0;
    let granted = 0;
    for (let round = 0; round < 200; round++) {
      const worker = workers[round % 3]!;
      const got = budget.take(worker, 1 + (round % 7));
      held += got;
      granted += got;
      expect(held).toBeLessThanOrEqual(5);
      const back = round % 4 === 0 ? held : Math.min(held, 1);
      budget.giveBack(back);
      held -= back;
    }
    expect(granted).toBeGreaterThan(200);
  });

  it("wakes the worker in line once, after the slots that come back in one turn are all back", async () => {
    const budget = new SlotBudget(3);
    const woken: number[] = [];
    const a = () => {};
    const b = () => woken.push(budget.free);
    expect(budget.take(a, 3)).toBe(3);
    expect(budget.take(b, 3)).toBe(0);
    budget.giveBack(1);
    budget.giveBack(1);
    budget.giveBack(1);
    expect(woken).toEqual([]);
    await turn();
    expect(woken).toEqual([3]); // one wake-up, with the whole batch free
    expect(budget.take(b, 3)).toBe(3);
  });

  it("does not wake a worker that ran dry", async () => {
    const budget = new SlotBudget(2);
    const woken: string[] = [];
    const a = () => woken.push("a");
    const b = () => woken.push("b");
    expect(budget.take(a, 2)).toBe(2);
    budget.settle(a, 2, 2);
    expect(budget.take(b, 2)).toBe(0);
    budget.giveBack(1);
    await turn();
    expect(woken).toEqual(["b"]);
    expect(budget.take(b, 1)).toBe(1);
    budget.settle(b, 1, 0);
    budget.giveBack(2);
    await turn();
    expect(woken).toEqual(["b"]);
  });

  it("passes the turn on when a worker offered slots does not come for them (paused or stopping)", async () => {
    vi.useFakeTimers();
    try {
      const budget = new SlotBudget(2);
      const woken: string[] = [];
      const a = () => woken.push("a");
      const b = () => woken.push("b");
      const c = () => woken.push("c");
      expect(budget.take(a, 2)).toBe(2);
      expect(budget.take(b, 2)).toBe(0);
      expect(budget.take(c, 2)).toBe(0);
      budget.giveBack(2);
      await vi.advanceTimersByTimeAsync(0);
      expect(woken).toEqual(["b"]); // b's turn; b never comes
      expect(budget.take(a, 2)).toBe(0); // kept for b meanwhile
      await vi.advanceTimersByTimeAsync(1100);
      expect(woken).toContain("c"); // b's offer went stale: c is told
      expect(budget.take(c, 2)).toBe(2);
    } finally {
      vi.useRealTimers();
    }
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
