/**
 * S4 delayed: N jobs scheduled with each library's delayed-job API to be due at the same whole
 * second, with the worker (and the library's scheduler, where it has one) already running.
 * Measures due → last job done, and each job's lateness (perform start − due; negative = early).
 */
import { NotAvailableError, type Library } from "../adapters/adapter.js";
import { format, rotation, type BenchContext } from "../context.js";
import type { DelayedReport } from "../protocol.js";
import { percentile, sortNumbers } from "../statistics.js";
import { WorkerProcess } from "../worker-client.js";

const METRIC_IDS = ["s4.lastDone", "s4.p50", "s4.p99", "s4.earliest"];

/** Scheduling must finish before the due time; the lead is learnt from the previous run. */
const leadMs = new Map<Library, number>();

class TooLateError extends Error {}

async function delayed(ctx: BenchContext, library: Library): Promise<void> {
  const jobs = ctx.config.delayedJobs;
  await ctx.redis.reset();
  const worker = await WorkerProcess.spawn({ library, redisUrl: ctx.redisUrl, concurrency: ctx.config.delayedConcurrency, mode: "delayed", expected: jobs });
  try {
    await worker.start();
    const producer = await ctx.adapters.get(library)!.producer(ctx.redisUrl);
    const lead = leadMs.get(library) ?? 1500 + jobs * 0.3;
    const due = Math.ceil((Date.now() + lead) / 1000) * 1000;
    const started = performance.now();
    try {
      await producer.scheduleAt(
        due,
        Array.from({ length: jobs }, (_, i) => [i, due]),
      );
    } finally {
      await producer.close();
    }
    const took = performance.now() - started;
    leadMs.set(library, Math.max(1000, took * 1.5 + 500));
    if (Date.now() > due - 50) throw new TooLateError(`scheduling took ${format(took)} ms, past the due time`);
    const report = (await worker.report(due - Date.now() + 120_000)) as DelayedReport;
    const sorted = sortNumbers(report.latenessMs);
    const lastDone = report.lastDoneAt - due;
    ctx.results.add("s4.lastDone", library, lastDone);
    ctx.results.add("s4.p50", library, percentile(sorted, 50));
    ctx.results.add("s4.p99", library, percentile(sorted, 99));
    ctx.results.add("s4.earliest", library, sorted[0]!);
    ctx.log(
      `S4 ${library}: scheduled in ${format(took)} ms; due → last done ${format(lastDone)} ms, ` +
        `lateness p50 ${format(percentile(sorted, 50))} ms, p99 ${format(percentile(sorted, 99))} ms, earliest ${format(sorted[0]!)} ms`,
    );
  } finally {
    await worker.stop();
  }
}

export async function runS4(ctx: BenchContext): Promise<void> {
  for (let repeat = 0; repeat < ctx.config.repeats; repeat++) {
    for (const library of rotation(ctx.config.libraries, repeat)) {
      const known = ctx.results.cell("s4.lastDone", library);
      if (known && "unavailable" in known) continue;
      for (let attempt = 1; ; attempt++) {
        try {
          await delayed(ctx, library);
        } catch (error) {
          if (error instanceof TooLateError && attempt < 3) continue;
          if (error instanceof NotAvailableError) {
            ctx.results.unavailable(METRIC_IDS, library, error.message);
          } else {
            ctx.results.failed(METRIC_IDS, library, String(error));
            ctx.log(`S4 ${library} failed: ${String(error)}`);
          }
        }
        break;
      }
    }
  }
}
