import type { Cluster } from "ioredis";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Job, planShards, Resque, retry, trackStatus } from "../../src/index.js";
import { storeOf } from "../../src/redis/store-of.js";
import { keySlot } from "../../src/redis/hash-slot.js";
import { collect, collectRecorded, until } from "../helpers/events.js";
import { ClusterSetup } from "../helpers/redis-topologies.js";
import { runTs } from "../helpers/processes.js";
import { silentLogger } from "../helpers/resque.js";

const done: string[] = [];
let failures = 0;
let running = 0;
let mostAtOnce = 0;

class Work extends Job<[string]> {
  static override queue = "alpha";
  async perform(label: string) {
    running++;
    mostAtOnce = Math.max(mostAtOnce, running);
    await new Promise((resolve) => setImmediate(resolve));
    running--;
    if (label.startsWith("fail")) {
      failures++;
      throw new Error(`${label} fails`);
    }
    done.push(label);
  }
}

/** Each job waits until `gateAt` jobs run at once, so a test sees how many slots a worker really has. */
let gateAt = 0;
let gateRunning = 0;
let openGate: () => void = () => {};
let gate = new Promise<void>((resolve) => (openGate = resolve));
class Gated extends Job<[number]> {
  static override queue = "alpha";
  async perform() {
    if (++gateRunning >= gateAt) openGate();
    await gate;
  }
}

const finishedHangs: number[] = [];
/** Completes the jobs the killed process left (same name as the fixture's hanging job). */
class Hang extends Job<[number]> {
  static override queue = "a";
  perform(n: number) {
    finishedHangs.push(n);
  }
}

let retriedAttempts = 0;
@retry({ delay: 1 })
class RetriedOnce extends Job<[string]> {
  static override queue = "beta";
  perform(label: string) {
    if (retriedAttempts++ === 0) throw new Error("fails on the first attempt");
    done.push(`${label} on attempt ${this.context.attempt}`);
  }
}

@trackStatus()
class Tracked extends Job<[string, number]> {
  static override queue = "gamma";
  perform() {}
}

