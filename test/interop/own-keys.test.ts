/**
 * The keys of our own that sit beside Ruby's (docs/redis-layout.md, "Keys of our own"), in their
 * documented formats: other tools sharing the Redis see them, and a later version must read them.
 */
import { describe, expect, it } from "vitest";
import { Job } from "../../src/index.js";
import { collect, deferred } from "../helpers/events.js";
import { ManualClock } from "../helpers/manual-clock.js";
import { silentLogger, useRedis } from "../helpers/resque.js";

let release = deferred();
class Hold extends Job<[]> {
  static override queue = "own";
  async perform() {
    await release.promise;
  }
}

describe("our keys beside Ruby's", () => {
  const redis = useRedis();

  it("resque-ts:workers maps each of our worker ids to its heartbeat interval and longest job timeout; the reservation token rides in worker:<id>", async () => {
    release = deferred();
    const resque = redis.make({ jobs: [Hold] });
    const worker = resque.worker({ queues: "own", concurrency: 2, heartbeatInterval: 7, interval: 30 });
    await resque.enqueue(Hold);
    const started = collect(worker, "job:start", 1);
    await worker.start();
    const [event] = (await started)[0]!;
    const client = redis.server().client();
    expect(await client.hgetall("resque:resque-ts:workers")).toEqual(Object.fromEntries(worker.ids.map((id) => [id, '{"heartbeat":7,"timeout":null}'])));
    // The reservation (`<process token>-<n>`) rides in the worker:<id> value (before the payload);
    // a re-sent work cycle recognises itself by it, so no marker key is kept per process.
    expect(event!.reservation).toMatch(/^[0-9a-f]{16}-\d+$/);
    expect(await client.get(`resque:worker:${event!.workerId}`)).toContain(`"reservation":"${event!.reservation}","payload":`);
    expect(await client.keys("resque:resque-ts:cycle:*")).toEqual([]);

    release.resolve();
    await worker.stop();
    expect(await client.exists("resque:resque-ts:workers")).toBe(0);
    expect(await client.keys("resque:resque-ts:flush:*")).toEqual([]);
    await client.quit();
  });

  it("resque-ts:paused holds paused hosts and workers; resque-ts:control carries JSON commands", async () => {
    const resque = redis.make();
    const subscriber = redis.server().client();
    const messages: string[] = [];
    const got = deferred();
    subscriber.on("message", (_channel: string, message: string) => {
      messages.push(message);
      if (messages.length === 3) got.resolve();
    });
    await subscriber.subscribe("resque:resque-ts:control");
    await resque.admin.workers.pause({ host: "web1" });
    await resque.admin.workers.pause({ worker: "web2:42:mail" });
    await resque.admin.workers.stop({ all: true });
    await got.promise;
    expect(messages.map((m) => JSON.parse(m))).toEqual([
      { action: "pause", target: { host: "web1" } },
      { action: "pause", target: { worker: "web2:42:mail" } },
      { action: "stop", target: { all: true } },
    ]);
    const client = redis.server().client();
    expect(await client.hgetall("resque:resque-ts:paused")).toEqual({ "host:web1": "1", "worker:web2:42:mail": "1" });
    await Promise.all([subscriber.quit(), client.quit()]);
  });

  it("wakeup carries the queue name of every enqueue", async () => {
    const resque = redis.make();
    const subscriber = redis.server().client();
    const woken = new Promise<string>((resolve) => subscriber.on("message", (_c: string, queue: string) => resolve(queue)));
    await subscriber.subscribe("resque:wakeup");
    await resque.enqueueTo("mail", "Deliver", 1);
    expect(await woken).toBe("mail");
    await subscriber.quit();
  });

  it("a recurring slot leaves scheduler:fired:<name>:<slot> = \"1\" and unix seconds in scheduler:last_run / next_run", async () => {
    const resque = redis.make();
    const clock = new ManualClock(Date.parse("2026-06-01T09:59:59Z"));
    const scheduler = resque.scheduler({ clock, logger: silentLogger, lockValue: "ours:1", schedule: { tick: { every: "1m", class: "Tick", queue: "ticks" } } });
    await scheduler.runPass();
    clock.set("2026-06-01T10:00:00Z");
    await scheduler.runPass();
    const slot = Date.parse("2026-06-01T10:00:00Z") / 1000;
    const client = redis.server().client();
    expect(await client.get(`resque:scheduler:fired:tick:${slot}`)).toBe("1");
    expect(await client.ttl(`resque:scheduler:fired:tick:${slot}`)).toBeGreaterThanOrEqual(3600 - 5);
    expect(await client.hgetall("resque:scheduler:last_run")).toEqual({ tick: String(slot) });
    expect(await client.hgetall("resque:scheduler:next_run")).toEqual({ tick: String(slot + 60) });
    await client.quit();
  });
});
