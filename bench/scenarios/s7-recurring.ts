/**
 * S7 many recurring schedules: N schedules that each fire every 10 s on a common grid, declared
 * by two worker processes that each also run the library's scheduler (two replicas of one app:
 * resque-ts elects one leader, bullmq's job schedulers are run by its workers). Over a few slots
 * it counts each schedule's fires per slot (none twice, none missed), how late each fire started,
 * and the CPU of both processes and of Redis per fire; at two sizes (1,000 and 10,000 schedules
 * in a full run) to show whether the cost per schedule stays flat.
 */
import { METRICS, type Metric } from "../results.js";
import { NotAvailableError, type Library } from "../adapters/adapter.js";
import { format, type BenchContext } from "../context.js";
import { commandBreakdown, libraryCommands } from "../redis-stats.js";
import { percentile, sortNumbers } from "../statistics.js";
import { WorkerProcess } from "../worker-client.js";

const EVERY_MS = 10_000;
const CONCURRENCY = 10;
const PROCESSES = 2;

class TooLateError extends Error {}

function metricsFor(count: number): Metric[] {
  const n = format(count);
  return [
    {
      id: `s7.n${count}.cpu`,
      scenario: "S7",
      label: `${n} schedules: worker + scheduler CPU per 1,000 fires`,
      unit: "ms",
      better: "lower",
      digits: 0,
      target: { kind: "ratio", op: "<=", value: 1, against: "bullmq" },
    },
    { id: `s7.n${count}.redisCpu`, scenario: "S7", label: `${n} schedules: Redis CPU per 1,000 fires`, unit: "ms", better: "lower", digits: 0 },
    { id: `s7.n${count}.commands`, scenario: "S7", label: `${n} schedules: Redis commands per fire`, unit: "cmds/fire", better: "lower", digits: 1 },
    { id: `s7.n${count}.p50`, scenario: "S7", label: `${n} schedules: lateness after the slot, p50`, unit: "ms", better: "lower", digits: 0 },
    { id: `s7.n${count}.p99`, scenario: "S7", label: `${n} schedules: lateness p99`, unit: "ms", better: "lower", digits: 0 },
    {
      id: `s7.n${count}.max`,
      scenario: "S7",
      label: `${n} schedules: lateness max`,
      unit: "ms",
      better: "lower",
      digits: 0,
      target: { kind: "absolute", op: "<=", value: 1000 },
    },
    {
      id: `s7.n${count}.duplicates`,
      scenario: "S7",
      label: `${n} schedules: fires of a slot beyond the first`,
      unit: "fires",
      better: "lower",
      digits: 0,
      target: { kind: "absolute", op: "<=", value: 0 },
      ratio: false,
    },
    {
      id: `s7.n${count}.missed`,
      scenario: "S7",
      label: `${n} schedules: slots not fired`,
      unit: "slots",
      better: "lower",
      digits: 0,
      target: { kind: "absolute", op: "<=", value: 0 },
      ratio: false,
    },
  ];
}

const FLAT_ID = "s7.flat";

/** Adds the metrics of these sizes to the report (the sizes come from the settings). */
function register(counts: readonly number[]): void {
  const add = (metric: Metric) => {
    if (!METRICS.some((m) => m.id === metric.id)) METRICS.push(metric);
  };
  for (const count of counts) for (const metric of metricsFor(count)) add(metric);
  if (counts.length > 1) {
    add({
      id: FLAT_ID,
      scenario: "S7",
      label: `CPU per fire at ${format(counts.at(-1)!)} schedules ÷ at ${format(counts[0]!)} (flat = 1)`,
      unit: "×",
      better: "lower",
      digits: 2,
      target: { kind: "absolute", op: "<=", value: 1.2 },
    });
  }
}

const ids = (count: number) => metricsFor(count).map((m) => m.id);

