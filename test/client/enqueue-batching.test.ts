import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { Job } from "../../src/index.js";
import { useRedis } from "../helpers/resque.js";

class Mail extends Job<[number]> {
  static override queue = "mail";
  perform(_n: number) {}
}

async function calls(client: { info(section: string): Promise<string> }, command: string): Promise<number> {
  const match = new RegExp(`^cmdstat_${command}:calls=(\\d+)`, "m").exec(await client.info("commandstats"));
  return match ? Number(match[1]) : 0;
}

describe("enqueues made at the same time", () => {
  const redis = useRedis();

  it("share one RPUSH and keep the order of the calls", async () => {
    const resque = redis.make({ jobs: [Mail] });
    const client = redis.server().client();
    await client.config("RESETSTAT");
    await Promise.all(Array.from({ length: 500 }, (_, i) => resque.enqueue(Mail, i)));
    expect(await calls(client, "rpush")).toBe(1);
    expect(await calls(client, "publish")).toBe(1);
    const queued = await client.lrange("resque:queue:mail", 0, -1);
    expect(queued).toEqual(Array.from({ length: 500 }, (_, i) => `{"class":"Mail","args":[${i}]}`));
    expect(await client.smembers("resque:queues")).toEqual(["mail"]);
    await client.quit();
  });

  it("put front and back pushes where one-at-a-time calls would", async () => {
    const resque = redis.make({ jobs: [Mail] });
    await Promise.all([
      resque.enqueue(Mail, 1),
      resque.enqueueFront(Mail, 2),
      resque.enqueue(Mail, 3),
      resque.enqueueFront(Mail, 4),
      resque.enqueueBulk(Mail, [[5], [6]]),
    ]);
    const args = (await resque.admin.queues.peek("mail", { start: 0, count: 10 })).map((job) => job.args[0]);
    expect(args).toEqual([4, 2, 1, 3, 5, 6]);
  });

  it("all fail when Redis refuses the write, and later enqueues work", async () => {
    const resque = redis.make({ jobs: [Mail] });
    const client = redis.server().client();
    await client.set("resque:queue:mail", "not a list");
    const results = await Promise.allSettled([resque.enqueue(Mail, 1), resque.enqueue(Mail, 2)]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    await client.del("resque:queue:mail");
    await resque.enqueue(Mail, 3);
    expect(await resque.admin.queues.size("mail")).toBe(1);
    await client.quit();
  });

  it("are written while an earlier command on the connection still waits for its reply", async () => {
    // Replies on the Resque's connection are not read until the end, so a command in flight
    // stays in flight: an enqueue queued behind it (ioredis auto-pipelining serves one pipeline
    // at a time) would not reach Redis, and its wake-up would never be published.
    const own = new Redis(redis.server().url, { enableAutoPipelining: true });
    await own.ping();
    const resque = redis.make({ jobs: [Mail], redis: own });
    const listener = redis.server().client();
    const woken = new Promise<string>((resolve) => listener.on("message", (_channel, queue: string) => resolve(queue)));
    await listener.subscribe("resque:wakeup");
    own.stream.pause();
    const earlier = own.get("some-key");
    await new Promise((resolve) => setImmediate(resolve)); // auto-pipelining writes it now
    expect(own.autoPipelineQueueSize).toBe(0);
    const enqueued = resque.enqueue(Mail, 1);
    expect(await woken).toBe("mail");
    const client = redis.server().client();
    expect(await client.lrange("resque:queue:mail", 0, -1)).toEqual(['{"class":"Mail","args":[1]}']);
    own.stream.resume();
    await Promise.all([earlier, enqueued]);
    await Promise.all([client.quit(), listener.quit()]);
    own.disconnect();
  });

  it("keep their place behind commands still waiting to be written", async () => {
    const own = new Redis(redis.server().url, { enableAutoPipelining: true });
    await own.ping();
    const resque = redis.make({ jobs: [Mail], redis: own });
    await resque.enqueue(Mail, 1);
    // Called first, written first: the DEL must not land after the enqueue that follows it.
    const cleared = own.del("resque:queue:mail");
    await resque.enqueue(Mail, 2);
    await cleared;
    expect(await resque.admin.queues.peek("mail", { start: 0, count: 10 })).toMatchObject([{ args: [2] }]);
    own.disconnect();
  });
});
