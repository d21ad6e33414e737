/**
 * For the examples: use REDIS_URL when it is set, otherwise start a private redis-server for the
 * duration of the example (so `npm run demo` works on a fresh machine with redis-server installed).
 */
import { RedisServer } from "../../tools/redis-server.js";

export async function localRedis(): Promise<{ url: string; stop: () => Promise<void> }> {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, stop: async () => {} };
  try {
    const server = await RedisServer.start();
    console.log(`(REDIS_URL is not set: started a private redis-server on ${server.url})`);
    return { url: server.url, stop: () => server.close() };
  } catch (error) {
    console.error(`${(error as Error).message}\nSet REDIS_URL, or install Redis: sudo apt-get install -y redis-server`);
    process.exit(1);
  }
}
