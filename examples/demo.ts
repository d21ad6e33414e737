/**
 * `npm run demo`: enqueue jobs, run a worker with 5 slots, watch them being performed,
 * see a failure land in the failed list and retry it. Uses REDIS_URL, or a private redis-server.
 */
import { Job, Resque, defineJob } from "resque-ts";
import { localRedis } from "./support/local-redis.js";

class SendInvoice extends Job<[invoiceId: number]> {
  static override queue = "mail";
  async perform(invoiceId: number) {
    await new Promise((r) => setTimeout(r, 50 + Math.random() * 100)); // pretend to talk to an SMTP server
    if (invoiceId === 13 && !retried) throw new Error(`SMTP refused invoice ${invoiceId}`);
  }
}
let retried = false;

const ResizeImage = defineJob(
  "ResizeImage",
  async (url: string, width: number) => {
    await new Promise((r) => setTimeout(r, 30));
    void url;
    void width;
  },
  { queue: "images" },
);

const redis = await localRedis();
const resque = new Resque({ redis: redis.url, namespace: "resque-demo", jobs: [SendInvoice, ResizeImage] });

console.log("enqueueing 20 invoices and 5 images…");
for (let id = 1; id <= 20; id++) await resque.enqueue(SendInvoice, id);
await resque.enqueueBulk(ResizeImage, [1, 2, 3, 4, 5].map((n) => [`https://example.test/${n}.png`, 320] as [string, number]));
console.log(`queues: ${(await resque.admin.queues.names()).join(", ")}; mail has ${await resque.admin.queues.size("mail")} jobs`);

const worker = resque.worker({ queues: ["mail", "images"], concurrency: 5, interval: 1 });
const t0 = performance.now();
const stamp = () => `${String(Math.round(performance.now() - t0)).padStart(5)} ms`;
worker.on("job:success", (e) => console.log(`${stamp()}  ✓ ${e.jobName}(${e.args.map((a) => JSON.stringify(a)).join(", ")}) on ${e.workerId}`));
worker.on("job:failure", (e) => console.log(`${stamp()}  ✗ ${e.jobName}(${e.args.join(", ")}): ${(e.error as Error).message}`));

let done = 0;
const allDone = new Promise<void>((resolve) => {
  const count = () => ++done === 25 && resolve();
  worker.on("job:success", count);
  worker.on("job:failure", count);
});
await worker.start();
await allDone;

const [failure] = await resque.admin.failed.page({ count: 1 });
console.log(`\nfailed list: ${failure?.payload.class}(${failure?.payload.args.join(", ")}) — ${failure?.exception}: ${failure?.error}`);
console.log("retrying it from the failed list…");
retried = true;
const retriedDone = new Promise((resolve) => worker.once("job:success", resolve));
await resque.admin.failed.retryAndRemove(failure!);
await retriedDone;

await worker.stop();
console.log(`\nstats: ${JSON.stringify(await resque.admin.stats.totals())}; failed list now has ${await resque.admin.failed.count()} entries`);
await resque.close();
await redis.stop();