async function recurring(ctx: BenchContext, library: Library, count: number, leadMs: number): Promise<void> {
  const slots = ctx.config.scheduleSlots;
  await ctx.redis.reset();
  const firstAtMs = Math.ceil((Date.now() + leadMs) / EVERY_MS) * EVERY_MS;
  const lastSlot = firstAtMs + (slots - 1) * EVERY_MS;
  const workers: WorkerProcess[] = [];
  try {
    for (let i = 0; i < PROCESSES; i++) {
      workers.push(
        await WorkerProcess.spawn({
          library,
          redisUrl: ctx.redisUrl,
          concurrency: CONCURRENCY,
          mode: "recurring",
          expected: Number.POSITIVE_INFINITY,
          recurring: { count, everyMs: EVERY_MS, firstAtMs },
        }),
      );
    }
    for (const worker of workers) await worker.start();
    if (Date.now() > firstAtMs - 1000) throw new TooLateError(`setup ended ${format(Date.now() - firstAtMs + 1000)} ms too late`);
    await sleep(firstAtMs - 1000 - Date.now());
    const cpuBefore = await Promise.all(workers.map((w) => w.measure()));
    await ctx.redis.resetStats();
    const redisBefore = await ctx.redis.snapshot();
    const fires: [number, number][] = [];
    const seenLast = () => fires.filter(([, at]) => at >= lastSlot).length;
    // Until every schedule fired in the last slot, or the next slot is near.
    for (;;) {
      await sleep(Math.min(500, Math.max(0, lastSlot + EVERY_MS - 500 - Date.now())));
      for (const worker of workers) {
        const { fires: more } = await worker.measure();
        for (const fire of more) fires.push(fire);
      }
      if ((Date.now() > lastSlot && seenLast() >= count) || Date.now() >= lastSlot + EVERY_MS - 500) break;
    }
    const cpuAfter = await Promise.all(workers.map((w) => w.measure()));
    for (const { fires: more } of cpuAfter) for (const fire of more) fires.push(fire);
    const redisAfter = await ctx.redis.snapshot();

    const perSlot = new Map<string, number>();
    const lateness: number[] = [];
    for (const [index, at] of fires) {
      const slot = Math.floor(at / EVERY_MS) * EVERY_MS;
      if (slot < firstAtMs || slot > lastSlot) continue;
      lateness.push(at - slot);
      const key = `${index}@${slot}`;
      perSlot.set(key, (perSlot.get(key) ?? 0) + 1);
    }
    const counted = lateness.length;
    const duplicates = counted - perSlot.size;
    const missed = count * slots - perSlot.size;
    const cpuMs = cpuAfter.reduce((sum, after, i) => sum + after.cpuMs - cpuBefore[i]!.cpuMs, 0);
    const sorted = sortNumbers(lateness);
    const prefix = `s7.n${count}`;
    const perThousand = (ms: number) => (ms / Math.max(1, counted)) * 1000;
    ctx.results.add(`${prefix}.cpu`, library, perThousand(cpuMs));
    ctx.results.add(`${prefix}.redisCpu`, library, perThousand(redisAfter.cpuMs - redisBefore.cpuMs));
    ctx.results.add(`${prefix}.commands`, library, libraryCommands(redisAfter) / Math.max(1, counted));
    ctx.results.add(`${prefix}.p50`, library, percentile(sorted, 50));
    ctx.results.add(`${prefix}.p99`, library, percentile(sorted, 99));
    ctx.results.add(`${prefix}.max`, library, sorted.at(-1) ?? NaN);
    ctx.results.add(`${prefix}.duplicates`, library, duplicates);
    ctx.results.add(`${prefix}.missed`, library, missed);
    ctx.log(
      `S7 ${library} ${format(count)} schedules × ${slots} slots: ${format(counted)} fires, ${duplicates} twice, ${missed} missed; ` +
        `CPU ${format(cpuMs)} ms (${format(perThousand(cpuMs))} per 1,000 fires); lateness p50 ${format(percentile(sorted, 50))} ms, ` +
        `max ${format(sorted.at(-1) ?? NaN)} ms; commands per fire: ${commandBreakdown(redisAfter, Math.max(1, counted))}`,
    );
  } finally {
    for (const worker of workers) await worker.stop();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

export async function runS7(ctx: BenchContext): Promise<void> {
  const counts = ctx.config.scheduleCounts;
  register(counts);
  for (const count of counts) {
    for (const library of ctx.config.libraries) {
      const known = ctx.results.cell(`s7.n${count}.cpu`, library);
      if (known && "unavailable" in known) continue;
      let lead = 3000 + count * 0.5;
      for (let attempt = 1; ; attempt++) {
        try {
          await recurring(ctx, library, count, lead);
        } catch (error) {
          if (error instanceof TooLateError && attempt < 3) {
            lead *= 2;
            continue;
          }
          if (error instanceof NotAvailableError) {
            ctx.results.unavailable(ids(count), library, error.message);
            if (counts.length > 1) ctx.results.unavailable([FLAT_ID], library, error.message);
          } else {
            ctx.results.failed(ids(count), library, String(error));
            ctx.log(`S7 ${library} ${count} failed: ${String(error)}`);
          }
        }
        break;
      }
    }
  }
  if (counts.length > 1) {
    for (const library of ctx.config.libraries) {
      const small = ctx.results.median(`s7.n${counts[0]}.cpu`, library);
      const large = ctx.results.median(`s7.n${counts.at(-1)}.cpu`, library);
      if (small !== undefined && large !== undefined) ctx.results.add(FLAT_ID, library, large / small);
    }
  }
}
