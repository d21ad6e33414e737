/**
 * Each check, made bad on a real redis-server and watched by a monitor that notifies a real HTTP
 * receiver: it fires once, repeats exactly when the repeat interval has passed, and resolves when
 * it clears. The monitor's clock is a manual one, so "repeat after 10 minutes" and "growing for
 * 10 minutes" take no time.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Redis } from "ioredis";
import { Admin, CHECK_NAMES, Monitor, type CheckName, type ChecksConfig } from "../../src/index.js";
import { storeOf } from "../../src/redis/store-of.js";
import { startHttpReceiver, type HttpReceiver } from "../helpers/http-receiver.js";
import { ManualClock } from "../helpers/manual-clock.js";
import { RedisServer } from "../helpers/redis-server.js";
import { silentLogger, useRedis } from "../helpers/resque.js";

const REPEAT_MINUTES = 10;
const REPEAT_MS = REPEAT_MINUTES * 60_000;

interface Context {
  client: Redis;
  clock: ManualClock;
  /** Redis' clock in ms. */
  redisNow(): Promise<number>;
  /** One evaluation that must notify nothing (steps that build up memory). */
  quietEvaluation(): Promise<void>;
}

interface Case {
  check: CheckName;
  subject: string;
  severity: "warning" | "critical";
  config?: ChecksConfig;
  bad(ctx: Context): Promise<void>;
  /** Keeps it bad before each later evaluation (a growing queue must keep growing). */
  stillBad?(ctx: Context): Promise<void>;
  good(ctx: Context): Promise<void>;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "+00:00");
const job = '{"class":"SendInvoice","args":[1]}';

