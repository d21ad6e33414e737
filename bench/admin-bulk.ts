/**
 * npm run bench:admin: admin bulk operations on large lists while another connection PINGs Redis
 * without pause, measuring what every other client of that Redis would feel (workers, producers).
 * Each Redis call of a bulk operation is bounded, so the PING latency must stay low throughout:
 * the target is p99 < 50 ms while removing by match from a 1,000,000-job queue and while working a
 * 100,000-entry failed list. Writes bench/admin-results.md.
 *
 *   npm run bench:admin                          full size
 *   ADMIN_BENCH_JOBS=100000 ADMIN_BENCH_FAILED=20000 npm run bench:admin   smaller
 */
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { Redis } from "ioredis";
import { Admin, type BulkResult } from "../src/index.js";
import { RedisServer } from "../tools/redis-server.js";
import { machineDescription } from "./versions.js";

const JOBS = Number(process.env.ADMIN_BENCH_JOBS ?? 1_000_000);
const FAILED = Number(process.env.ADMIN_BENCH_FAILED ?? 100_000);
const TARGET_P99_MS = 50;

/** Runs PING back to back on its own connection in a worker thread (so the admin's own CPU work never delays the clock). */
function startPinger(url: string): { stop(): Promise<number[]> } {
  const source = `
    const { parentPort, workerData } = require("node:worker_threads");
    const { Redis } = require(workerData.ioredis);
    const redis = new Redis(workerData.url, { enableAutoPipelining: false });
    const samples = [];
    let running = true;
    parentPort.on("message", () => { running = false; });
    (async () => {
      while (running) {
        const t0 = performance.now();
        await redis.ping();
        samples.push(performance.now() - t0);
        await new Promise((r) => setTimeout(r, 1));
      }
      redis.disconnect();
      parentPort.postMessage(samples);
    })();
  `;
  const worker = new Worker(source, { eval: true, workerData: { url, ioredis: createRequire(import.meta.url).resolve("ioredis") } });
  return {
    stop: () =>
      new Promise((resolve) => {
        worker.once("message", (samples: number[]) => {
          void worker.terminate();
          resolve(samples);
        });
        worker.postMessage("stop");
      }),
  };
}

