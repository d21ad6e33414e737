/**
 * Delayed jobs and recurring schedules in one process: a scheduler (leader-elected, so start as
 * many copies as you like) and a worker that runs what it enqueues.
 *
 *   REDIS_URL=redis://127.0.0.1:6379/15 npx tsx examples/scheduler/main.ts
 *
 * Use a Redis database you can spare: the example adds jobs and a dynamic schedule to it.
 */
import { fileURLToPath } from "node:url";
import { Resque } from "../../src/index.js";
import { CleanupTmp, Heartbeat, SendDigest } from "./jobs.js";

if (!process.env.REDIS_URL) {
  console.error("Set REDIS_URL to a Redis you can write to, e.g. REDIS_URL=redis://127.0.0.1:6379/15");
  process.exit(1);
}

const resque = new Resque({ redis: process.env.REDIS_URL, jobs: [SendDigest, Heartbeat, CleanupTmp] });

// Delayed jobs: run once, later.
await resque.enqueueIn(3, SendDigest, "in three seconds");
await resque.enqueueAt(new Date(Date.now() + 6_000), SendDigest, "at a given time");
await resque.enqueueIn(3600, SendDigest, "cancelled");
console.log("cancelled delayed jobs:", await resque.removeDelayed(SendDigest, "cancelled"));

// A dynamic schedule, stored in Redis where Ruby's resque-scheduler reads it too.
await resque.setSchedule("example_dynamic", { every: "15s", class: "Heartbeat", args: [{ from: "setSchedule" }] });

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
console.log("running; Ctrl-C to stop");

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void (async () => {
      await resque.removeSchedule("example_dynamic");
      await Promise.all([scheduler.stop(), worker.stop()]);
      await resque.close();
      process.exit(0);
    })();
  });
}
