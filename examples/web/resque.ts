/**
 * One Resque per process, shared by every request (it holds the Redis connection), closed when
 * the server shuts down. Uses REDIS_URL, or a private redis-server for the example.
 */
import { Resque } from "resque-ts";
import { localRedis } from "../support/local-redis.js";
import { SendInvoice } from "./jobs.js";

const redis = await localRedis();
export const resque = new Resque({ redis: redis.url, jobs: [SendInvoice] });

/** The invoice id of a route parameter, or undefined when it is not a positive whole number. */
export function invoiceId(param: string | undefined): number | undefined {
  const id = Number(param);
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

/** On TERM or INT: stop taking requests, then close Resque (and the example's redis-server). */
export function closeOnSignal(closeServer: () => Promise<void>): void {
  const shutdown = async () => {
    await closeServer();
    await resque.close();
    await redis.stop();
    process.exit(0);
  };
  process.once("SIGTERM", () => void shutdown());
  process.once("SIGINT", () => void shutdown());
}
