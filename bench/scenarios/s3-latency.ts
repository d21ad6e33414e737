/**
 * S3 latency: jobs enqueued one call each at a steady rate (500 jobs/s) while a worker waits;
 * the time from the enqueue call to the start of perform, on the system-wide monotonic clock.
 * The first second is a warm-up and not counted.
 */
import type { Library } from "../adapters/adapter.js";
import { format, rotation, type BenchContext } from "../context.js";
import { monotonicMicros, type LatencyReport } from "../protocol.js";
import { percentile, sortNumbers } from "../statistics.js";
import { WorkerProcess } from "../worker-client.js";

async function latency(ctx: BenchContext, library: Library): Promise<void> {
  const { latencyRate: rate, latencySeconds, latencyWarmupSeconds } = ctx.config;
  const warmup = Math.round(rate * latencyWarmupSeconds);
  const total = warmup + Math.round(rate * latencySeconds);
  await ctx.redis.reset();
  const worker = await WorkerProcess.spawn({ library, redisUrl: ctx.redisUrl, concurrency: ctx.config.latencyConcurrency, mode: "latency", expected: total });
  try {
    await worker.start();
    const producer = await ctx.adapters.get(library)!.producer(ctx.redisUrl);
    const pending = new Set<Promise<void>>();
    let sent = 0;
    let firstError: unknown;
    const started = performance.now();
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const due = Math.min(total, Math.floor(((performance.now() - started) * rate) / 1000));
        while (sent < due) {
          const call = producer.enqueue([sent++, monotonicMicros()]).catch((error: unknown) => void (firstError ??= error));
          pending.add(call);
          void call.finally(() => pending.delete(call));
        }
        if (sent >= total) {
          clearInterval(timer);
          resolve();
        }
      }, 1);
    });
    await Promise.all(pending);
    if (firstError) throw firstError;
    const report = (await worker.report(30_000)) as LatencyReport;
    await producer.close();
    const sorted = sortNumbers(report.latencyUs.slice(warmup).map((us) => us / 1000));
    const [p50, p99, max] = [percentile(sorted, 50), percentile(sorted, 99), sorted[sorted.length - 1]!];
    ctx.results.add("s3.p50", library, p50);
    ctx.results.add("s3.p99", library, p99);
    ctx.results.add("s3.max", library, max);
    ctx.log(`S3 ${library}: p50 ${format(p50, 2)} ms, p99 ${format(p99, 2)} ms, max ${format(max, 1)} ms`);
  } finally {
    await worker.stop();
  }
}

export async function runS3(ctx: BenchContext): Promise<void> {
  for (let repeat = 0; repeat < ctx.config.repeats; repeat++) {
    for (const library of rotation(ctx.config.libraries, repeat)) {
      try {
        await latency(ctx, library);
      } catch (error) {
        ctx.results.failed(["s3.p50", "s3.p99", "s3.max"], library, String(error));
        ctx.log(`S3 ${library} failed: ${String(error)}`);
      }
    }
  }
}
