/**
 * Several monitors on one Redis send each notification once; one monitor watches several Redis
 * instances and names the instance in each alert.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CHECK_NAMES, Monitor, type MonitorOptions } from "../../src/index.js";
import { startHttpReceiver, type HttpReceiver } from "../helpers/http-receiver.js";
import { ManualClock } from "../helpers/manual-clock.js";
import { RedisServer } from "../helpers/redis-server.js";
import { silentLogger, useRedis } from "../helpers/resque.js";

const job = '{"class":"SendInvoice","args":[1]}';
const onlyWithoutWorkers = { disabled: CHECK_NAMES.filter((c) => c !== "queue-without-workers") };

describe("several monitors on one Redis", () => {
  const redis = useRedis();
  let receiver: HttpReceiver;
  const monitors: Monitor[] = [];
  beforeAll(async () => {
    receiver = await startHttpReceiver();
  });
  afterAll(async () => {
    await receiver.close();
  });
  afterEach(async () => {
    await Promise.all(monitors.splice(0).map((m) => m.stop()));
    receiver.requests.splice(0);
  });
  const monitor = (options: MonitorOptions = {}) => {
    const m = new Monitor({
      instances: [{ redis: redis.server().url, name: "main" }],
      checks: onlyWithoutWorkers,
      notify: { webhooks: [{ url: receiver.url, retryDelaysSeconds: [] }] },
      logger: silentLogger,
      ...options,
    });
    monitors.push(m);
    return m;
  };
  const kinds = () => receiver.requests.map((r) => `${r.json().kind} ${r.json().alert.id}`);

  it("send one notification per transition, however their evaluations interleave", async () => {
    const client = redis.server().client();
    const group = [monitor(), monitor(), monitor()];
    const round = async () => {
      await Promise.all(group.map((m) => m.evaluate()));
      await Promise.all(group.map((m) => m.flush()));
    };
    await client.sadd("resque:queues", "mail");
    await client.rpush("resque:queue:mail", job);
    for (let i = 0; i < 10; i++) await round();
    expect(kinds()).toEqual(["firing queue-without-workers|queue:mail"]);
    await client.del("resque:queue:mail");
    for (let i = 0; i < 10; i++) await round();
    expect(kinds()).toEqual(["firing queue-without-workers|queue:mail", "resolved queue-without-workers|queue:mail"]);
    await client.quit();
  });

  it("an evaluation older than one already applied changes nothing (no re-fire after a resolve)", async () => {
    const client = redis.server().client();
    const fast = new ManualClock(Date.parse("2026-12-01T10:00:10Z"));
    const slow = new ManualClock(Date.parse("2026-12-01T10:00:05Z"));
    const a = monitor({ clock: fast });
    const b = monitor({ clock: slow });
    await client.sadd("resque:queues", "mail");
    await client.rpush("resque:queue:mail", job);
    await a.evaluate();
    await client.del("resque:queue:mail");
    fast.advance(1000);
    await a.evaluate();
    await a.flush();
    expect(kinds()).toEqual(["firing queue-without-workers|queue:mail", "resolved queue-without-workers|queue:mail"]);
    // b read its facts "earlier" (its clock is behind): what it found bad must not fire again.
    await client.rpush("resque:queue:mail", job);
    const evaluation = await b.evaluate();
    await b.flush();
    expect(evaluation.instances[0]!.findings.map((f) => f.check)).toEqual(["queue-without-workers"]);
    expect(evaluation.instances[0]!.notifications).toEqual([]);
    expect(kinds()).toHaveLength(2);
    await client.quit();
  });

  it("several Redis instances in one monitor: each alert names its instance, one instance down holds up none", async () => {
    const second = await RedisServer.start();
    const third = await RedisServer.start();
    try {
      const m = monitor({
        instances: [
          { redis: redis.server().url, name: "eu" },
          { redis: second.url, name: "us" },
          { redis: third.url, name: "ap", connectionTimeout: 0.3 },
        ],
        checks: { disabled: CHECK_NAMES.filter((c) => c !== "queue-without-workers" && c !== "redis-unreachable") },
      });
      const client = second.client();
      await client.sadd("resque:queues", "mail");
      await client.rpush("resque:queue:mail", job);
      await third.stop();
      const evaluation = await m.evaluate();
      await m.flush();
      expect(evaluation.instances.map((i) => [i.name, i.ok, i.findings.map((f) => f.check)])).toEqual([
        ["eu", true, []],
        ["us", true, ["queue-without-workers"]],
        ["ap", false, ["redis-unreachable"]],
      ]);
      expect(receiver.requests.map((r) => [r.json().alert.instance, r.json().alert.check]).sort()).toEqual([
        ["ap", "redis-unreachable"],
        ["us", "queue-without-workers"],
      ]);
      // The alert state lives in the instance's own Redis.
      expect(await client.hkeys("resque:resque-ts:monitor:alerts")).toEqual(expect.arrayContaining(["queue-without-workers|queue:mail"]));
      const other = redis.server().client();
      expect(await other.hkeys("resque:resque-ts:monitor:alerts")).toEqual(["@evaluated"]);
      await other.quit();
      await client.quit();
    } finally {
      await second.close();
      await third.close();
    }
  });
});
