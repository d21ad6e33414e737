/**
 * npm run bench: resque-ts beside bullmq and node-resque on one private redis-server, the same
 * scenarios for each, in one run. Writes bench/results.md and prints the table.
 *
 *   npm run bench                 full size (BENCH_JOBS=50000, BENCH_REPEATS=3)
 *   npm run bench -- --quick      smoke run (2,000 jobs, one repeat) → bench/results-quick.md
 *   BENCH_LIBS=resque-ts,bullmq BENCH_SCENARIOS=s2 npm run bench -- --quick
 */
import { readFileSync, writeFileSync } from "node:fs";
import { RedisServer } from "../test/helpers/redis-server.js";
import { loadAdapter, type Adapter, type Library } from "./adapters/adapter.js";
import { ensureBuilt, fromSource } from "./build.js";
import { readConfig, type BenchConfig } from "./config.js";
import { format, type BenchContext } from "./context.js";
import { RedisStats } from "./redis-stats.js";
import { renderSummary, renderTable, renderUnavailable } from "./report.js";
import { Results } from "./results.js";
import { runS1 } from "./scenarios/s1-enqueue.js";
import { runS2 } from "./scenarios/s2-drain.js";
import { runS3 } from "./scenarios/s3-latency.js";
import { runS4 } from "./scenarios/s4-delayed.js";
import { runS6 } from "./scenarios/s6-retry.js";
import { runS7 } from "./scenarios/s7-recurring.js";
import { runS8 } from "./scenarios/s8-processes.js";
import { runClusterShards } from "./scenarios/cluster-shards.js";
import { machineDescription } from "./versions.js";

const scenarios = { s1: runS1, s2: runS2, s3: runS3, s4: runS4, s6: runS6, s7: runS7, s8: runS8, cluster: runClusterShards };

function settings(config: BenchConfig): string {
  return [
    `- Jobs: S1 and S2 ${format(config.jobs)} per run; S3 ${config.latencyRate} jobs/s for ${config.latencySeconds} s after a ${config.latencyWarmupSeconds} s warm-up, worker concurrency ${config.latencyConcurrency}; S4 ${format(config.delayedJobs)} delayed jobs, worker concurrency ${config.delayedConcurrency}; S6 ${format(config.retryJobs)} jobs that fail once and succeed on a retry 1 s later, worker concurrency 50; S7 ${config.scheduleCounts.map((n) => format(n)).join(" and ")} schedules every 10 s over ${config.scheduleSlots} slots, one run each, two worker processes (concurrency 10) that each run the library's scheduler; S8 ${format(config.jobs)} jobs drained by two worker processes at concurrency 10 each, and by resque-ts's \`resque work --count 2 --concurrency 10\` (its rate from the first recorded job to the last, read from \`stat:processed\` every 10 ms).`,
    "- S5: RSS of the c=50 drain's worker process when its last job is done, then after a forced full GC (the process runs with --expose-gc): a leak stays after the GC, a high-water mark does not.",
    `- ${config.repeats} run(s) per cell, each on an emptied Redis (FLUSHALL, CONFIG RESETSTAT); cells show median (min–max); ratios compare medians of the same run.`,
    "- Workers run in their own Node process per library (CPU and RSS are that process's), with the library's delayed-job scheduler in S4, S6 and S7; producers run in the benchmark process; one private redis-server (no persistence) on loopback.",
    "- Commands per job count every command Redis executed (INFO commandstats: EVALSHA and the commands inside scripts), including idle polling, divided by the jobs.",
  ].join("\n");
}

function libraryNotes(adapters: Map<Library, Adapter>): string {
  const lines: string[] = [];
  for (const [library, adapter] of adapters) {
    const how = {
      "resque-ts": `${fromSource() ? "from src/ through tsx" : "the built package (dist/)"}, defaults (auto-pipelining, pub/sub wake-up, one work-cycle script per loop turn); bulk = enqueueBulk; delayed = enqueueAt + resque.scheduler() with its defaults; retry = \`static retry = { limit: 1, delay: 1 }\` with \`delayPrecision: "${process.env.BENCH_DELAY_PRECISION === "seconds" ? "seconds" : "milliseconds"}"\`; schedules = \`every: ["10s", { first_at }]\` in the scheduler's schedule`,
      bullmq: "defaults, removeOnComplete {count: 0} (Resque keeps no finished jobs); bulk = addBulk; delayed = add with delay; retry = attempts 2 with backoff { type: fixed, delay: 1000 }; schedules = upsertJobScheduler with every 10000 and startDate (the same grid), declared by both processes",
      "node-resque": "one Worker per slot sharing one ioredis client; worker and scheduler poll every 50 ms (default 5 s); no bulk API (S2 prefills with RPUSH of its payload bytes); delayed = enqueueAt + Scheduler; retry = its Retry plugin with retryLimit 2 (it counts runs, so one run and one retry) and retryDelay 1000; no recurring schedules (S7 not measured)",
    }[library];
    lines.push(`- ${library} ${adapter.version()}: ${how}.`);
  }
  return lines.join("\n");
}

