/**
 * S6 retry storm: N pre-enqueued jobs whose first run throws and whose one retry, due
 * RETRY_DELAY_MS after the failure, succeeds; one worker process at concurrency 50 with the
 * library's scheduler. Each library retries with its own mechanism: resque-ts `static retry`
 * (limit 1, delay 1 s), bullmq attempts 2 with a fixed backoff, node-resque's Retry plugin
 * (retryLimit 2: it counts runs). Measures first run → last success, the rate of the failing
 * first runs, and how late each retry started after its due time (negative = early).
 */
import type { Library } from "../adapters/adapter.js";
import { format, numberedArgs, rotation, type BenchContext } from "../context.js";
import type { RetryReport } from "../protocol.js";
import { commandBreakdown, libraryCommands } from "../redis-stats.js";
import { percentile, sortNumbers } from "../statistics.js";
import { WorkerProcess } from "../worker-client.js";

export const S6_CONCURRENCY = 50;
const METRIC_IDS = ["s6.total", "s6.failRate", "s6.p50", "s6.p99", "s6.earliest", "s6.commands", "s6.workerCpu"];

async function storm(ctx: BenchContext, library: Library): Promise<void> {
  const jobs = ctx.config.retryJobs;
  await ctx.redis.reset();
  const worker = await WorkerProcess.spawn({ library, redisUrl: ctx.redisUrl, concurrency: S6_CONCURRENCY, mode: "retry", expected: jobs });
  try {
    const producer = await ctx.adapters.get(library)!.producer(ctx.redisUrl);
    await producer.prefillRetrying(numberedArgs(jobs));
    await producer.close();
    await ctx.redis.resetStats();
    const before = await ctx.redis.snapshot();
    await worker.start();
    const report = (await worker.report(120_000 + jobs * 5)) as RetryReport;
    const after = await ctx.redis.snapshot();
    const total = report.lastDoneAt - report.firstStartAt;
    const failRate = (jobs / Math.max(1, report.lastFailureAt - report.firstStartAt)) * 1000;
    const lateness = sortNumbers(report.latenessMs);
    ctx.results.add("s6.total", library, total);
    ctx.results.add("s6.failRate", library, failRate);
    ctx.results.add("s6.p50", library, percentile(lateness, 50));
    ctx.results.add("s6.p99", library, percentile(lateness, 99));
    ctx.results.add("s6.earliest", library, lateness[0]!);
    ctx.results.add("s6.commands", library, libraryCommands(after) / jobs);
    ctx.results.add("s6.workerCpu", library, (report.cpuMs / jobs) * 1000);
    ctx.log(
      `S6 ${library}: first run → last success ${format(total)} ms, failing runs ${format(failRate)} jobs/s, ` +
        `retry lateness p50 ${format(percentile(lateness, 50))} ms, p99 ${format(percentile(lateness, 99))} ms, earliest ${format(lateness[0]!)} ms, ` +
        `worker CPU ${format(report.cpuMs)} ms, Redis CPU ${format(after.cpuMs - before.cpuMs)} ms; commands per job: ${commandBreakdown(after, jobs)}`,
    );
  } finally {
    await worker.stop();
  }
}

export async function runS6(ctx: BenchContext): Promise<void> {
  for (let repeat = 0; repeat < ctx.config.repeats; repeat++) {
    for (const library of rotation(ctx.config.libraries, repeat)) {
      try {
        await storm(ctx, library);
      } catch (error) {
        ctx.results.failed(METRIC_IDS, library, String(error));
        ctx.log(`S6 ${library} failed: ${String(error)}`);
      }
    }
  }
  // Failing first runs against succeeding jobs (S2 at the same concurrency), when both ran.
  for (const library of ctx.config.libraries) {
    const failing = ctx.results.median("s6.failRate", library);
    const succeeding = ctx.results.median(`s2.c${S6_CONCURRENCY}.rate`, library);
    if (failing !== undefined && succeeding !== undefined) ctx.results.add("s6.failRatio", library, failing / succeeding);
  }
}
