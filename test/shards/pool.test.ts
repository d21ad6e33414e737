/** `resque work --count N` with a sharded Resque: three shards as namespaces of one Redis. */
import { describe, expect, it } from "vitest";
import { until } from "../helpers/events.js";
import { runTs, type TsProcess } from "../helpers/processes.js";
import { useRedis } from "../helpers/resque.js";

const CLI = "src/cli/resque.ts";
const SHARDS = { q1: "shard-a", q2: "shard-b", q3: "shard-c" } as const;

describe("a worker pool serving a sharded Resque", () => {
  const redis = useRedis();

  function pool(args: string[], env: Record<string, string> = {}): TsProcess {
    return runTs(CLI, { REDIS_URL: redis.server().url, INTERVAL: "0.2", RESQUE_TERM_TIMEOUT: "0.5", LOG_LEVEL: "warn", LOG_FORMAT: "json", ...env }, [
      "work",
      "--require",
      "./test/fixtures/sharded-pool-jobs.ts",
      ...args,
    ]);
  }

  type Client = ReturnType<ReturnType<typeof redis.server>["client"]>;

  function enqueue(client: Client, queue: keyof typeof SHARDS, payloads: string[]) {
    const ns = SHARDS[queue];
    return client.multi().sadd(`${ns}:queues`, queue).rpush(`${ns}:queue:${queue}`, ...payloads).exec();
  }

  it("runs the jobs of every shard in its children, each once, and unregisters from every shard on QUIT", async () => {
    const client = redis.server().client();
    for (const queue of ["q1", "q2", "q3"] as const) {
      await enqueue(client, queue, Array.from({ length: 60 }, (_, i) => `{"class":"Tick","args":["${queue}-${i}"]}`));
    }
    const master = pool(["--queues", "q1,q2,q3", "--count", "2", "--concurrency", "2"]);
    await until(() => client.scard("test:done"), (n) => n === 180);
    // Each child registers its slots on every shard it serves: 2 children × 2 slots per shard.
    for (const ns of Object.values(SHARDS)) {
      const ids = await until(() => client.smembers(`${ns}:workers`), (w) => w.length === 4);
      expect(new Set(ids.map((id) => id.split(":")[1])).size).toBe(2);
    }
    master.child.kill("SIGQUIT");
    expect((await master.exited).code).toBe(0);
    expect(await client.get("test:runs")).toBe("180"); // none twice
    for (const [queue, ns] of Object.entries(SHARDS)) {
      expect(await client.get(`${ns}:stat:processed`)).toBe("60");
      expect(await client.llen(`${ns}:queue:${queue}`)).toBe(0);
      expect(await client.smembers(`${ns}:workers`)).toEqual([]);
    }
    await client.quit();
  }, 60_000);

  it("settles a killed child's job on the shard it ran on, and a new child runs it", async () => {
    const client = redis.server().client();
    await enqueue(client, "q2", ['{"class":"Doze","args":["long-1"]}']);
    const master = pool(["--queues", "q1,q2", "--count", "1"]);
    await until(() => client.smembers("test:doze-started"), (s) => s.includes("long-1"));
    const [workerId] = await client.smembers("shard-b:workers");
    const pid = Number(workerId!.split(":")[1]);
    process.kill(pid, "SIGKILL");
    // The master requeues the job on shard-b (not on the first shard), counted as a dirty exit
    // there, and the new child starts it again.
    await until(() => client.get("test:doze-runs:long-1"), (n) => n === "2");
    // It was the master that settled it, on shard-b (a new child's pruning would too, but later).
    const settled = await master.line(/settled jobs of an exited child/);
    expect(JSON.parse(settled)).toMatchObject({ shard: "shard-b", requeued: 1, failed: 0 });
    expect(await client.hlen("shard-b:resque-ts:dirty-exits")).toBe(1);
    expect(await client.exists("shard-a:resque-ts:dirty-exits")).toBe(0);
    expect(await client.llen("shard-a:queue:q2")).toBe(0);
    // The dead child's workers are gone from both shards it served; the new child's are there.
    for (const ns of ["shard-a", "shard-b"]) {
      const ids = await client.smembers(`${ns}:workers`);
      expect(ids).toHaveLength(1);
      expect(ids[0]!.split(":")[1]).not.toBe(String(pid));
    }
    master.child.kill("SIGTERM");
    await master.exited;
    // TERM requeues the interrupted job on its shard: nothing lost.
    expect(await client.lrange("shard-b:queue:q2", 0, -1)).toEqual(['{"class":"Doze","args":["long-1"]}']);
    for (const ns of ["shard-a", "shard-b"]) expect(await client.smembers(`${ns}:workers`)).toEqual([]);
    await client.quit();
  }, 60_000);
});
