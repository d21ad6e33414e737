/**
 * Fencing: a worker that pruning judged dead while it was alive (paused by SIGSTOP, a stuck VM)
 * records nothing for the job taken from it, registers again before taking more work, and never
 * leaves a reservation that nobody can requeue.
 */
import { describe, expect, it } from "vitest";
import { runTs, type TsProcess } from "../helpers/processes.js";
import { useRedis } from "../helpers/resque.js";
import { until } from "../helpers/events.js";

type Client = ReturnType<ReturnType<ReturnType<typeof useRedis>["server"]>["client"]>;

const performed = (proc: TsProcess, cls: string) =>
  proc.lines.filter((l) => l.startsWith(`performed ${cls} `)).map((l) => Number(l.split(" ")[2]));

async function enqueue(client: Client, queue: string, cls: string, args: number[]): Promise<void> {
  await client.sadd("resque:queues", queue);
  for (let i = 0; i < args.length; i += 500) {
    await client.rpush(`resque:queue:${queue}`, ...args.slice(i, i + 500).map((n) => `{"class":"${cls}","args":[${n}]}`));
  }
}

const stopped = async (proc: TsProcess) => {
  proc.child.kill("SIGTERM");
  await proc.exited;
};

describe("a worker pruned while it is alive", () => {
  const redis = useRedis();

  it("records no outcome for the job taken from it, re-registers, and every job has exactly one outcome", async () => {
    const client = redis.server().client();
    const url = redis.server().url;
    await enqueue(client, "work", "Slow", [0]);
    // A looks remote to B (another host name), so only its heartbeat tells B whether it lives.
    const a = runTs("test/fixtures/fencing-worker.ts", { REDIS_URL: url, HOST: "elsewhere", HEARTBEAT: "0.5", SLOW_MS: "1500" });
    await a.line(/^started Slow 0$/);
    a.child.kill("SIGSTOP");
    await enqueue(client, "work", "Quick", Array.from({ length: 1000 }, (_, i) => i + 1));
    const b = runTs("test/fixtures/fencing-worker.ts", { REDIS_URL: url, HEARTBEAT: "0.5", SLOW_MS: "0", CONCURRENCY: "5" });
    // B prunes A (heartbeat stale for 4 intervals), requeues Slow 0 at the front and performs it.
    await b.line(/^performed Slow 0$/);
    a.child.kill("SIGCONT");
    // A finishes Slow 0 late: fenced, not recorded.
    await a.line(/^fenced Slow done$/);
    await until(() => client.get("resque:stat:processed"), (n) => Number(n) === 1001);
    expect(await client.llen("resque:queue:work")).toBe(0);
    // A registered again after it found out; it may have taken some of the Quick jobs too.
    await until(() => client.smembers("resque:workers"), (ids) => ids.some((id) => id.startsWith("elsewhere:")));
    await Promise.all([stopped(a), stopped(b)]);

    const quick = new Set([...performed(a, "Quick"), ...performed(b, "Quick")]);
    expect(quick.size).toBe(1000);
    expect(performed(a, "Slow")).toEqual([0]);
    expect(performed(b, "Slow")).toEqual([0]);
    // Every run ended in exactly one of: a recorded outcome, or a fenced one (at least A's Slow 0).
    const runs = [a, b].flatMap((p) => p.lines.filter((l) => l.startsWith("performed "))).length;
    const fenced = [a, b].flatMap((p) => p.lines.filter((l) => l.startsWith("fenced "))).length;
    expect(fenced).toBeGreaterThanOrEqual(1);
    expect(runs).toBe(1001 + fenced);
    // enqueued (1001) = done (1001) + failed (0) + queued (0); the fenced run counted nowhere.
    expect(await client.get("resque:stat:processed")).toBe("1001");
    expect(await client.get("resque:stat:failed")).toBeNull();
    expect(await client.llen("resque:failed")).toBe(0);
    expect(await client.smembers("resque:workers")).toEqual([]);
    await client.quit();
  });

  it("a job it reserves after being pruned is requeued by pruning when it is then killed with SIGKILL", async () => {
    const client = redis.server().client();
    const url = redis.server().url;
    await enqueue(client, "work", "Slow", [0]);
    const a = runTs("test/fixtures/fencing-worker.ts", {
      REDIS_URL: url,
      HOST: "elsewhere",
      HEARTBEAT: "0.5",
      SLOW_MS: "1000",
      HOLD_FOREVER: "1",
      QUEUES: "work,a-only",
    });
    await a.line(/^started Slow 0$/);
    a.child.kill("SIGSTOP");
    const b = runTs("test/fixtures/fencing-worker.ts", { REDIS_URL: url, HEARTBEAT: "0.5" });
    await b.line(/^performed Slow 0$/);
    await enqueue(client, "a-only", "Hold", [1]);
    a.child.kill("SIGCONT");
    await a.line(/^fenced Slow done$/);
    await a.line(/^started Hold 1$/);
    // A holds Hold 1 as a registered worker, so its death is seen like any other.
    const [aId] = (await client.smembers("resque:workers")).filter((id) => id.startsWith("elsewhere:"));
    expect(JSON.parse((await client.get(`resque:worker:${aId}`))!)).toMatchObject({ queue: "a-only", payload: { class: "Hold", args: [1] } });
    a.child.kill("SIGKILL");
    await a.exited;
    const killedAt = Date.now();
    // B does not watch a-only; its pruning puts the job back on its queue (A's heartbeat interval
    // is 0.5 s, so it is dead 3 s after its last beat; B prunes every 0.5 s).
    await until(() => client.lrange("resque:queue:a-only", 0, -1), (jobs) => jobs.length === 1, 15_000);
    expect(Date.now() - killedAt).toBeLessThan(8000);
    expect(await client.lrange("resque:queue:a-only", 0, -1)).toEqual(['{"class":"Hold","args":[1]}']);
    expect(await client.get("resque:stat:processed")).toBe("1");
    await stopped(b);
    expect(await client.smembers("resque:workers")).toEqual([]);
    await client.quit();
  });

  it("a job blocking its event loop does not stop the heartbeat: the worker is not pruned", async () => {
    const client = redis.server().client();
    const url = redis.server().url;
    await enqueue(client, "work", "Block", [0]);
    const a = runTs("test/fixtures/fencing-worker.ts", { REDIS_URL: url, HOST: "elsewhere", HEARTBEAT: "1", BLOCK_MS: "8000" });
    const [aId] = (await a.line(/^ready /)).split(" ").slice(1);
    await a.line(/^started Block 0$/);
    await enqueue(client, "work", "Quick", Array.from({ length: 200 }, (_, i) => i + 1));
    const b = runTs("test/fixtures/fencing-worker.ts", { REDIS_URL: url, HEARTBEAT: "0.5" });
    // While A's loop is blocked (8 s, beyond 4 heartbeats of 1 s + 1 s), A stays registered.
    let samples = 0;
    while (!a.lines.includes("performed Block 0")) {
      expect(await client.sismember("resque:workers", aId!)).toBe(1);
      samples++;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(samples).toBeGreaterThan(15);
    await until(() => client.get("resque:stat:processed"), (n) => Number(n) === 201);
    await Promise.all([stopped(a), stopped(b)]);
    expect(a.lines.some((l) => l.startsWith("fenced"))).toBe(false);
    expect(b.stderr() + b.lines.join("\n")).not.toContain("pruned dead workers");
    expect(await client.get("resque:stat:processed")).toBe("201");
    await client.quit();
  }, 60_000);
});
