/** Test helpers: a Resque instance on a private redis-server, with cleanup. */
import { afterAll, afterEach, beforeAll } from "vitest";
import { Resque, type ResqueOptions } from "../../src/index.js";
import { pino } from "pino";
import { killAll } from "./processes.js";
import { RedisServer } from "./redis-server.js";

export const silentLogger = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });

/**
 * Starts one redis-server for the calling test file and flushes it after each test.
 * `make()` returns Resque instances on it that are closed after each test.
 */
export function useRedis(): { server: () => RedisServer; make: (options?: ResqueOptions) => Resque } {
  let server: RedisServer;
  const open: Resque[] = [];
  beforeAll(async () => {
    server = await RedisServer.start();
  });
  afterEach(async () => {
    killAll();
    await Promise.all(open.splice(0).map((r) => r.close()));
    const client = server.client();
    await client.flushall();
    await client.quit();
  });
  afterAll(async () => {
    await server?.close();
  });
  return {
    server: () => server,
    make: (options = {}) => {
      const resque = new Resque({ redis: server.url, logger: silentLogger, ...options });
      open.push(resque);
      return resque;
    },
  };
}
