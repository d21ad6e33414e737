/**
 * S8 two worker processes: N pre-enqueued no-op jobs drained by two worker processes at
 * concurrency 10 each, as users of every library spread one queue over the cores of a host
 * (throughput, and CPU per 1,000 jobs of both processes); and by resque-ts's pool, `resque work
 * --count 2 --concurrency 10`: a master supervising two children, which is how Resque deployments
 * usually run. The pool's rate is taken from its first recorded job to its last (its processes
 * start while the jobs wait), the two processes' from the start signal to their last job.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { QUEUE, type Library } from "../adapters/adapter.js";
import { format, numberedArgs, rotation, type BenchContext } from "../context.js";
import { METRICS, type Metric } from "../results.js";
import { WorkerProcess } from "../worker-client.js";

const CONCURRENCY = 10;
const root = fileURLToPath(new URL("../../", import.meta.url));
const POLL_MS = 10;

/** Registered when S8 runs, so its rows follow S7's in the report. */
const S8_METRICS: Metric[] = [
  { id: "s8.processes.rate", scenario: "S8", label: "drain by two worker processes, concurrency 10 each", unit: "jobs/s", better: "higher", digits: 0 },
  { id: "s8.processes.workerCpu", scenario: "S8", label: "CPU of both worker processes per 1,000 jobs", unit: "ms", better: "lower", digits: 0 },
  { id: "s8.pool.rate", scenario: "S8", label: "drain by `resque work --count 2 --concurrency 10` (a pool)", unit: "jobs/s", better: "higher", digits: 0 },
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function twoProcesses(ctx: BenchContext, library: Library): Promise<void> {
  const { jobs } = ctx.config;
  await ctx.redis.reset();
  const workers: WorkerProcess[] = [];
  try {
    for (let i = 0; i < 2; i++) workers.push(await WorkerProcess.spawn({ library, redisUrl: ctx.redisUrl, concurrency: CONCURRENCY, mode: "drain", expected: jobs }));
    const producer = await ctx.adapters.get(library)!.producer(ctx.redisUrl);
    await producer.prefill(numberedArgs(jobs));
    await producer.close();
    const before = await Promise.all(workers.map((w) => w.measure()));
    const startedAt = performance.now();
    await Promise.all(workers.map((w) => w.start()));
    let after = before;
    while (after.reduce((sum, m) => sum + m.completed, 0) < jobs) {
      if (performance.now() - startedAt > 60_000 + jobs * 5) throw new Error("the two processes did not finish in time");
      await sleep(POLL_MS);
      after = await Promise.all(workers.map((w) => w.measure()));
    }
    const elapsedMs = performance.now() - startedAt;
    const cpuMs = after.reduce((sum, m, i) => sum + m.cpuMs - before[i]!.cpuMs, 0);
    const rate = (jobs / elapsedMs) * 1000;
    ctx.results.add("s8.processes.rate", library, rate);
    ctx.results.add("s8.processes.workerCpu", library, (cpuMs / jobs) * 1000);
    ctx.log(`S8 ${library} two processes: ${format(rate)} jobs/s, CPU ${format(cpuMs)} ms (${after.map((m) => format(m.completed)).join(" + ")} jobs)`);
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
}

/** Ends the pool as an operator would (QUIT: children finish and exit), killing it if it hangs. */
async function stopPool(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGQUIT");
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(timer);
}

async function pool(ctx: BenchContext): Promise<void> {
  const { jobs } = ctx.config;
  await ctx.redis.reset();
  const producer = await ctx.adapters.get("resque-ts")!.producer(ctx.redisUrl);
  await producer.prefill(numberedArgs(jobs));
  await producer.close();
  const redis = new Redis(ctx.redisUrl);
  const args = ["dist/cli/resque.cjs", "work", "--count", "2", "--concurrency", String(CONCURRENCY), "--queues", QUEUE, "--require", "bench/pool-jobs.cjs"];
  const child = spawn(process.execPath, args, { cwd: root, stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, REDIS_URL: ctx.redisUrl, LOG_LEVEL: "warn" } });
  try {
    const spawnedAt = performance.now();
    const processed = async () => Number((await redis.get("resque:stat:processed")) ?? 0);
    let first = 0;
    let firstAt = 0;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the pool exited with ${child.exitCode}`);
      if (performance.now() - spawnedAt > 60_000 + jobs * 5) throw new Error("the pool did not finish in time");
      const done = await processed();
      const now = performance.now();
      if (first === 0 && done > 0) {
        first = done;
        firstAt = now;
      }
      if (done >= jobs) {
        const rate = ((jobs - first) / (now - firstAt)) * 1000;
        ctx.results.add("s8.pool.rate", "resque-ts", rate);
        ctx.log(`S8 resque-ts pool (resque work --count 2): ${format(rate)} jobs/s after its first ${format(first)} jobs (${format(firstAt - spawnedAt)} ms from spawn)`);
        return;
      }
      await sleep(POLL_MS);
    }
  } finally {
    await stopPool(child);
    await redis.quit();
  }
}

export async function runS8(ctx: BenchContext): Promise<void> {
  for (const metric of S8_METRICS) if (!METRICS.some((m) => m.id === metric.id)) METRICS.push(metric);
  for (let repeat = 0; repeat < ctx.config.repeats; repeat++) {
    for (const library of rotation(ctx.config.libraries, repeat)) {
      try {
        await twoProcesses(ctx, library);
      } catch (error) {
        ctx.results.failed(["s8.processes.rate", "s8.processes.workerCpu"], library, String(error));
        ctx.log(`S8 ${library} two processes failed: ${String(error)}`);
      }
    }
    if (!ctx.config.libraries.includes("resque-ts")) continue;
    try {
      await pool(ctx);
    } catch (error) {
      ctx.results.failed(["s8.pool.rate"], "resque-ts", String(error));
      ctx.log(`S8 resque-ts pool failed: ${String(error)}`);
    }
  }
  for (const library of ctx.config.libraries) {
    if (library !== "resque-ts") ctx.results.unavailable(["s8.pool.rate"], library, "no process pool of its own: its users run more worker processes (the row above)");
  }
}
