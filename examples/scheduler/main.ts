/**
 * Delayed jobs and recurring schedules in one process: a scheduler (leader-elected, so start as
 * many copies as you like) and a worker that runs what it enqueues. Runs for RUN_SECONDS
 * (default 12), then stops.
 *
 *   npx tsx examples/scheduler/main.ts        # a private redis-server, or REDIS_URL
 */
import { fileURLToPath } from "node:url";
import { Resque } from "resque-ts";
import { localRedis } from "../support/local-redis.js";
import { CleanupTmp, Heartbeat, SendDigest } from "./jobs.js";

const redis = await localRedis();
const resque = new Resque({ redis: redis.url, namespace: "resque-example", jobs: [SendDigest, Heartbeat, CleanupTmp] });

// Delayed jobs: run once, later.
await resque.enqueueIn(2, SendDigest, "in two seconds");
await resque.enqueueAt(new Date(Date.now() + 4_000), SendDigest, "at a given time");
await resque.enqueueIn(3600, SendDigest, "cancelled");
console.log("cancelled delayed jobs:", await resque.removeDelayed(SendDigest, "cancelled"));

// A dynamic schedule, stored in Redis where Ruby's resque-scheduler reads it too.
await resque.admin.schedules.set("example_dynamic", { every: "15s", class: "Heartbeat", args: [{ from: "setSchedule" }] });

const scheduler = resque.scheduler({
  scheduleFile: fileURLToPath(new URL("./schedule.yml", import.meta.url)),
  dynamic: true,
  interval: 1,
});
scheduler.on("leader", () => console.log("this process leads: it moves delayed jobs and fires schedules"));
scheduler.on("fired", (f) => console.log(`fired ${f.name} for ${f.slot.toISOString()} onto ${f.queue}`));
const worker = resque.worker({ queues: ["mail", "monitoring", "maintenance"] });

await scheduler.start();
await worker.start();
console.log("running; Ctrl-C to stop early");

async function shutdown(): Promise<void> {
  await resque.admin.schedules.remove("example_dynamic");
  await Promise.all([scheduler.stop(), worker.stop()]);
  await resque.close();
  await redis.stop();
  process.exit(0);
}
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void shutdown());
setTimeout(() => void shutdown(), Number(process.env.RUN_SECONDS ?? 12) * 1000);
