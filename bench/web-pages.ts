/**
 * npm run bench:web: how long each dashboard page takes to render against a big Resque (a
 * 100,000-job queue, 20,000 failed entries, 10,000 delayed jobs over 1,000 timestamps, retries
 * waiting, schedules, workers busy). Each page is fetched over HTTP from a local server, as a
 * browser would; the target is < 100 ms per page. Writes bench/web-results.md.
 *
 *   npm run bench:web                      full size
 *   WEB_BENCH_JOBS=10000 npm run bench:web smaller
 */
import { writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type * as ResqueTs from "../src/index.js";
import type * as ResqueTsWeb from "../src/web/index.js";
import { RedisServer } from "../tools/redis-server.js";
import { ensureBuilt, importResqueTs } from "./build.js";
import { machineDescription } from "./versions.js";

const JOBS = Number(process.env.WEB_BENCH_JOBS ?? 100_000);
const FAILED = Math.round(JOBS / 5);
const DELAYED = Math.round(JOBS / 10);
const SAMPLES = Number(process.env.WEB_BENCH_SAMPLES ?? 30);
const TARGET_MS = 100;

// Measured as shipped (dist/), like the other benchmarks; BENCH_RESQUE_TS=source for profiling.
ensureBuilt((message) => console.log(message));
const lib = (await importResqueTs("index")) as typeof ResqueTs;
const web = (await importResqueTs("web")) as typeof ResqueTsWeb;
const { Job, Resque, retry } = lib;
type Resque = ResqueTs.Resque;
type Worker = ResqueTs.Worker;

class Pending extends Job<[number, string]> {
  static override queue = "default";
  perform() {}
}

class Broken extends Job<[number]> {
  static override queue = "broken";
  perform(n: number) {
    throw new Error(`broken on purpose (#${n})`);
  }
}

@retry({ backoff: [3600] })
class Flaky extends Job<[number]> {
  static override queue = "flaky";
  perform(n: number) {
    throw new Error(`flaky on purpose (#${n})`);
  }
}

/** Holds its worker slot until the benchmark ends, so the Working page has jobs to show. */
let release!: () => void;
const held = new Promise<void>((resolve) => (release = resolve));
class Busy extends Job<[number]> {
  static override queue = "busy";
  async perform() {
    await held;
  }
}

async function fill(resque: Resque): Promise<Worker[]> {
  for (let start = 0; start < JOBS; start += 10_000) {
    const count = Math.min(10_000, JOBS - start);
    await resque.enqueueBulk(Pending, Array.from({ length: count }, (_, i) => [start + i, `customer-${(start + i) % 977}`] as [number, string]));
  }
  await resque.enqueueBulk(Broken, Array.from({ length: FAILED }, (_, i) => [i] as [number]));
  await resque.enqueueBulk(Flaky, Array.from({ length: 200 }, (_, i) => [i] as [number]));
  await resque.enqueueBulk(Busy, Array.from({ length: 5 }, (_, i) => [i] as [number]));
  const now = Date.now();
  for (let i = 0; i < DELAYED; i++) await resque.enqueueAt(now + 3_600_000 + (i % 1000) * 1000, Pending, i, "later");
  for (let i = 0; i < 50; i++) await resque.admin.schedules.set(`report-${i}`, { cron: `${i % 60} * * * *`, class: "Pending", queue: "default", args: [i, "scheduled"] });

  const failing = resque.worker({ queues: ["broken", "flaky"], concurrency: 50 });
  const finished = new Promise<void>((resolve) => {
    let failures = 0;
    failing.on("job:failure", () => ++failures === FAILED + 200 && resolve());
  });
  await failing.start();
  await finished;
  await failing.stop();
  const busy = resque.worker({ queues: ["busy"], concurrency: 5 });
  const started = new Promise<void>((resolve) => {
    let n = 0;
    busy.on("job:start", () => ++n === 5 && resolve());
  });
  await busy.start();
  await started;
  return [busy];
}

type Kind = "page" | "scan";

interface Row {
  kind?: Kind;
  page: string;
  path: string;
  bytes: number;
  p50: number;
  p95: number;
  max: number;
}

async function measure(base: string, page: string, path: string): Promise<Row> {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < SAMPLES + 3; i++) {
    const t0 = performance.now();
    const response = await fetch(base + path);
    const body = await response.text();
    const ms = performance.now() - t0;
    if (response.status !== 200) throw new Error(`${path} answered ${response.status}: ${body.slice(0, 200)}`);
    bytes = body.length;
    if (i >= 3) times.push(ms); // the first requests warm the JIT and the connection pool
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  return { page, path, bytes, p50: at(0.5), p95: at(0.95), max: times[times.length - 1]! };
}

async function main(): Promise<void> {
  const redis = await RedisServer.start();
  const resque = new Resque({ redis: redis.url, jobs: [Pending, Broken, Flaky, Busy] });
  const t0 = performance.now();
  const workers = await fill(resque);
  console.log(`filled in ${Math.round(performance.now() - t0)} ms`);

  const dashboard = web.createDashboard({ admins: resque.admin });
  const server: Server = createServer(dashboard.handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const [firstFailed] = await resque.admin.failed.page({ count: 1 });
  const [timestamp] = await resque.admin.delayed.timestamps({ count: 1 });
  if (!firstFailed || !timestamp) throw new Error("the fill left no failed entry or delayed timestamp");
  // Pages that show a page of data (the target applies), then pages that summarise a whole list
  // and so read all of it (their time grows with the list; reported, with no target).
  const pages: [string, string, Kind][] = [
    ["Overview", "/", "page"],
    ["Queues", "/queues", "page"],
    ["Queue, first page", "/queues/default", "page"],
    ["Queue, last page", `/queues/default?start=${JOBS - 20}`, "page"],
    ["Queue, one job", `/queues/default/job?index=${Math.floor(JOBS / 2)}`, "page"],
    ["Working", "/working", "page"],
    ["Workers", "/workers", "page"],
    ["Failed, first page", "/failed", "page"],
    ["Failed, last page", `/failed?start=${FAILED - 20}`, "page"],
    ["Failed, one entry", "/failed/entry?index=0", "page"],
    ["Delayed", "/delayed", "page"],
    ["Delayed, one timestamp", `/delayed/${Math.floor(timestamp.at.getTime() / 1000)}`, "page"],
    ["Schedule", "/schedule", "page"],
    ["Stats", "/stats", "page"],
    ["Plugins", "/plugins", "page"],
    ["Live numbers (polled by every page)", "/live.json", "page"],
    [`Failed, grouped by class (reads ${FAILED.toLocaleString("en")} entries)`, "/failed/groups?by=class", "scan"],
    [`Retry (reads ${DELAYED.toLocaleString("en")} delayed jobs)`, "/retry", "scan"],
    [`Search (reads ${(JOBS + FAILED + DELAYED).toLocaleString("en")} jobs)`, "/search?q=customer-42", "scan"],
  ];
  const rows: Row[] = [];
  for (const [page, path, kind] of pages) {
    const row = { ...(await measure(base, page, path)), kind };
    rows.push(row);
    console.log(`${page.padEnd(40)} p50 ${row.p50.toFixed(1).padStart(6)} ms  p95 ${row.p95.toFixed(1).padStart(6)} ms  max ${row.max.toFixed(1).padStart(6)} ms`);
  }

  release();
  await Promise.all(workers.map((w) => w.stop()));
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await resque.close();
  await redis.stop();
  writeFileSync(new URL("./web-results.md", import.meta.url), report(rows));
  console.log("wrote bench/web-results.md");
}

function report(rows: Row[]): string {
  const ms = (n: number) => n.toFixed(1);
  const table = (selected: Row[], target: boolean) => [
    `| page | path | HTML bytes | p50 ms | p95 ms | max ms |${target ? " p95 < 100 ms |" : ""}`,
    `|---|---|---:|---:|---:|---:|${target ? ":---:|" : ""}`,
    ...selected.map(
      (r) => `| ${r.page} | \`${r.path}\` | ${r.bytes.toLocaleString("en")} | ${ms(r.p50)} | ${ms(r.p95)} | ${ms(r.max)} |${target ? ` ${r.p95 < TARGET_MS ? "✅" : "❌"} |` : ""}`,
    ),
  ];
  return [
    "# Benchmark: dashboard pages against a big Resque",
    "",
    `Run ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC with \`npm run bench:web\`. ${machineDescription()}`,
    "",
    `Data: a ${JOBS.toLocaleString("en")}-job queue, ${FAILED.toLocaleString("en")} failed entries, ${DELAYED.toLocaleString("en")} delayed jobs over 1,000 timestamps, 200 retries waiting, 50 schedules, 5 jobs running. Each page is fetched ${SAMPLES} times over HTTP from a local server (after 3 warm-up requests), resque-ts as built in dist/; the time is request sent → whole body read.`,
    "",
    `## Pages showing a page of data (target: p95 < ${TARGET_MS} ms)`,
    "",
    ...table(rows.filter((r) => r.kind === "page"), true),
    "",
    "## Pages summarising a whole list",
    "",
    "These read every entry of what they summarise (a chunk per Redis call, so Redis is never blocked",
    "for long), so their time grows with that list; no target applies. The Retry page reads the whole",
    "delayed schedule because a retry is told apart from an ordinary delayed job only by its",
    "resque-retry counter, as resque-web does.",
    "",
    ...table(rows.filter((r) => r.kind === "scan"), false),
    "",
  ].join("\n");
}

await main();
