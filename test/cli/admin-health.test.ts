/**
 * The built `resque` commands that look at the whole Resque: stats (with the last hour's
 * sparkline), search, redis and doctor — output, --json shapes and exit codes, with each doctor
 * check made to fail for real (eviction policy, stale worker, queue without workers, malformed
 * payload, unknown job class, clock skew, a Cluster node without hash tag, unreachable Redis).
 */
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defineJob } from "../../src/index.js";
import { buildCli, runCli } from "../helpers/built-cli.js";
import { RedisServer } from "../helpers/redis-server.js";
import { useRedis } from "../helpers/resque.js";

const Send = defineJob("SendInvoice", (_n: number) => {}, { queue: "mail" });
const Fail = defineJob(
  "FailInvoice",
  (_n: number) => {
    throw new Error("card declined");
  },
  { queue: "mail" },
);

interface Check {
  name: string;
  status: "ok" | "warn" | "fail" | "skip";
  message: string;
  details: string[];
}

describe("resque stats, search, redis and doctor (built binary)", () => {
  const redis = useRedis();
  let cli: string;
  const resque = (args: string[], env: Record<string, string | undefined> = {}) => runCli(cli, args, { REDIS_URL: redis.server().url, ...env });
  const doctor = async (args: string[] = [], env: Record<string, string | undefined> = {}) => {
    const result = await resque(["doctor", "--json", ...args], env);
    const body = JSON.parse(result.stdout) as { ok: boolean; checks: Check[] };
    return { code: result.code, ok: body.ok, check: (name: string) => body.checks.find((c) => c.name === name)!, names: body.checks.map((c) => c.name) };
  };

  beforeAll(async () => {
    cli = await buildCli();
  }, 180_000);

  it("stats: totals, pending and a sparkline of the last hour from the history", async () => {
    const app = redis.make({ jobs: [Send, Fail] });
    for (let i = 0; i < 6; i++) await app.enqueue(Send, i);
    await app.enqueue(Fail, 1);
    const worker = app.worker({ queues: ["mail"], interval: 0 });
    await worker.start();
    await worker.stopped;
    await app.enqueueTo("low", Send, 9);
    const json = JSON.parse((await resque(["stats", "--json"])).stdout);
    expect(json).toMatchObject({ processed: 7, failed: 1, pending: 1, queues: 2, workers: 0, working: 0, failedEntries: 1, delayed: 0 });
    expect(json.lastHour).toHaveLength(60);
    expect(json.lastHour.reduce((sum: number, p: { processed: number }) => sum + p.processed, 0)).toBe(7);
    expect(json.lastHour.reduce((sum: number, p: { failed: number }) => sum + p.failed, 0)).toBe(1);
    expect(Object.keys(json.lastHour[0])).toEqual(["at", "processed", "failed"]);
    const text = await resque(["stats"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^processed:\s+7 /m);
    expect(text.stdout).toMatch(/^pending:\s+1 job on 2 queues$/m);
    // 60 minutes, the busy one at full height.
    expect(text.stdout).toMatch(/^ {2}processed [▁-█]{60} 7 \(busiest minute 7\)$/m);
    expect(text.stdout).toContain("█");
  });

  it("search finds a text across queued, failed and delayed jobs; nothing found exits 3", async () => {
    const app = redis.make({ jobs: [Send] });
    const client = redis.server().client();
    await app.enqueue(Send, 4242);
    await app.enqueueAt(new Date("2031-01-01T00:00:00Z"), Send, 4242);
    await client.rpush(
      "resque:failed",
      '{"failed_at":"2026/11/25 14:49:29 UTC","payload":{"class":"SendInvoice","args":[4242]},"exception":"Error","error":"x","backtrace":[],"worker":"w:1:mail","queue":"mail"}',
    );
    const json = JSON.parse((await resque(["search", "4242", "--json"])).stdout);
    expect(json.text).toBe("4242");
    expect(json.queued).toMatchObject([{ queue: "mail", index: 0, class: "SendInvoice", args: [4242] }]);
    expect(json.failed).toMatchObject([{ list: "failed", index: 0, class: "SendInvoice" }]);
    expect(json.delayed).toMatchObject([{ at: "2031-01-01T00:00:00.000Z", class: "SendInvoice" }]);
    const text = await resque(["search", "sendinvoice"]);
    expect(text.stdout).toMatch(/^queue mail #0\s+SendInvoice\s+\[4242\]$/m);
    expect(text.stdout).toMatch(/^delayed 2031-01-01T00:00:00Z\s+SendInvoice/m);
    expect((await resque(["search", "nothing-like-this"])).code).toBe(3);
    expect((await resque(["search", ""])).code).toBe(2);
    await client.quit();
  });

  it("redis: version, policy and memory; --keys counts the namespace's keys by kind", async () => {
    const app = redis.make({ jobs: [Send] });
    await app.enqueue(Send, 1);
    const text = await resque(["redis"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^version:\s+\d+\.\d+\.\d+$/m);
    expect(text.stdout).toMatch(/^eviction:\s+noeviction$/m);
    const json = JSON.parse((await resque(["redis", "--keys", "--json"])).stdout);
    expect(json).toMatchObject({ mode: "standalone", role: "master", maxMemoryPolicy: "noeviction", evictsAnyKey: false, clusterEnabled: false });
    expect(json.keys.byKind.queues).toBe(2); // the queues set and queue:mail
    expect(json.keys.total).toBeGreaterThanOrEqual(2);
    expect(JSON.parse((await resque(["redis", "--json"])).stdout).keys).toBeNull();
  });

  it("doctor on a healthy Resque passes (warning that no worker runs)", async () => {
    const result = await doctor();
    expect(result.code).toBe(0);
    expect(result.ok).toBe(true);
    expect(result.names).toEqual(["redis", "version", "eviction", "cluster", "clock", "workers", "queues", "scheduler", "payloads", "job-classes"]);
    expect(result.check("version").status).toBe("ok");
    expect(result.check("clock").status).toBe("ok");
    expect(result.check("workers")).toMatchObject({ status: "warn", message: "no worker is registered" });
    expect(result.check("job-classes").status).toBe("skip");
    expect((await resque(["doctor", "--strict"])).code).toBe(1); // warnings fail with --strict
    const text = await resque(["doctor"]);
    expect(text.stdout).toMatch(/^✓ redis\s+reachable/m);
    expect(text.stdout).toMatch(/^0 failed, 1 warning, 8 ok, 1 skipped$/m);
  });

  it("doctor finds eviction, stale workers, queues nobody works, malformed payloads and unknown job classes", async () => {
    const client = redis.server().client();
    await client.config("SET", "maxmemory-policy", "allkeys-lru");
    await client.sadd("resque:queues", "cli", "orphan");
    await client.rpush("resque:queue:cli", '{"class":"Greet","args":["a"]}', '{"class":"Missing::Job","args":[]}', '{"class":"Missing::Job","args":[1]}', "{broken");
    await client.rpush("resque:queue:orphan", '{"class":"Greet","args":["b"]}');
    // A Ruby worker on "cli" whose last heartbeat was an hour ago.
    await client.sadd("resque:workers", "oldhost:4242:cli");
    await client.hset("resque:workers:heartbeat", "oldhost:4242:cli", new Date(Date.now() - 3600_000).toISOString());
    const result = await doctor(["--require", "./test/fixtures/built-cli-jobs.cjs"], { RESQUE_TS_BUILD: dirname(dirname(cli)) });
    expect(result.code).toBe(1);
    expect(result.ok).toBe(false);
    expect(result.check("eviction")).toMatchObject({ status: "fail" });
    expect(result.check("eviction").message).toContain("maxmemory-policy allkeys-lru lets Redis drop queues");
    expect(result.check("workers").status).toBe("warn");
    expect(result.check("workers").details[0]).toMatch(/^oldhost:4242:cli: last heartbeat (60 min|1 h) ago$/);
    expect(result.check("queues")).toMatchObject({ status: "warn", details: ["orphan: 1 job waiting"] });
    expect(result.check("payloads").status).toBe("warn");
    expect(result.check("payloads").details[0]).toMatch(/^cli: 1 payload that cannot run \(first at position 3: /);
    expect(result.check("job-classes")).toMatchObject({ status: "fail", details: ["cli: Missing::Job × 2"] });
    await client.config("SET", "maxmemory-policy", "noeviction");
    await client.quit();
  });

  it("doctor measures the clock skew between this host and Redis", async () => {
    // This host's clock runs ahead: a preload moves Date.now() in the command's process.
    const preload = join(tmpdir(), `resque-skew-${process.pid}.cjs`);
    writeFileSync(preload, "const now = Date.now; Date.now = () => now() + Number(process.env.SKEW_MS);\n");
    const skewed = (ms: number) => doctor([], { NODE_OPTIONS: `--require ${preload}`, SKEW_MS: String(ms) });
    const slight = await skewed(5000);
    expect(slight.check("clock").status).toBe("warn");
    expect(slight.check("clock").message).toMatch(/^this host's clock is 5 s ahead of Redis'/);
    const far = await skewed(-120_000);
    expect(far.check("clock").status).toBe("fail");
    expect(far.check("clock").message).toMatch(/^this host's clock is 2 min behind Redis'/);
    expect(far.code).toBe(1);
  });

  describe("on a Redis with cluster mode on", () => {
    let node: RedisServer;
    beforeAll(async () => {
      node = await RedisServer.start({ args: ["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf"] });
    });
    afterAll(async () => {
      await node?.close();
    });

    it("doctor fails a namespace without hash tag and shows the fix", async () => {
      const result = await doctor([], { REDIS_URL: node.url });
      expect(result.code).toBe(1);
      expect(result.check("cluster").status).toBe("fail");
      expect(result.check("cluster").message).toContain('namespace "resque" has no hash tag');
      expect(result.check("cluster").message).toContain("--namespace '{resque}'");
      const tagged = await doctor(["-N", "{resque}"], { REDIS_URL: node.url });
      expect(tagged.check("cluster").status).toBe("ok");
    });
  });

  it("doctor with Redis unreachable: the reason within 10 s, every other check skipped, exit 1", async () => {
    const result = await resque(["doctor", "--json"], { REDIS_URL: "redis://127.0.0.1:1" });
    expect(result.code).toBe(1);
    expect(result.ms).toBeLessThan(10_000);
    const body = JSON.parse(result.stdout) as { ok: boolean; checks: Check[] };
    expect(body.ok).toBe(false);
    expect(body.checks[0]).toMatchObject({ name: "redis", status: "fail" });
    expect(body.checks[0]!.message).toContain("Redis at redis://127.0.0.1:1 is unreachable");
    expect(body.checks.slice(1).every((c) => c.status === "skip")).toBe(true);
  });
});
