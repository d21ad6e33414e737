import { describe, expect, it } from "vitest";
import type { Redis } from "ioredis";
import { until } from "../helpers/events.js";
import { runTs, type TsProcess } from "../helpers/processes.js";
import { RedisServer } from "../helpers/redis-server.js";
import { useRedis } from "../helpers/resque.js";

const CLI = "src/cli/resque.ts";

async function fillPool(client: Redis, payloads: string[]): Promise<void> {
  for (let i = 0; i < payloads.length; i += 1000) await client.rpush("resque:queue:pool", ...payloads.slice(i, i + 1000));
  await client.sadd("resque:queues", "pool");
}

function enqueueCounts(client: Redis, total: number, sleepMs: number): Promise<void> {
  return fillPool(client, Array.from({ length: total }, (_, i) => `{"class":"Count","args":[${i},${sleepMs}]}`));
}

/**
 * A redis-server with AOF (fsync always) holding `payloads` on the pool queue, `resque work
 * --concurrency 10` on it, and a restart of the server once `ready` says enough has run; then
 * `check` with a client of the restarted server, the worker stopped by QUIT (exit 0), and
 * `stopped` (what only a stopped worker has written).
 */
async function acrossRestart(
  payloads: string[],
  ready: (client: Redis) => Promise<boolean>,
  check: (after: Redis, worker: TsProcess) => Promise<void>,
  stopped?: (after: Redis) => Promise<void>,
): Promise<void> {
  const server = await RedisServer.start({ args: ["--appendonly", "yes", "--appendfsync", "always"] });
  try {
    const client = server.client();
    await fillPool(client, payloads);
    const worker = runTs(CLI, { REDIS_URL: server.url, QUEUE: "pool", INTERVAL: "0.5" }, [
      "work", "--concurrency", "10", "--require", "./test/fixtures/pool-jobs.ts",
    ]);
    await until(() => ready(client), (enough) => enough);
    await client.quit();
    await server.restart();
    const after = server.client();
    await check(after, worker);
    worker.child.kill("SIGQUIT");
    expect((await worker.exited).code).toBe(0);
    await stopped?.(after);
    await after.quit();
  } finally {
    await server.close();
  }
}

/** Every job id is done, failed or still queued: returns the ids accounted nowhere. */
async function missing(client: Redis, total: number): Promise<{ missing: number[]; done: number; failed: number; queued: number; runs: number }> {
  const done = new Set((await client.smembers("test:done")).map(Number));
  const failed = (await client.lrange("resque:failed", 0, -1)).map((e) => (JSON.parse(e) as { payload: { args: number[] } }).payload.args[0]!);
  const queued = (await client.lrange("resque:queue:pool", 0, -1)).map((p) => (JSON.parse(p) as { args: number[] }).args[0]!);
  const seen = new Set([...done, ...failed, ...queued]);
  return {
    missing: Array.from({ length: total }, (_, i) => i).filter((i) => !seen.has(i)),
    done: done.size,
    failed: failed.length,
    queued: queued.length,
    runs: Number(await client.get("test:runs")),
  };
}

/** Jobs recorded as running in worker keys (not yet settled). */
async function running(client: Redis): Promise<number> {
  return (await client.keys("resque:worker:*")).filter((k) => !k.endsWith(":started")).length;
}

describe("fault tolerance: nothing is lost", () => {
  const redis = useRedis();

  it("a 5,000-job run with pool children killed by SIGKILL again and again", async () => {
    const client = redis.server().client();
    const total = 5000;
    await enqueueCounts(client, total, 2);
    const master = runTs(CLI, { REDIS_URL: redis.server().url, QUEUE: "pool", INTERVAL: "0.5", RESQUE_TERM_TIMEOUT: "1" }, [
      "work", "--count", "3", "--concurrency", "5", "--require", "./test/fixtures/pool-jobs.ts",
    ]);
    let kills = 0;
    while (kills < 10) {
      const ids = await client.smembers("resque:workers");
      const pids = [...new Set(ids.map((id) => Number(id.split(":")[1])))];
      if ((await client.scard("test:done")) > (kills + 1) * 350 && pids.length > 0) {
        try {
          process.kill(pids[kills % pids.length]!, "SIGKILL");
          kills++;
        } catch {
          // that child was already gone
        }
      }
      if ((await client.llen("resque:queue:pool")) === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const account = await until(
      async () => ({ ...(await missing(client, total)), running: await running(client) }),
      (a) => a.queued === 0 && a.running === 0 && a.done + a.failed >= total,
      120_000,
    );
    master.child.kill("SIGQUIT");
    await master.exited;
    expect(kills).toBeGreaterThanOrEqual(5);
    expect(account.missing).toEqual([]);
    // Interrupted jobs ran again (at least once); a job interrupted three times ends as DirtyExit.
    expect(account.done + account.failed).toBe(total);
    await client.quit();
  }, 180_000);

  it("a run across a redis-server restart (AOF on) loses no job and counts none twice in the failed list", async () => {
    const total = 3000;
    const payloads = Array.from({ length: total }, (_, i) => `{"class":"Count","args":[${i},1]}`);
    await acrossRestart(
      payloads,
      async (client) => (await client.scard("test:done")) > 500,
      async (after, worker) => {
        const account = await until(
          async () => ({ ...(await missing(after, total)), running: await running(after) }),
          (a) => a.queued === 0 && a.running === 0 && a.done + a.failed >= total,
        );
        expect(account.missing).toEqual([]);
        expect(account.failed).toBe(0);
        expect(account.done).toBe(total);
        // The outage is logged once (not once per reconnect attempt; again only every 30 s), and so is the recovery.
        expect(worker.lines.filter((l) => l.includes("lost the connection to Redis at")).length).toBe(1);
        expect(worker.lines.filter((l) => /connected to Redis at \S+ again/.test(l)).length).toBe(1);
      },
      async (after) => expect(Number(await after.get("resque:stat:processed"))).toBeGreaterThanOrEqual(total),
    );
  }, 180_000);

  it("retried jobs across a redis-server restart (AOF on): each fails once and succeeds on its first retry, none lost", async () => {
    const total = 2000;
    const payloads = Array.from({ length: total }, (_, i) => `{"class":"FailsFirst","args":[${i}]}`);
    await acrossRestart(
      payloads,
      async (client) => (await client.hlen("test:succeeded-at")) > 300,
      async (after) => {
        await until(
          async () => ({ succeeded: await after.hlen("test:succeeded-at"), queued: await after.llen("resque:queue:pool"), running: await running(after) }),
          (a) => a.succeeded === total && a.queued === 0 && a.running === 0,
        );
        // An attempt counted twice (a lost reply's count repeated) would show as a success on attempt 2.
        const attempts = Object.values(await after.hgetall("test:succeeded-at"));
        expect(attempts.filter((a) => a !== "1")).toEqual([]);
        expect(await after.llen("resque:failed")).toBe(0);
        // Every identity was forgotten once its retry succeeded.
        expect(await after.keys("resque:resque-retry:*")).toEqual([]);
      },
    );
  }, 180_000);
});
