/**
 * A plugin that times every job and warns about slow ones, plus a per-job audit hook.
 * Run: npx tsx examples/plugins/timing-plugin.ts   (uses REDIS_URL, or a private redis-server)
 */
import { Job, Resque, plugin, type PerformContext, type Plugin } from "resque-ts";
import { localRedis } from "../support/local-redis.js";

/** Times perform (and the hooks inside it) and logs jobs slower than `slowMs`. */
function timing(slowMs: number): Plugin {
  return {
    name: "timing",
    async aroundPerform(context: PerformContext, next: () => Promise<void>) {
      const t0 = performance.now();
      try {
        await next();
      } finally {
        const ms = Math.round(performance.now() - t0);
        console.log(`${ms >= slowMs ? "SLOW " : ""}${context.jobName}(${context.args.join(", ")}) took ${ms} ms`);
      }
    },
  };
}

const audit: Plugin = {
  name: "audit",
  afterPerform: (context) => console.log(`audit: ${context.jobName} done by ${context.workerId}`),
  onFailure: (error, context) => console.log(`audit: ${context.jobName} failed: ${(error as Error).message}`),
};

@plugin(audit)
class Render extends Job<[pages: number]> {
  static override queue = "render";
  async perform(pages: number) {
    await new Promise((r) => setTimeout(r, pages * 20));
    if (pages > 10) throw new Error("too many pages");
  }
}

const redis = await localRedis();
const resque = new Resque({ redis: redis.url, namespace: "resque-example", jobs: [Render], plugins: [timing(100)] });
await resque.enqueueBulk(Render, [[1], [8], [12]]);
const worker = resque.worker({ queues: "render", interval: 0 });
await worker.start();
await worker.stopped;
await resque.admin.failed.clear();
await resque.close();
await redis.stop();