const cases: Case[] = [
  {
    check: "failed",
    subject: "failed",
    severity: "warning",
    config: { failedAbove: 0 },
    bad: async ({ client }) => {
      await client.rpush("resque:failed", `{"failed_at":"2026/12/01 10:00:00 UTC","payload":${job},"exception":"E","error":"x","backtrace":[],"worker":"h:1:q","queue":"mail"}`);
    },
    good: async ({ client }) => {
      await client.del("resque:failed");
    },
  },
  {
    check: "failure-rate",
    subject: "failure-rate",
    severity: "critical",
    config: { failuresPerMinuteAbove: 2 },
    bad: async ({ client, redisNow }) => {
      // The last complete minute, and the current one too in case the minute turns meanwhile.
      const minute = Math.floor((await redisNow()) / 60_000) * 60;
      for (const start of [minute - 60, minute]) await client.hset(`resque:resque-ts:history:m:${start}`, JSON.stringify(["f", "mail", "SendInvoice"]), "3");
    },
    good: async ({ client }) => {
      const keys = await client.keys("resque:resque-ts:history:m:*");
      if (keys.length > 0) await client.del(...keys);
    },
  },
  {
    check: "queue-size",
    subject: "queue:mail",
    severity: "warning",
    config: { queueSizeAbove: 2 },
    bad: async ({ client }) => {
      await client.sadd("resque:queues", "mail");
      await client.rpush("resque:queue:mail", job, job, job);
    },
    good: async ({ client }) => {
      await client.ltrim("resque:queue:mail", 0, 0);
    },
  },
  {
    check: "queue-growing",
    subject: "queue:mail",
    severity: "warning",
    config: { queueGrowingMinutes: 10 },
    bad: async (ctx) => {
      await ctx.client.sadd("resque:queues", "mail");
      await ctx.client.rpush("resque:queue:mail", job);
      await ctx.quietEvaluation();
      ctx.clock.advance(5 * 60_000);
      await ctx.client.rpush("resque:queue:mail", job, job);
      await ctx.quietEvaluation();
      ctx.clock.advance(5 * 60_000);
      await ctx.client.rpush("resque:queue:mail", job);
    },
    stillBad: async ({ client }) => {
      await client.rpush("resque:queue:mail", job);
    },
    good: async ({ client }) => {
      await client.del("resque:queue:mail");
    },
  },
  {
    check: "queue-without-workers",
    subject: "queue:mail",
    severity: "critical",
    bad: async ({ client }) => {
      await client.sadd("resque:queues", "mail");
      await client.rpush("resque:queue:mail", job);
    },
    good: async ({ client }) => {
      await client.del("resque:queue:mail");
    },
  },
  {
    check: "long-running-job",
    subject: "worker:web1:42:mail",
    severity: "warning",
    config: { runningLongerThanSeconds: 60 },
    bad: async ({ client, redisNow }) => {
      await client.sadd("resque:workers", "web1:42:mail");
      await client.hset("resque:workers:heartbeat", "web1:42:mail", iso(await redisNow()));
      await client.set("resque:worker:web1:42:mail", `{"queue":"mail","run_at":"${iso((await redisNow()) - 120_000).replace("+00:00", "Z")}","payload":${job}}`);
    },
    good: async ({ client }) => {
      await client.del("resque:worker:web1:42:mail");
    },
  },
  {
    check: "stale-heartbeat",
    subject: "worker:web1:42:mail",
    severity: "warning",
    bad: async ({ client, redisNow }) => {
      // A Ruby worker (no resque-ts registration): stale after Ruby's 300 s.
      await client.sadd("resque:workers", "web1:42:mail");
      await client.hset("resque:workers:heartbeat", "web1:42:mail", iso((await redisNow()) - 600_000));
    },
    good: async ({ client, redisNow }) => {
      await client.hset("resque:workers:heartbeat", "web1:42:mail", iso(await redisNow()));
    },
  },
  {
    check: "worker-pruned",
    subject: "worker:web1:42:mail",
    severity: "warning",
    bad: async ({ client, redisNow }) => {
      await client.lpush("resque:resque-ts:pruned-workers", JSON.stringify({ worker: "web1:42:mail", at: await redisNow(), queue: "mail", class: "SendInvoice", outcome: "requeued" }));
    },
    good: async ({ client, redisNow }) => {
      // Pruned longer ago than prunedWithinMinutes (15).
      await client.lset("resque:resque-ts:pruned-workers", 0, JSON.stringify({ worker: "web1:42:mail", at: (await redisNow()) - 16 * 60_000, outcome: "none" }));
    },
  },
  {
    check: "scheduler-leader",
    subject: "scheduler",
    severity: "warning",
    config: { schedulerMissingSeconds: 60 },
    bad: async (ctx) => {
      const later = Math.floor((await ctx.redisNow()) / 1000) + 3600;
      await ctx.client.zadd("resque:delayed_queue_schedule", later, String(later));
      await ctx.client.rpush(`resque:delayed:${later}`, '{"class":"SendInvoice","args":[1],"queue":"mail"}');
      await ctx.quietEvaluation(); // the leader is found missing now: not yet for 60 s
      ctx.clock.advance(60_000);
    },
    good: async ({ client }) => {
      await client.set("resque:resque:resque_scheduler_master_lock", "sched1:4242", "PX", 180_000);
    },
  },
  {
    check: "missed-schedule",
    subject: "schedule:nightly",
    severity: "warning",
    config: { scheduleLateSeconds: 120 },
    bad: async ({ client, redisNow }) => {
      await client.hset(
        "resque:resque-ts:schedules",
        "nightly",
        JSON.stringify({ source: "static", config: { cron: "0 2 * * *", class: "Nightly", queue: "reports" }, class: "Nightly", queue: "reports", args: [], kind: "cron", expression: "0 2 * * *", enabled: true }),
      );
      await client.hset("resque:scheduler:next_run", "nightly", String(Math.floor((await redisNow()) / 1000) - 600));
    },
    good: async ({ client, redisNow }) => {
      await client.hset("resque:scheduler:next_run", "nightly", String(Math.floor((await redisNow()) / 1000) + 3600));
    },
  },
  {
    check: "redis-memory",
    subject: "redis",
    severity: "critical",
    config: { redisMemoryPercent: 0.01 },
    bad: async ({ client }) => {
      await client.config("SET", "maxmemory", String(100 * 1024 * 1024));
    },
    good: async ({ client }) => {
      await client.config("SET", "maxmemory", "0");
    },
  },
  {
    check: "eviction-policy",
    subject: "redis",
    severity: "critical",
    bad: async ({ client }) => {
      await client.config("SET", "maxmemory-policy", "allkeys-lru");
    },
    good: async ({ client }) => {
      await client.config("SET", "maxmemory-policy", "noeviction");
    },
  },
];

