/** Test helpers: a Resque instance on a private redis-server, with cleanup. */
import { afterAll, afterEach, beforeAll } from "vitest";
import { Admin, Resque, type AdminOptions, type ResqueOptions } from "../../src/index.js";
import { pino } from "pino";
import { killAll } from "./processes.js";
import { RedisServer } from "./redis-server.js";

export const silentLogger = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });

/**
 * Starts one redis-server for the calling test file and flushes it after each test.
 * `make()` returns Resque instances on it that are closed after each test.
 */
export function useRedis(): {
  server: () => RedisServer;
  make: (options?: ResqueOptions) => Resque;
  /** An Admin on the server (closed after each test). */
  admin: (options?: Omit<AdminOptions, "redis">) => Admin;
} {
  let server: RedisServer;
  const open: (Resque | Admin)[] = [];
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
    admin: (options = {}) => {
      const admin = new Admin({ redis: server.url, ...options });
      open.push(admin);
      return admin;
    },
  };
}
