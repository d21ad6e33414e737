/**
 * `npx tsx bench/plugins.ts`: what each day-two plugin costs per job. The same no-op job class is
 * drained by one in-process worker (concurrency 20) plain and with each plugin, on a private
 * redis-server; each variant runs 3 times and the median is reported, with Redis commands per job
 * (INFO commandstats, which counts the commands inside Lua scripts too). The limit is set high
 * enough that no job is deferred, so its line is the bookkeeping cost of a slot; the retried
 * jobs all succeed, so theirs is the cost of counting and forgetting their attempts.
 * Writes bench/plugins-results.md.
 */
import { writeFileSync } from "node:fs";
import { pino } from "pino";
import { Job, limit, Resque, retry, trackStatus, unique, type JobClass } from "../src/index.js";
import { RedisServer } from "../tools/redis-server.js";
import { RedisStats } from "./redis-stats.js";

const JOBS = Number(process.env.PLUGIN_BENCH_JOBS ?? 5000);
const RUNS = 3;

class Plain extends Job<[string, number]> {
  static override queue = "bench";
  perform() {}
}
@trackStatus()
class WithStatus extends Job<[string, number]> {
  static override queue = "bench";
  perform() {}
}
@unique()
class WithUnique extends Job<[string, number]> {
  static override queue = "bench";
  perform() {}
}
@limit({ concurrency: 1000 })
class WithLimit extends Job<[string, number]> {
  static override queue = "bench";
  perform() {}
}

@retry({ backoff: [10, 60, 600] })
class WithRetry extends Job<[string, number]> {
  static override queue = "bench";
  perform() {}
}

const variants: { name: string; job: JobClass<[string, number]> }[] = [
  { name: "no plugin", job: Plain },
  { name: "retry (jobs that succeed)", job: WithRetry },
  { name: "status (trackStatus)", job: WithStatus },
  { name: "unique (queued-or-running)", job: WithUnique },
  { name: "limit (concurrency slot)", job: WithLimit },
];

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function commands(stats: RedisStats): Promise<number> {
  const info = (await stats.client.info("commandstats")).split("\n");
  let total = 0;
  for (const line of info) {
    const match = /^cmdstat_([^:]+):calls=(\d+)/.exec(line);
    if (match && !/^(info|config|flushall|client|hello|ping|select)(\||$)/.test(match[1]!)) total += Number(match[2]);
  }
  return total;
}

const server = await RedisServer.start();
const stats = new RedisStats(server.url);
const logger = pino({ level: "silent" });
const rows: string[] = [];
try {
  for (const variant of variants) {
    const rates: number[] = [];
    const perJob: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      await stats.reset();
      const resque = new Resque({ redis: server.url, jobs: [variant.job], logger });
      const args = Array.from({ length: JOBS }, (_, i) => [`${run}-${i}`.padEnd(32, "0"), i] as [string, number]);
      if (variant.job === WithStatus) for (const [, n] of args) await resque.statuses.enqueue(WithStatus, n);
      else await resque.enqueueBulk(variant.job, args);
      await stats.resetStats();
      const worker = resque.worker({ queues: ["bench"], concurrency: 20, interval: 0 });
      const t0 = performance.now();
      await worker.start();
      await worker.stopped;
      const seconds = (performance.now() - t0) / 1000;
      rates.push(JOBS / seconds);
      perJob.push((await commands(stats)) / JOBS);
      await resque.close();
    }
    rows.push(`| ${variant.name} | ${Math.round(median(rates)).toLocaleString("en-US")} | ${median(perJob).toFixed(2)} |`);
    console.log(rows.at(-1));
  }
} finally {
  await stats.client.quit();
  await server.close();
}

const table = [
  `Drain of ${JOBS.toLocaleString("en-US")} no-op jobs, one worker process, concurrency 20; median of ${RUNS} runs (${new Date().toISOString().slice(0, 10)}, Node ${process.version}).`,
  "",
  "| plugin | jobs/s | Redis commands per job (worker side) |",
  "|---|---:|---:|",
  ...rows,
  "",
].join("\n");
writeFileSync(new URL("./plugins-results.md", import.meta.url), `# Plugin cost per job\n\n\`npx tsx bench/plugins.ts\`\n\n${table}`);
console.log(table);