async function main(): Promise<void> {
  const config = readConfig(process.argv.slice(2));
  const began = performance.now();
  const log = (message: string) => console.error(`[${((performance.now() - began) / 1000).toFixed(0).padStart(4)} s] ${message}`);
  if (config.libraries.includes("resque-ts")) ensureBuilt(log);
  const server = await RedisServer.start();
  const redis = new RedisStats(server.url);
  const adapters = new Map<Library, Adapter>();
  for (const library of config.libraries) adapters.set(library, await loadAdapter(library));
  const results = new Results();
  const ctx: BenchContext = { config, redisUrl: server.url, redis, adapters, results, log };
  const stop = async () => {
    await redis.close().catch(() => {});
    await server.close();
  };
  process.once("SIGINT", () => void stop().then(() => process.exit(130)));
  try {
    log(`redis-server on ${server.url}; ${config.quick ? "quick run" : "full run"}`);
    for (const scenario of config.scenarios) await scenarios[scenario](ctx);
  } finally {
    await stop();
  }
  const minutes = ((performance.now() - began) / 60_000).toFixed(1);
  const table = renderTable(results);
  const unavailable = renderUnavailable(results);
  const report = [
    "# Benchmark: resque-ts, bullmq, node-resque",
    "",
    `Run ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC in ${minutes} min with \`npm run bench${config.quick ? " -- --quick" : ""}\`.`,
    "",
    `Machine: ${machineDescription()}.`,
    "",
    table,
    "",
    ...(unavailable.length ? ["Not measured:", "", ...unavailable.map((line) => `- ${line}`), ""] : []),
    ...(config.scenarios.includes("cluster") && config.libraries.includes("resque-ts")
      ? [`Cluster shards (resque-ts on a 3-master Redis Cluster, one shard against three): [${config.quick ? "cluster-results-quick.md" : "cluster-results.md"}](${config.quick ? "cluster-results-quick.md" : "cluster-results.md"}).`, ""]
      : []),
    "How it was measured:",
    "",
    settings(config),
    "",
    "Libraries:",
    "",
    libraryNotes(adapters),
    "",
  ].join("\n");
  writeFileSync(config.output, report);
  if (config.readmeSection) {
    const machine = machineDescription();
    const section = [
      "## Benchmarks",
      "",
      "`npm run bench` runs resque-ts beside bullmq and node-resque, the same scenarios on one private",
      "redis-server that it starts itself, and writes [bench/results.md](bench/results.md): every scenario",
      "with median (min–max) of the runs, ratios and targets. Latest run, " + `${new Date().toISOString().slice(0, 10)}, on ${machine}:`,
      "",
      renderSummary(results),
      "",
      `Medians of ${config.repeats} runs of ${format(config.jobs)} no-op jobs each (S3 ${config.latencyRate} jobs/s; S4 ${format(config.delayedJobs)} jobs); numbers from a shared`,
      "2-core machine are noisy, the ratios within one run are what to compare. Profiling notes and",
      "what is still short of target: [bench/NOTES.md](bench/NOTES.md).",
      ...(config.scenarios.includes("cluster")
        ? ["", "On a local 3-master Redis Cluster it also drains jobs with one shard and with three: load per master in", "[bench/cluster-results.md](bench/cluster-results.md) (see [docs/sharding.md](docs/sharding.md))."]
        : []),
      "",
    ].join("\n");
    replaceReadmeSection(config.readmeSection, section);
  }
  console.log(`\n${table}\n`);
  for (const line of unavailable) console.log(`n/a: ${line}`);
  log(`wrote ${config.output} (${minutes} min)`);
}

/** Replaces the README's "## Benchmarks" section (up to the next "## " heading) with the new one. */
function replaceReadmeSection(path: string, section: string): void {
  const readme = readFileSync(path, "utf8");
  const start = readme.indexOf("## Benchmarks\n");
  if (start < 0) {
    console.warn(`${path} has no "## Benchmarks" section; not updated`);
    return;
  }
  const next = readme.indexOf("\n## ", start + 1);
  const end = next < 0 ? readme.length : next + 1;
  writeFileSync(path, readme.slice(0, start) + section + "\n" + readme.slice(end));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