describe("shards on a 3-master Redis Cluster", () => {
  let setup: ClusterSetup;
  let namespaces: string[];
  const open: Resque[] = [];
  const make = (shards: { namespaces: readonly string[]; queues?: Record<string, string> }, extra: Record<string, unknown> = {}) => {
    const resque = new Resque({ redis: { cluster: setup.addresses }, shards, jobs: [Work], logger: silentLogger, ...extra });
    open.push(resque);
    return resque;
  };

  beforeAll(async () => {
    setup = await ClusterSetup.start(3);
    namespaces = (await planShards({ redis: { cluster: setup.addresses }, count: 3 })).map((s) => s.namespace);
  }, 60_000);
  afterEach(async () => {
    await Promise.all(open.splice(0).map((r) => r.close()));
    for (const { host, port } of setup.addresses) {
      const node = new Redis(port, host);
      await node.flushall();
      await node.quit();
    }
  });
  afterAll(async () => {
    await setup?.close();
  });

  it("plans one shard tag per master", async () => {
    const plan = await planShards({ redis: { cluster: setup.addresses }, count: 3 });
    expect(new Set(plan.map((s) => s.master)).size).toBe(3);
    const node = new Redis(setup.addresses[0]!.port, "127.0.0.1");
    try {
      for (const shard of plan) {
        expect(keySlot(`${shard.namespace}:queues`)).toBe(shard.slot);
        expect(await node.call("CLUSTER", "KEYSLOT", `${shard.namespace}:queue:mail`)).toBe(shard.slot); // Redis agrees
      }
    } finally {
      node.disconnect();
    }
    const six = await planShards({ redis: { cluster: setup.addresses }, count: 6 });
    const perMaster = new Map<string, number>();
    for (const shard of six) perMaster.set(shard.master, (perMaster.get(shard.master) ?? 0) + 1);
    expect([...perMaster.values()]).toEqual([2, 2, 2]);
  });

  it("puts each queue on its shard, runs, fails and retries jobs across all shards, and counts exactly", async () => {
    done.length = 0;
    failures = 0;
    mostAtOnce = 0;
    const [a, b, c] = namespaces as [string, string, string];
    const resque = make({ namespaces, queues: { alpha: a, beta: b, gamma: c } });
    expect(resque.shardOf("alpha")).toBe(a);
    expect(resque.shardOf("gamma")).toBe(c);
    const worker = resque.worker({ queues: ["alpha", "beta", "gamma"], concurrency: 4, interval: 0.2 });
    await worker.start();
    try {
      const total = 90;
      const finished = collect(worker, "job:recorded", total);
      for (const queue of ["alpha", "beta", "gamma"]) {
        await resque.enqueueBulk(Work, Array.from({ length: 29 }, (_, i) => [`${queue}-${i}`]), { queue });
        await resque.enqueueTo(queue, Work, `fail-${queue}`);
      }
      await finished;
      expect(done).toHaveLength(87);
      expect(failures).toBe(3);
      // One budget of 4 slots for the three shards together, all of it used.
      expect(mostAtOnce).toBe(4);
      for (const queue of ["alpha", "beta", "gamma"]) expect(await resque.shardAdmin(resque.shardOf(queue)!).queues.size(queue)).toBe(0);
      // Each shard recorded its own share: 29 done + 1 failed, and one failed entry.
      for (const member of namespaces) {
        const admin = resque.shardAdmin(member);
        expect(await admin.stats.totals()).toEqual({ processed: 30, failed: 1 });
        expect(await admin.failed.count()).toBe(1);
      }
      const sum = await resque.shardTotals();
      expect(sum).toEqual({ processed: 90, failed: 3 });

      // Retrying a failed job sends it back to its queue on its own shard.
      const retried = collectRecorded(worker, "job:failure", 1);
      const admin = resque.shardAdmin(b);
      await admin.failed.retryAndRemove((await admin.failed.get(0))!);
      await retried;
      expect(failures).toBe(4);
    } finally {
      await worker.stop();
    }

    // Every shard's keys live on its own master, under its own tag.
    const cluster = storeOf(resque).client as Cluster;
    const masters = cluster.nodes("master");
    const owners = new Map<string, string>();
    for (const node of masters) {
      const keys = await node.keys("*");
      for (const key of keys) {
        const namespace = namespaces.find((n) => key.startsWith(`${n}:`));
        expect(namespace, key).toBeDefined();
        const where = `${node.options.host}:${node.options.port}`;
        expect(owners.get(namespace!) ?? where).toBe(where);
        owners.set(namespace!, where);
      }
    }
    expect(new Set(owners.values()).size).toBe(3);
    // No command was refused for touching two slots.
    for (const node of masters) expect(await node.info("errorstats")).not.toMatch(/CROSSSLOT/);
  });

  it("serves all shards with \"*\" and runs delayed jobs and schedules on the owning shard", async () => {
    done.length = 0;
    const [a, b, c] = namespaces as [string, string, string];
    const resque = make({ namespaces, queues: { alpha: a, beta: b, gamma: c } });
    const worker = resque.worker({ queues: "*", concurrency: 2, interval: 0.2 });
    const scheduler = resque.shardedScheduler({
      interval: 0.2,
      lockTimeout: 5,
      schedule: { every_gamma: { every: "1s", class: "Work", queue: "gamma", args: ["scheduled"] } },
    });
    await worker.start();
    await scheduler.start();
    try {
      await resque.enqueueIn(1, Work, "delayed-alpha");
      await resque.enqueueAtWithQueue("beta", Date.now() + 1000, Work, "delayed-beta");
      expect(await resque.shardAdmin(a).delayed.count()).toBe(1);
      expect(await resque.shardAdmin(b).delayed.count()).toBe(1);
      expect(await resque.shardAdmin(c).delayed.count()).toBe(0);
      await until(async () => [...done], (list) => list.includes("delayed-alpha") && list.includes("delayed-beta") && list.includes("scheduled"));
      // The schedule fired onto gamma's shard only.
      expect(await resque.shardAdmin(c).stats.totals()).toMatchObject({ failed: 0 });
      expect((await resque.shardAdmin(c).stats.totals()).processed).toBeGreaterThanOrEqual(1);
    } finally {
      await scheduler.stop();
      await worker.stop();
    }
  });

  it("places unassigned queues by a stable hash of their name", () => {
    const resque = make({ namespaces });
    const again = make({ namespaces });
    const queues = Array.from({ length: 60 }, (_, i) => `queue-${i}`);
    const placed = queues.map((q) => resque.shardOf(q));
    expect(queues.map((q) => again.shardOf(q))).toEqual(placed);
    for (const namespace of namespaces) expect(placed.filter((n) => n === namespace).length).toBeGreaterThan(5);
  });

  it("refuses invalid shard configurations with a clear error", () => {
    const cluster = { cluster: setup.addresses };
    const attempt = (options: Record<string, unknown>) => () => new Resque({ redis: cluster, logger: silentLogger, ...options });
    expect(attempt({ namespace: "{x}", shards: { namespaces } })).toThrow(/either namespace or shards, not both/);
    expect(attempt({ shards: { namespaces: [] } })).toThrow(/at least one namespace/);
    expect(attempt({ shards: { namespaces: ["{a}", "{b}", "{a}:"] } })).toThrow(/"\{a\}:" is listed twice \(as "\{a\}"\)/);
    expect(attempt({ shards: { namespaces: ["{a}", "plain"] } })).toThrow(/every shard namespace must contain a hash tag.*"plain"/);
    expect(attempt({ shards: { namespaces: ["{a}", "app{a}"] } })).toThrow(/"\{a\}" and "app\{a\}" hash to the same Cluster slot/);
    expect(attempt({ shards: { namespaces, queues: { mail: "{nowhere}" } } })).toThrow(/assigns queue "mail" to "\{nowhere\}", which is not one of the shards/);
    const resque = make({ namespaces });
    expect(() => resque.worker({ queues: "!mail" })).toThrow(/only exclude queues/);
    expect(() => resque.scheduler()).toThrow(/use resque.shardedScheduler/);
    expect(() => resque.admin).toThrow(/one admin API per shard/);
  });

  it("leaves one shard's namespace exactly as a plain Resque namespace would be", async () => {
    const [a] = namespaces as [string];
    const sharded = make({ namespaces, queues: { alpha: a } });
    const plainNamespace = "{plain-resque}";
    const plain = new Resque({ redis: { cluster: setup.addresses }, namespace: plainNamespace, jobs: [Work], logger: silentLogger });
    open.push(plain);
    for (const resque of [sharded, plain]) {
      await resque.enqueue(Work, "same");
      await resque.enqueueAt(new Date("2030-01-01T00:00:00Z"), Work, "later");
    }
    const dump = async (resque: Resque, prefix: string) => {
      const client = storeOf(resque).client as Cluster;
      const out: Record<string, unknown> = {};
      for (const node of client.nodes("master")) {
        for (const key of await node.keys(`${prefix}:*`)) {
          const type = await node.type(key);
          const name = key.slice(prefix.length);
          if (type === "list") out[name] = await node.lrange(key, 0, -1);
          else if (type === "set") out[name] = (await node.smembers(key)).sort();
          else if (type === "zset") out[name] = await node.zrange(key, 0, -1, "WITHSCORES");
          else out[name] = type;
        }
      }
      return out;
    };
    const shardDump = await dump(sharded, a);
    expect(shardDump).toEqual(await dump(plain, plainNamespace));
    expect(shardDump[":queue:alpha"]).toEqual(['{"class":"Work","args":["same"]}']);
  });

  it("keeps a status job's status on its queue's shard and finds it by id from the facade", async () => {
    const [, , c] = namespaces as [string, string, string];
    const resque = make({ namespaces, queues: { gamma: c } });
    resque.register(Tracked);
    const id = await resque.statuses.enqueue(Tracked, 7);
    expect(id).toBeDefined();
    expect((await resque.status(id!))?.status).toBe("queued");
    const worker = resque.worker({ queues: "gamma", interval: 0.2 });
    await worker.start();
    try {
      await until(() => resque.status(id!), (status) => status?.status === "completed");
    } finally {
      await worker.stop();
    }
  });

  it("runs `concurrency` jobs on each shard with concurrencyPerShard", async () => {
    const [a, b, c] = namespaces as [string, string, string];
    const resque = make({ namespaces, queues: { alpha: a, beta: b, gamma: c } });
    resque.register(Gated);
    gateAt = 6;
    gateRunning = 0;
    gate = new Promise<void>((resolve) => (openGate = resolve));
    for (const queue of ["alpha", "beta", "gamma"]) await resque.enqueueBulk(Gated, [[1], [2], [3]], { queue });
    const worker = resque.worker({ queues: "alpha,beta,gamma", concurrency: 2, concurrencyPerShard: true, interval: 0.2 });
    const recorded = collect(worker, "job:recorded", 9);
    await worker.start();
    try {
      await recorded; // six at once (two per shard) opened the gate; with a total of 2 it would never open
      expect(gateRunning).toBe(9);
    } finally {
      await worker.stop();
    }
  });

  it("requeues a killed worker's jobs on every shard it served, and counts exactly", async () => {
    const [a, b, c] = namespaces as [string, string, string];
    const resque = make({ namespaces, queues: { a, b, c } });
    resque.register(Hang);
    for (const [i, queue] of ["a", "b", "c"].entries()) await resque.enqueueBulk(Hang, [[10 * i + 1], [10 * i + 2]], { queue });
    const proc = runTs("test/fixtures/sharded-hanging-worker.ts", { SHARD_CLUSTER_PORTS: setup.addresses.map((x) => x.port).join(","), SHARD_NAMESPACES: namespaces.join(",") });
    await proc.line(/^ready /);
    // One slot on each shard: one job running on each.
    await Promise.all([1, 11, 21].map((n) => proc.line(new RegExp(`^started ${n}$`))));
    proc.child.kill("SIGKILL");
    await proc.exited;
    for (const [queue, namespace] of [["a", a], ["b", b], ["c", c]] as const) {
      const admin = resque.shardAdmin(namespace);
      expect(await admin.queues.size(queue)).toBe(1);
      expect((await admin.workers.list()).filter((w) => w.job !== null)).toHaveLength(1); // the running job, recorded on its shard
    }
    finishedHangs.length = 0;
    const worker = resque.worker({ queues: "a,b,c", concurrency: 3, interval: 0.2 });
    await worker.start(); // prunes the dead process's workers on each shard (its pid is gone) and requeues their jobs
    try {
      await until(async () => [...finishedHangs], (done) => done.length === 6);
      expect(finishedHangs.sort((x, y) => x - y)).toEqual([1, 2, 11, 12, 21, 22]);
      await until(() => resque.shardTotals(), (t) => t.processed === 6);
      expect(await resque.shardTotals()).toEqual({ processed: 6, failed: 0 }); // enqueued 6 = done 6 + failed 0 + queued 0
      for (const [queue, namespace] of [["a", a], ["b", b], ["c", c]] as const) expect(await resque.shardAdmin(namespace).queues.size(queue)).toBe(0);
    } finally {
      await worker.stop();
    }
  }, 60_000);

  it("retries a @retry job through its own shard's delayed schedule", async () => {
    const [a, b] = namespaces as [string, string, string];
    const resque = make({ namespaces, queues: { alpha: a, beta: b } });
    resque.register(RetriedOnce);
    done.length = 0;
    retriedAttempts = 0;
    const worker = resque.worker({ queues: "*", interval: 0.2 });
    const scheduler = resque.shardedScheduler({ interval: 0.2, lockTimeout: 5 });
    await worker.start();
    await scheduler.start();
    try {
      const failedOnce = collectRecorded(worker, "job:failure", 1);
      await resque.enqueue(RetriedOnce, "retried");
      await failedOnce;
      // The retry waits in beta's shard, not in any other.
      await until(() => resque.shardAdmin(b).delayed.count(), (n) => n === 1);
      expect(await resque.shardAdmin(a).delayed.count()).toBe(0);
      await until(async () => [...done], (list) => list.includes("retried on attempt 1"));
      expect(await resque.shardAdmin(b).failed.count()).toBe(0); // the retried attempt never reached the failed list
      await until(() => resque.shardAdmin(b).stats.totals(), (t) => t.processed === 2);
      expect(await resque.shardTotals()).toEqual({ processed: 2, failed: 1 });
    } finally {
      await scheduler.stop();
      await worker.stop();
    }
  });
});
