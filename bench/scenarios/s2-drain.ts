/**
 * S2 drain: N pre-enqueued no-op jobs performed by one worker process at concurrency 1, 10 and
 * 50: throughput, Redis commands per job, CPU per 1,000 jobs of the worker and of Redis.
 * S5 comes from the same runs: the worker's RSS before work, its peak at c=50, when the drain is
 * done, and after a forced full GC.
 */
import type { Library } from "../adapters/adapter.js";
import { format, numberedArgs, rotation, type BenchContext } from "../context.js";
import type { DrainReport } from "../protocol.js";
import { commandBreakdown, libraryCommands } from "../redis-stats.js";
import { WorkerProcess } from "../worker-client.js";

const MB = 1e6;

async function drain(ctx: BenchContext, library: Library, concurrency: number): Promise<void> {
  const { jobs } = ctx.config;
  await ctx.redis.reset();
  const worker = await WorkerProcess.spawn({ library, redisUrl: ctx.redisUrl, concurrency, mode: "drain", expected: jobs });
  try {
    const producer = await ctx.adapters.get(library)!.producer(ctx.redisUrl);
    await producer.prefill(numberedArgs(jobs));
    await producer.close();
    await ctx.redis.resetStats();
    const before = await ctx.redis.snapshot();
    await worker.start();
    const report = (await worker.report(60_000 + jobs * 5)) as DrainReport;
    const after = await ctx.redis.snapshot();
    const rate = (jobs / report.elapsedMs) * 1000;
    const prefix = `s2.c${concurrency}`;
    ctx.results.add(`${prefix}.rate`, library, rate);
    ctx.results.add(`${prefix}.commands`, library, libraryCommands(after) / jobs);
    ctx.results.add(`${prefix}.workerCpu`, library, (report.cpuMs / jobs) * 1000);
    ctx.results.add(`${prefix}.redisCpu`, library, ((after.cpuMs - before.cpuMs) / jobs) * 1000);
    if (concurrency === 50) {
      ctx.results.add("s5.rssBefore", library, report.rssBefore / MB);
      ctx.results.add("s5.rssPeak", library, report.rssPeak / MB);
      ctx.results.add("s5.rssAfter", library, report.rssAfter / MB);
      ctx.results.add("s5.rssAfterGc", library, (await worker.rssAfterGc()) / MB);
    }
    ctx.log(
      `S2 ${library} c=${concurrency}: ${format(rate)} jobs/s, worker CPU ${format(report.cpuMs)} ms, ` +
        `peak RSS ${format(report.rssPeak / MB, 1)} MB; commands per job: ${commandBreakdown(after, jobs)}`,
    );
  } finally {
    await worker.stop();
  }
}

export async function runS2(ctx: BenchContext): Promise<void> {
  for (let repeat = 0; repeat < ctx.config.repeats; repeat++) {
    for (const concurrency of ctx.config.concurrencies) {
      for (const library of rotation(ctx.config.libraries, repeat)) {
        try {
          await drain(ctx, library, concurrency);
        } catch (error) {
          const prefix = `s2.c${concurrency}`;
          const ids = [`${prefix}.rate`, `${prefix}.commands`, `${prefix}.workerCpu`, `${prefix}.redisCpu`];
          if (concurrency === 50) ids.push("s5.rssBefore", "s5.rssPeak", "s5.rssAfter", "s5.rssAfterGc");
          ctx.results.failed(ids, library, String(error));
          ctx.log(`S2 ${library} c=${concurrency} failed: ${String(error)}`);
        }
      }
    }
  }
}