describe("each check fires once, repeats at the interval and resolves", () => {
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
    const client = redis.server().client();
    await client.config("SET", "maxmemory", "0");
    await client.config("SET", "maxmemory-policy", "noeviction");
    await client.quit();
  });

  function watch(instance: { redis: string; name: string; connectionTimeout?: number } | Admin, check: CheckName, config: ChecksConfig, clock: ManualClock): Monitor {
    const monitor = new Monitor({
      instances: [instance],
      checks: { ...config, disabled: CHECK_NAMES.filter((c) => c !== check) },
      repeatMinutes: REPEAT_MINUTES,
      notify: { webhooks: [{ url: `${receiver.url}/alerts`, retryDelaysSeconds: [] }] },
      clock,
      logger: silentLogger,
    });
    monitors.push(monitor);
    return monitor;
  }

  /** Evaluates, waits for the webhook deliveries, and returns the kinds and ids POSTed by this evaluation. */
  async function step(monitor: Monitor): Promise<string[]> {
    const before = receiver.requests.length;
    await monitor.evaluate();
    await monitor.flush();
    return receiver.requests.slice(before).map((r) => `${r.json().kind} ${r.json().alert.id}`);
  }

  it.each(cases.map((c) => [c.check, c] as const))("%s", async (_, c) => {
    const client = redis.server().client();
    const clock = new ManualClock(Date.parse("2026-12-01T10:00:00Z"));
    const monitor = watch({ redis: redis.server().url, name: "main" }, c.check, c.config ?? {}, clock);
    const ctx: Context = {
      client,
      clock,
      redisNow: async () => {
        const [s, us] = await client.time();
        return Number(s) * 1000 + Math.floor(Number(us) / 1000);
      },
      quietEvaluation: async () => expect(await step(monitor)).toEqual([]),
    };
    const id = `${c.check}|${c.subject}`;

    expect(await step(monitor)).toEqual([]); // healthy to begin with
    await c.bad(ctx);
    expect(await step(monitor)).toEqual([`firing ${id}`]);
    const [firing] = receiver.requests.slice(-1);
    expect(firing!.json().alert).toMatchObject({ instance: "main", check: c.check, subject: c.subject, severity: c.severity, notifications: 1 });
    await c.stillBad?.(ctx);
    expect(await step(monitor)).toEqual([]);

    clock.advance(REPEAT_MS - 1);
    await c.stillBad?.(ctx);
    expect(await step(monitor)).toEqual([]);
    clock.advance(1);
    await c.stillBad?.(ctx);
    expect(await step(monitor)).toEqual([`repeat ${id}`]);
    expect(receiver.requests.at(-1)!.json().alert.notifications).toBe(2);
    await c.stillBad?.(ctx);
    expect(await step(monitor)).toEqual([]);

    await c.good(ctx);
    expect(await step(monitor)).toEqual([`resolved ${id}`]);
    expect(receiver.requests.at(-1)!.json()).toMatchObject({ status: "resolved", alert: { id, resolvedAt: new Date(clock.now()).toISOString() } });
    expect(await step(monitor)).toEqual([]);
    expect(receiver.requests.every((r) => r.method === "POST" && r.path === "/alerts")).toBe(true);
    await client.quit();
  });

  it("redis-unreachable: an instance that cannot be read fires, repeats and resolves from memory", async () => {
    const other = await RedisServer.start();
    const admin = new Admin({ redis: other.url, name: "other", connectionTimeout: 0.3 });
    try {
      const clock = new ManualClock(Date.parse("2026-12-01T10:00:00Z"));
      const monitor = watch(admin, "redis-unreachable", {}, clock);
      expect(await step(monitor)).toEqual([]);
      await other.stop();
      expect(await step(monitor)).toEqual(["firing redis-unreachable|redis"]);
      expect(receiver.requests.at(-1)!.json().alert).toMatchObject({ instance: "other", severity: "critical" });
      expect(receiver.requests.at(-1)!.json().alert.message).toMatch(/^Redis cannot be read: /);
      expect(await step(monitor)).toEqual([]);
      clock.advance(REPEAT_MS);
      expect(await step(monitor)).toEqual(["repeat redis-unreachable|redis"]);
      const reconnected = new Promise((resolve) => storeOf(admin).client.once("ready", resolve));
      await other.restart();
      await reconnected;
      expect(await step(monitor)).toEqual(["resolved redis-unreachable|redis"]);
      expect(await step(monitor)).toEqual([]);
    } finally {
      await admin.close();
      await other.close();
    }
  });

  it("repeatMinutes: 0 never repeats", async () => {
    const client = redis.server().client();
    const clock = new ManualClock(Date.parse("2026-12-01T10:00:00Z"));
    const monitor = new Monitor({
      instances: [{ redis: redis.server().url, name: "main" }],
      checks: { disabled: CHECK_NAMES.filter((c) => c !== "queue-without-workers") },
      repeatMinutes: 0,
      notify: { webhooks: [{ url: receiver.url }] },
      clock,
      logger: silentLogger,
    });
    monitors.push(monitor);
    await client.sadd("resque:queues", "mail");
    await client.rpush("resque:queue:mail", job);
    expect(await step(monitor)).toEqual(["firing queue-without-workers|queue:mail"]);
    clock.advance(7 * 24 * 3600_000);
    expect(await step(monitor)).toEqual([]);
    await client.quit();
  });

  it("a warning that becomes critical is told again at once, and its resolution reaches critical-only notifiers", async () => {
    const client = redis.server().client();
    const clock = new ManualClock(Date.parse("2026-12-01T10:00:00Z"));
    const critical: string[] = [];
    const monitor = new Monitor({
      instances: [{ redis: redis.server().url, name: "main" }],
      checks: { schedulerMissingSeconds: 60, disabled: CHECK_NAMES.filter((c) => c !== "scheduler-leader") },
      repeatMinutes: REPEAT_MINUTES,
      notify: { webhooks: [{ url: receiver.url }] },
      notifiers: [{ name: "pager", minSeverity: "critical", send: async (n) => void critical.push(`${n.kind} ${n.alert.severity}`) }],
      clock,
      logger: silentLogger,
    });
    monitors.push(monitor);
    const [seconds] = await client.time();
    const later = Number(seconds) + 3600;
    await client.zadd("resque:delayed_queue_schedule", later, String(later));
    await client.rpush(`resque:delayed:${later}`, '{"class":"A","args":[],"queue":"q"}');
    expect(await step(monitor)).toEqual([]);
    clock.advance(60_000);
    expect(await step(monitor)).toEqual(["firing scheduler-leader|scheduler"]);
    expect(receiver.requests.at(-1)!.json().alert.severity).toBe("warning");
    // Jobs become due: critical now.
    const past = Number(seconds) - 10;
    await client.zadd("resque:delayed_queue_schedule", past, String(past));
    await client.rpush(`resque:delayed:${past}`, '{"class":"A","args":[],"queue":"q"}');
    clock.advance(1000);
    expect(await step(monitor)).toEqual(["repeat scheduler-leader|scheduler"]);
    expect(receiver.requests.at(-1)!.json().alert).toMatchObject({ severity: "critical", highestSeverity: "critical", notifications: 2 });
    clock.advance(1000);
    expect(await step(monitor)).toEqual([]);
    // Back to a warning (the due jobs went), then resolved (a leader).
    await client.zrem("resque:delayed_queue_schedule", String(past));
    clock.advance(1000);
    expect(await step(monitor)).toEqual([]);
    await client.set("resque:resque:resque_scheduler_master_lock", "sched1:1", "PX", 60_000);
    clock.advance(1000);
    expect(await step(monitor)).toEqual(["resolved scheduler-leader|scheduler"]);
    expect(critical).toEqual(["repeat critical", "resolved warning"]);
    await client.quit();
  });
});
