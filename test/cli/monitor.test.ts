/** `resque monitor`, run as a process: --check, --once, the daemon with its HTTP endpoints, and usage errors. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHttpReceiver, type HttpReceiver } from "../helpers/http-receiver.js";
import { runTs } from "../helpers/processes.js";
import { useRedis } from "../helpers/resque.js";

const CLI = "src/cli/resque.ts";
const dir = mkdtempSync(join(tmpdir(), "resque-ts-monitor-cli-"));

describe("resque monitor", () => {
  const redis = useRedis();
  let receiver: HttpReceiver;
  beforeAll(async () => {
    receiver = await startHttpReceiver();
  });
  afterAll(async () => {
    await receiver.close();
  });

  async function badQueue(): Promise<void> {
    const client = redis.server().client();
    await client.sadd("resque:queues", "mail");
    await client.rpush("resque:queue:mail", '{"class":"A","args":[]}');
    await client.quit();
  }

  it("--check prints what is bad and exits 1, changing nothing; 0 when all is well", async () => {
    const healthy = runTs(CLI, { REDIS_URL: redis.server().url }, ["monitor", "--check"]);
    expect((await healthy.exited).code).toBe(0);
    expect(healthy.lines).toEqual([`127.0.0.1:${redis.server().port}/resque:: ok`]);

    await badQueue();
    const text = runTs(CLI, {}, ["monitor", "--check", "--redis", redis.server().url]);
    expect((await text.exited).code).toBe(1);
    expect(text.lines[0]).toBe(`127.0.0.1:${redis.server().port}/resque:: 1 problem`);
    expect(text.lines[1]).toMatch(/^ {2}critical +queue-without-workers +1 job on "mail" and no worker takes from it$/);

    const json = runTs(CLI, { REDIS_URL: redis.server().url }, ["monitor", "--check", "--json"]);
    expect((await json.exited).code).toBe(1);
    const [instance] = JSON.parse(json.lines.join("\n"));
    expect(instance.findings.map((f: { check: string }) => f.check)).toEqual(["queue-without-workers"]);
    const client = redis.server().client();
    expect(await client.keys("resque:resque-ts:monitor:*")).toEqual([]);
    await client.quit();
  });

  it("--once evaluates with the configuration file, sends the notifications and exits 1", async () => {
    await badQueue();
    const config = join(dir, "once.yml");
    writeFileSync(config, `instances:\n  - name: prod\n    redis: \${TEST_REDIS}\nnotify:\n  webhooks:\n    - url: ${receiver.url}/hook\n`);
    const proc = runTs(CLI, { TEST_REDIS: redis.server().url }, ["monitor", "--config", config, "--once"]);
    expect((await proc.exited).code).toBe(1);
    expect(proc.lines[0]).toBe("prod: 1 problem");
    const [request] = await receiver.received(1);
    expect(request!.json()).toMatchObject({ kind: "firing", alert: { instance: "prod", check: "queue-without-workers" } });
  });

  it("runs until TERM, serving /status and /metrics", async () => {
    const proc = runTs(CLI, { REDIS_URL: redis.server().url, LOG_FORMAT: "json" }, ["monitor", "--port", "0", "--interval", "1"]);
    const line = await proc.line(/monitor serving/);
    const url = JSON.parse(line).url as string;
    expect(await (await fetch(`${url}/metrics`)).text()).toContain("resque_up{");
    expect(((await (await fetch(`${url}/status.json`)).json()) as { status: string }).status).toBe("ok");
    await proc.line(/monitor started/);
    proc.child.kill("SIGTERM");
    expect((await proc.exited).code).toBe(0);
    expect(proc.lines.some((l) => l.includes("monitor stopped"))).toBe(true);
  });

  it("exits 2 with the path of a bad setting, or when --redis competes with the file's instances", async () => {
    const bad = join(dir, "bad.yml");
    writeFileSync(bad, "checks:\n  queueSizeAbove: -5\n");
    const proc = runTs(CLI, {}, ["monitor", "--config", bad, "--check"]);
    expect((await proc.exited).code).toBe(2);
    expect(proc.stderr()).toBe(`resque monitor: ${bad}: checks.queueSizeAbove: expected a number of 0 or more, got -5\n`);

    const listed = join(dir, "listed.yml");
    writeFileSync(listed, `instances:\n  - redis: ${redis.server().url}\n`);
    const both = runTs(CLI, {}, ["monitor", "--config", listed, "--redis", redis.server().url, "--check"]);
    expect((await both.exited).code).toBe(2);
    expect(both.stderr()).toContain("--redis: ");
    expect(both.stderr()).toContain("lists instances");

    const interval = runTs(CLI, { REDIS_URL: redis.server().url }, ["monitor", "--interval", "soon", "--check"]);
    expect((await interval.exited).code).toBe(2);
    expect(interval.stderr()).toBe('resque monitor: resque monitor: --interval: expected a number, got "soon"\n');
  });
});
