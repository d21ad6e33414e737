/**
 * Redis that cannot be reached: producers and one-shot calls fail in bounded time with a message
 * naming the target and the cause, and write nothing later; a worker told to stop while Redis is
 * down exits in bounded time, leaving its job recoverable.
 */
import { afterEach, describe, expect, it } from "vitest";
import { Job, RedisUnavailableError, Resque } from "../../src/index.js";
import { killAll, runTs } from "../helpers/processes.js";
import { capturedLogger } from "../helpers/logs.js";
import { RedisServer } from "../helpers/redis-server.js";
import { storeOf } from "../../src/redis/store-of.js";

class Mail extends Job<[number]> {
  static override queue = "mail";
  perform() {}
}

describe("Redis cannot be reached", () => {
  it("enqueue fails within the connection timeout, names the target and cause, and sends nothing later", async () => {
    const server = await RedisServer.start();
    const port = server.port;
    await server.stop();
    const { logger, lines } = capturedLogger("warn");
    const resque = new Resque({ redis: `redis://127.0.0.1:${port}`, connectionTimeout: 1, jobs: [Mail], logger });
    try {
      const started = Date.now();
      const error = await resque.enqueue(Mail, 1).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(RedisUnavailableError);
      expect((error as Error).message).toContain(`Redis at redis://127.0.0.1:${port} is unreachable`);
      expect((error as Error).message).toContain("ECONNREFUSED");
      expect(Date.now() - started).toBeLessThan(5000);
      await expect(resque.admin.workers.pause({ all: true })).rejects.toBeInstanceOf(RedisUnavailableError);
      // The log says it never connected, not that a connection was lost.
      expect(lines.some((l) => l.msg.includes(`cannot connect to Redis at redis://127.0.0.1:${port}`))).toBe(true);
      expect(lines.some((l) => l.msg.includes("lost the connection"))).toBe(false);

      // Redis comes up: the failed enqueue does not happen after all.
      await server.restart();
      await storeOf(resque).ready();
      await storeOf(resque).client.ping();
      expect(await resque.admin.queues.size("mail")).toBe(0);
      expect(await resque.admin.workers.paused()).toEqual({ all: false, targets: [] });
      await resque.enqueue(Mail, 2);
      expect(await resque.admin.queues.size("mail")).toBe(1);
    } finally {
      await resque.close();
      await server.close();
    }
  });

  describe("a worker told to stop while Redis is down", () => {
    afterEach(killAll);

    it("exits in bounded time; once Redis is back its job is requeued and performed", async () => {
      const server = await RedisServer.start({ args: ["--appendonly", "yes", "--appendfsync", "always"] });
      try {
        const client = server.client();
        await client.sadd("resque:queues", "work");
        await client.rpush("resque:queue:work", '{"class":"Slow","args":[7]}');
        await client.quit();
        const a = runTs("test/fixtures/fencing-worker.ts", { REDIS_URL: server.url, SLOW_MS: "60000", RESQUE_TERM_TIMEOUT: "1" });
        await a.line(/^started Slow 7$/);
        await server.kill();
        const stopAt = Date.now();
        a.child.kill("SIGTERM");
        await a.exited;
        expect(Date.now() - stopAt).toBeLessThan(15_000);

        await server.restart();
        const b = runTs("test/fixtures/fencing-worker.ts", { REDIS_URL: server.url, HEARTBEAT: "0.5" });
        await b.line(/^performed Slow 7$/);
        b.child.kill("SIGTERM");
        await b.exited;
        const after = server.client();
        expect(await after.get("resque:stat:processed")).toBe("1");
        expect(await after.llen("resque:queue:work")).toBe(0);
        await after.quit();
      } finally {
        await server.close();
      }
    });

    it("resque work exits at once on a second TERM", async () => {
      const server = await RedisServer.start();
      try {
        const proc = runTs("src/cli/resque.ts", { REDIS_URL: server.url, QUEUE: "work", INTERVAL: "30" }, ["work", "--require", "./test/fixtures/cli-jobs.ts"]);
        await proc.line(/worker started/);
        await server.kill();
        proc.child.kill("SIGTERM");
        await proc.line(/stopping now/);
        const second = Date.now();
        proc.child.kill("SIGTERM");
        const exit = await proc.exited;
        expect(exit.code).toBe(1);
        expect(Date.now() - second).toBeLessThan(3000);
        expect(proc.lines.some((l) => l.includes("second stop signal"))).toBe(true);
      } finally {
        await server.close();
      }
    });
  });
});
