/**
 * S1 enqueue: N jobs with one call per job (100 calls in flight), then N jobs with the bulk API
 * (1,000 per call). Also Redis bytes per queued job and Redis commands per job.
 */
import { NotAvailableError, type Library } from "../adapters/adapter.js";
import { format, numberedArgs, rotation, type BenchContext } from "../context.js";
import { inFlight } from "../in-flight.js";
import { commandBreakdown, libraryCommands } from "../redis-stats.js";

async function single(ctx: BenchContext, library: Library): Promise<void> {
  const { jobs } = ctx.config;
  await ctx.redis.reset();
  const producer = await ctx.adapters.get(library)!.producer(ctx.redisUrl);
  try {
    await ctx.redis.resetStats();
    const before = await ctx.redis.snapshot();
    const started = performance.now();
    await inFlight(jobs, ctx.config.inFlight, (i) => producer.enqueue([i]));
    const elapsed = performance.now() - started;
    const after = await ctx.redis.snapshot();
    const rate = (jobs / elapsed) * 1000;
    ctx.results.add("s1.single.rate", library, rate);
    ctx.results.add("s1.single.commands", library, libraryCommands(after) / jobs);
    ctx.results.add("s1.bytes", library, (after.usedMemory - before.usedMemory) / jobs);
    ctx.log(`S1 ${library} single: ${format(rate)} jobs/s; commands per job: ${commandBreakdown(after, jobs)}`);
  } finally {
    await producer.close();
  }
}

async function bulk(ctx: BenchContext, library: Library): Promise<void> {
  const { jobs, bulkChunk } = ctx.config;
  await ctx.redis.reset();
  const args = numberedArgs(jobs);
  const producer = await ctx.adapters.get(library)!.producer(ctx.redisUrl);
  try {
    await ctx.redis.resetStats();
    const started = performance.now();
    for (let i = 0; i < jobs; i += bulkChunk) await producer.enqueueBulk(args.slice(i, i + bulkChunk));
    const elapsed = performance.now() - started;
    const after = await ctx.redis.snapshot();
    const rate = (jobs / elapsed) * 1000;
    ctx.results.add("s1.bulk.rate", library, rate);
    ctx.results.add("s1.bulk.commands", library, libraryCommands(after) / jobs);
    ctx.log(`S1 ${library} bulk: ${format(rate)} jobs/s`);
  } finally {
    await producer.close();
  }
}

export async function runS1(ctx: BenchContext): Promise<void> {
  for (let repeat = 0; repeat < ctx.config.repeats; repeat++) {
    for (const library of rotation(ctx.config.libraries, repeat)) {
      try {
        await single(ctx, library);
      } catch (error) {
        ctx.results.failed(["s1.single.rate", "s1.single.commands", "s1.bytes"], library, String(error));
        ctx.log(`S1 ${library} single failed: ${String(error)}`);
      }
      try {
        await bulk(ctx, library);
      } catch (error) {
        if (error instanceof NotAvailableError) {
          ctx.results.unavailable(["s1.bulk.rate", "s1.bulk.commands"], library, error.message);
        } else {
          ctx.results.failed(["s1.bulk.rate", "s1.bulk.commands"], library, String(error));
          ctx.log(`S1 ${library} bulk failed: ${String(error)}`);
        }
      }
    }
  }
}
