/**
 * Retries with backoff: a job that fails twice and then succeeds, and one that gives up.
 * A worker and a scheduler run in this process; the scheduler moves each retry onto its queue
 * when it is due.
 *
 *   npx tsx examples/retry/main.ts      (uses REDIS_URL, or starts a private redis-server)
 */
import { Job, Resque, retry, type GiveUpInfo, type RetryOptions, type RetryScheduledInfo } from "resque-ts";
import { localRedis } from "../support/local-redis.js";

/** Resolves after `n` calls of `tick`. */
function countdown(n: number) {
  let tick!: () => void;
  const done = new Promise<void>((resolve) => (tick = () => --n === 0 && resolve()));
  return { done, tick };
}
const firstRetries = countdown(2); // both jobs failed once and wait for their retry
const finished = countdown(2); // one succeeded, one gave up

const logRetry = (error: unknown, info: RetryScheduledInfo) => {
  console.log(`  ${info.context.jobName}: attempt ${info.attempt} failed (${(error as Error).message}); retry in ${info.delay} s`);
  if (info.attempt === 0) firstRetries.tick();
};

class GatewayTimeout extends Error {
  override name = "GatewayTimeout";
}

/** Fails on its first two runs, as a flaky payment gateway would. */
@retry({ backoff: [1, 2], onRetry: logRetry }) // seconds after the 1st and 2nd failure; the last value repeats
class ChargeCard extends Job<[orderId: number]> {
  static override queue = "payments";
  perform(orderId: number) {
    const { attempt, retryLimit } = this.context;
    if (attempt < 2) throw new GatewayTimeout("gateway timed out");
    console.log(`  ChargeCard: charged order ${orderId} on attempt ${attempt} (at most ${retryLimit! + 1} runs)`);
    finished.tick();
  }
}

/** Never succeeds: retried once, then recorded as failed. The same options, without a decorator. */
class RefundCard extends Job<[orderId: number]> {
  static override queue = "payments";
  static override retry: RetryOptions = {
    limit: 1,
    delay: 1,
    fatalOn: ["CardRevoked"], // errors named here are not retried at all
    onRetry: logRetry,
    onGiveUp: (error: unknown, info: GiveUpInfo) => {
      console.log(`  RefundCard: giving up after ${info.attempt + 1} attempts (${info.reason}): ${(error as Error).message}`);
      finished.tick();
    },
  };
  perform(orderId: number) {
    throw new Error(`refund of order ${orderId} refused`);
  }
}

const redis = await localRedis();
const resque = new Resque({ redis: redis.url, jobs: [ChargeCard, RefundCard] });
const worker = resque.worker({ queues: "payments" });
const scheduler = resque.scheduler({ interval: 1 });
await scheduler.start();
await worker.start();

await resque.enqueue(ChargeCard, 42);
await resque.enqueue(RefundCard, 7);
console.log("enqueued ChargeCard(42) and RefundCard(7)");

// While retries wait, resque.admin.retries lists them with their attempt and last failure (the Retry tab).
await firstRetries.done;
for (const r of await resque.admin.retries.scheduled()) {
  console.log(`waiting: ${r.class}(${r.args.join(", ")}) will run as attempt ${r.attempt} of ${r.limit! + 1}; last error: ${r.lastFailure?.error}`);
}

await finished.done;
await Promise.all([worker.stop(), scheduler.stop()]);
// Retried failures stay out of the failed list; the one that gave up is there, with its attempts.
for (const failed of await resque.admin.failed.page()) {
  console.log(`failed: ${failed.payload.class}(${failed.payload.args.join(", ")}) "${failed.error}" after ${JSON.parse(failed.raw).attempts} attempts`);
}
console.log("stats:", JSON.stringify(await resque.admin.stats.totals()));
await resque.close();
await redis.stop();