interface Row {
  /** The longest single command (script call) Redis ran during the operation, in ms (SLOWLOG). */
  longestCommandMs: number;
  operation: string;
  items: number;
  seconds: number;
  result: string;
  pings: number;
  p50: number;
  p99: number;
  max: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function measure(client: Redis, url: string, operation: string, items: number, run: () => Promise<BulkResult | number>): Promise<Row> {
  await client.config("SET", "slowlog-log-slower-than", "1000");
  await client.config("SET", "slowlog-max-len", "10000");
  await client.slowlog("RESET");
  const pinger = startPinger(url);
  await new Promise((r) => setTimeout(r, 200)); // the pinger is up before the operation starts
  const t0 = performance.now();
  const result = await run();
  const seconds = (performance.now() - t0) / 1000;
  const samples = (await pinger.stop()).sort((a, b) => a - b);
  const slow = (await client.slowlog("GET", 10000)) as [number, number, number, string[]][];
  const longestCommandMs = Math.max(0, ...slow.map((entry) => entry[2] / 1000));
  const summary = typeof result === "number" ? `${result.toLocaleString("en-US")}` : `examined ${result.examined.toLocaleString("en-US")}, affected ${result.affected.toLocaleString("en-US")}`;
  const row = { longestCommandMs, operation, items, seconds, result: summary, pings: samples.length, p50: percentile(samples, 50), p99: percentile(samples, 99), max: samples.at(-1) ?? Number.NaN };
  console.error(`${operation}: ${seconds.toFixed(1)} s, ${summary}; PING p50 ${row.p50.toFixed(2)} ms, p99 ${row.p99.toFixed(2)} ms, max ${row.max.toFixed(1)} ms (${row.pings} samples); longest command ${longestCommandMs.toFixed(1)} ms`);
  return row;
}

/** Fills a list with generated items inside Redis, 10,000 per script call (the fill is not measured). */
async function fill(client: Redis, key: string, count: number, lua: string): Promise<void> {
  for (let start = 0; start < count; start += 10_000) {
    await client.eval(`for i = ARGV[1], ARGV[2] do redis.call("RPUSH", KEYS[1], ${lua}) end return 1`, 1, key, start, Math.min(count, start + 10_000) - 1);
  }
}

async function main(): Promise<void> {
  const server = await RedisServer.start();
  const client = new Redis(server.url);
  const admin = new Admin({ redis: server.url });
  const rows: Row[] = [];
  try {
    // A queue of JOBS jobs, one in ten of class Match.
    await client.sadd("resque:queues", "big");
    await fill(client, "resque:queue:big", JOBS, `'{"class":"' .. (i % 10 == 0 and "Match" or "Keep") .. '","args":[' .. i .. ',"some text to carry"]}'`);
    console.error(`filled a queue of ${JOBS.toLocaleString("en-US")} jobs`);
    rows.push(await measure(client, server.url, "queue: count by class", JOBS, () => admin.queues.count("big", { class: "Match" })));
    rows.push(await measure(client, server.url, "queue: remove by class (1 in 10)", JOBS, () => admin.queues.removeMatching("big", { class: "Match" })));
    rows.push(await measure(client, server.url, "queue: move by args text (1 in 100)", JOBS * 0.9, () => admin.queues.moveMatching("big", "elsewhere", { argsContains: '11,"some' })));
    rows.push(await measure(client, server.url, "queue: Resque.dequeue-style removal by class", JOBS * 0.9, () => admin.queues.removeMatching("big", { class: "Keep" })));

    // A failed list of FAILED entries, half of them TimeoutError.
    const entry = `'{"failed_at":"2026/11/25 14:49:29 UTC","payload":{"class":"Job","args":[' .. i .. ']},"exception":"' .. (i % 2 == 0 and "TimeoutError" or "ArgumentError") .. '","error":"failed ' .. i .. '","backtrace":["app/jobs/job.rb:7:in perform"],"worker":"web1:42:work","queue":"work"}'`;
    await fill(client, "resque:failed", FAILED, entry);
    console.error(`filled a failed list of ${FAILED.toLocaleString("en-US")} entries`);
    rows.push(await measure(client, server.url, "failed: group by exception", FAILED, async () => (await admin.failed.groups("exception")).length));
    rows.push(await measure(client, server.url, "failed: retry by exception (entries kept)", FAILED, () => admin.failed.retryMatching({ exception: "TimeoutError" })));
    rows.push(await measure(client, server.url, "failed: retry and remove by exception", FAILED, () => admin.failed.retryAndRemoveMatching({ exception: "TimeoutError" })));
    rows.push(await measure(client, server.url, "failed: remove by text", FAILED / 2, () => admin.failed.removeMatching({ text: "failed 1" })));
    rows.push(await measure(client, server.url, "failed: clear (UNLINK)", FAILED, () => admin.failed.clear()));
  } finally {
    await admin.close();
    client.disconnect();
    await server.close();
  }
  const ok = rows.every((r) => r.p99 < TARGET_P99_MS);
  const table = [
    "| operation | items | time (s) | result | PINGs | PING p50 (ms) | PING p99 (ms) | PING max (ms) | longest command (ms) |",
    "|---|---:|---:|---|---:|---:|---:|---:|---:|",
    ...rows.map(
      (r) =>
        `| ${r.operation} | ${r.items.toLocaleString("en-US")} | ${r.seconds.toFixed(1)} | ${r.result} | ${r.pings.toLocaleString("en-US")} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.max.toFixed(1)} | ${r.longestCommandMs.toFixed(1)} |`,
    ),
  ].join("\n");
  const report = `# Admin bulk operations: Redis latency while they run

\`npm run bench:admin\` (bench/admin-bulk.ts), ${new Date().toISOString().slice(0, 10)}, on ${machineDescription()}.

A queue of ${JOBS.toLocaleString("en-US")} jobs and a failed list of ${FAILED.toLocaleString("en-US")} entries on one private redis-server; each operation runs
through the admin API while a separate connection (in its own thread) sends PING after PING with 1 ms between them.
The PING latency is what any other client of that Redis waits while the operation runs. Target: p99 < ${TARGET_P99_MS} ms.
"Longest command" is the longest single call Redis executed during the operation (SLOWLOG): how long Redis was
busy with one step of it, independent of how busy the machine's CPUs were.
Each operation reads and changes at most 1,000 items per Redis call (see docs/admin.md, "Bulk operations").

${table}

Result: ${ok ? `every operation kept PING p99 under ${TARGET_P99_MS} ms.` : `at least one operation went over ${TARGET_P99_MS} ms at p99.`}
`;
  writeFileSync(new URL("./admin-results.md", import.meta.url), report);
  console.log(report);
  if (!ok) process.exitCode = 1;
}

await main();
