import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { Job, Resque } from "../../src/index.js";
import { RedisServer } from "../helpers/redis-server.js";
import { silentLogger, useRedis } from "../helpers/resque.js";

class Ping extends Job<[number]> {
  static override queue = "ping";
  perform() {}
}

describe("connecting to Redis", () => {
  const redis = useRedis();

  it("from a redis:// URL", async () => {
    const resque = redis.make({ redis: redis.server().url, jobs: [Ping] });
    await resque.enqueue(Ping, 1);
    expect(await resque.admin.queues.size("ping")).toBe(1);
  });

  it("from ioredis options", async () => {
    const resque = redis.make({ redis: { host: "127.0.0.1", port: redis.server().port, db: 2 }, jobs: [Ping] });
    await resque.enqueue(Ping, 1);
    const client = new Redis({ port: redis.server().port, db: 2 });
    expect(await client.llen("resque:queue:ping")).toBe(1);
    await client.quit();
  });

  it("from REDIS_URL when no connection is given", async () => {
    const saved = process.env.REDIS_URL;
    process.env.REDIS_URL = redis.server().url;
    try {
      const resque = redis.make({ redis: undefined, jobs: [Ping] });
      await resque.enqueue(Ping, 1);
      expect(await resque.admin.queues.size("ping")).toBe(1);
    } finally {
      if (saved === undefined) delete process.env.REDIS_URL;
      else process.env.REDIS_URL = saved;
    }
  });

  it("with an application's own ioredis client, which close() leaves open", async () => {
    const client = new Redis(redis.server().port, "127.0.0.1");
    const resque = new Resque({ redis: client, jobs: [Ping], logger: silentLogger });
    await resque.enqueue(Ping, 1);
    await resque.close();
    expect(client.status).toBe("ready");
    expect(await client.llen("resque:queue:ping")).toBe(1);
    await client.quit();
  });

  it("from Ruby Resque's \"host:port\" and \"host:port:db\" (Resque.redis = ...), as REDIS_URL often holds them", async () => {
    const port = redis.server().port;
    const plain = redis.make({ redis: `127.0.0.1:${port}`, jobs: [Ping] });
    await plain.enqueue(Ping, 1);
    expect(await plain.admin.queues.size("ping")).toBe(1);
    const third = redis.make({ redis: `localhost:${port}:3`, jobs: [Ping] });
    await third.enqueue(Ping, 2);
    const client = new Redis({ port, db: 3 });
    expect(await client.lrange("resque:queue:ping", 0, -1)).toEqual(['{"class":"Ping","args":[2]}']);
    await client.quit();
  });

  it("refuses Ruby's \"host:port/namespace\" and says where the namespace goes", () => {
    expect(() => new Resque({ redis: "localhost:6379/myapp", logger: silentLogger })).toThrow(
      /^"localhost:6379\/myapp" names a namespace after the server \(Ruby's "host:port\/namespace"\): give the server as "localhost:6379" and the namespace as the namespace option/,
    );
  });

  it("over a unix socket path", async () => {
    const server = await RedisServer.start({ args: ["--unixsocket", "redis.sock", "--unixsocketperm", "700"] });
    try {
      const resque = new Resque({ redis: `${server.dir}/redis.sock`, jobs: [Ping], logger: silentLogger });
      await resque.enqueue(Ping, 1);
      expect(await resque.admin.queues.size("ping")).toBe(1);
      await resque.close();
    } finally {
      await server.close();
    }
  });
});
