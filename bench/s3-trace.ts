/**
 * S3 latency, hop by hop, for resque-ts: where a slow job lost its time between the enqueue call
 * and the start of perform. The producer (this process) and the worker (a child process) stamp
 * each hop on the system-wide monotonic clock:
 *
 *   call → written (the producer's socket write carrying the RPUSH) → ack (the enqueue resolves)
 *        → message (the worker's subscriber hears the wake-up) → sent (the work cycle is written)
 *        → reply (its reply arrives) → perform
 *
 * `npx tsx bench/s3-trace.ts [seconds] [rate]`. A diagnostic, not part of `npm run bench`.
 */
import { fork } from "node:child_process";
import { Socket } from "node:net";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Redis } from "ioredis";
import { importResqueTs } from "./build.js";
import { RedisServer } from "../test/helpers/redis-server.js";

type Library = typeof import("../src/index.js");

/** TRACE_DIST=path/to/index.js traces another build (an A/B of two builds); dist/ by default. */
const load = (): Promise<unknown> => (process.env.TRACE_DIST ? import(pathToFileURL(process.env.TRACE_DIST).href) : importResqueTs("index"));

const now = (): number => Number(process.hrtime.bigint()) / 1000; // µs, monotonic, system-wide

/** Stamps socket writes whose text contains `marker` (case-insensitive). */
function stampWrites(marker: string, stamps: number[]): void {
  const write = Socket.prototype.write as (...args: unknown[]) => boolean;
  const needle = marker.toLowerCase();
  Socket.prototype.write = function (this: Socket, ...args: unknown[]): boolean {
    const data = args[0];
    const text = typeof data === "string" ? data : Buffer.isBuffer(data) ? data.toString("latin1", 0, 200) : "";
    if (text.toLowerCase().includes(needle)) stamps.push(now());
    return write.apply(this, args);
  } as typeof Socket.prototype.write;
}

/** The first stamp at or after `t` (stamps ascending). */
function firstAfter(stamps: readonly number[], t: number): number {
  let lo = 0;
  let hi = stamps.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (stamps[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return stamps[lo] ?? NaN;
}

interface WorkerStamps {
  /** Per job index: [last message, last cycle sent, last cycle reply, perform]. */
  jobs: [number, number, number, number][];
}

async function workerMain(url: string): Promise<void> {
  // The worker's hops: wake-up messages and work-cycle calls, stamped in ioredis.
  let lastMessage = 0;
  let lastSent = 0;
  let lastReply = 0;
  const emit = Redis.prototype.emit;
  Redis.prototype.emit = function (this: Redis, event: string | symbol, ...args: unknown[]): boolean {
    if (event === "message") lastMessage = now();
    return emit.call(this, event, ...args);
  };
  const send = Redis.prototype.sendCommand;
  Redis.prototype.sendCommand = function (this: Redis, command: Parameters<typeof send>[0], stream?: Parameters<typeof send>[1]) {
    const result = send.call(this, command, stream);
    if (command.name === "evalsha" || command.name === "eval") {
      lastSent = now();
      command.promise.then(
        () => (lastReply = now()),
        () => {},
      );
    }
    return result;
  } as typeof send;
  const { Job, Resque } = (await load()) as Library;
  const stamps: WorkerStamps = { jobs: [] };
  class TraceJob extends Job<[number]> {
    static override queue = "trace";
    static override jobName = "TraceJob";
    perform(index: number): void {
      stamps.jobs[index] = [lastMessage, lastSent, lastReply, now()];
    }
  }
  const resque = new Resque({ redis: url, jobs: [TraceJob] });
  const worker = resque.worker({ queues: ["trace"], concurrency: 10 });
  await worker.start();
  process.send!("ready");
  process.on("message", (message) => {
    if (message !== "report") return;
    process.send!(stamps, () => void worker.stop().then(() => resque.close()).then(() => process.exit(0)));
  });
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 10);
  const rate = Number(process.argv[3] ?? 500);
  const server = await RedisServer.start();
  const setup = new Redis(server.url);
  await setup.config("SET", "slowlog-log-slower-than", "1000");
  await setup.quit();
  const child = fork(fileURLToPath(import.meta.url), ["--worker", server.url], { execArgv: ["--import", "tsx"], env: { ...process.env, BENCH_TRACE_WORKER: "1" } });
  await new Promise<void>((resolve) => child.once("message", () => resolve()));
  const written: number[] = [];
  stampWrites("rpush", written);
  const { Job, Resque } = (await load()) as Library;
  class TraceJob extends Job<[number]> {
    static override queue = "trace";
    static override jobName = "TraceJob";
    perform(): void {}
  }
  const resque = new Resque({ redis: server.url, jobs: [TraceJob] });
  const total = Math.round(seconds * rate);
  const calls: number[] = [];
  const acks: number[] = [];
  const pending: Promise<void>[] = [];
  const started = performance.now();
  await new Promise<void>((resolve) => {
    let sent = 0;
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - started) * rate) / 1000));
      while (sent < due) {
        const index = sent++;
        calls[index] = now();
        pending.push(resque.enqueue(TraceJob, index).then(() => void (acks[index] = now())));
      }
      if (sent >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  await Promise.all(pending);
  await new Promise((resolve) => setTimeout(resolve, 500));
  const stamps = await new Promise<WorkerStamps>((resolve) => {
    child.once("message", (message) => resolve(message as WorkerStamps));
    child.send("report");
  });
  const admin = new Redis(server.url);
  const stats = (await admin.info("commandstats")).split("\n").filter((line) => /evalsha|rpush|publish/.test(line));
  const slow = (await admin.call("SLOWLOG", "GET", "20")) as [number, number, number, string[]][];
  await admin.quit();
  await resque.close();
  await new Promise((resolve) => child.once("exit", resolve));
  await server.close();

  const hops = ["call→written", "written→message", "message→sent", "sent→reply", "reply→perform", "total"] as const;
  const rows: number[][] = [];
  for (let i = Math.round(rate * 0.5); i < total; i++) {
    const job = stamps.jobs[i];
    if (!job) continue;
    const [message, sentAt, reply, perform] = job;
    const call = calls[i]!;
    const write = firstAfter(written, call);
    // The cycle that reserved the job may have been sent before the wake-up (a cycle started by a
    // finishing job); then message→sent is negative and counted as 0.
    rows.push([write - call, Math.max(0, message - write), Math.max(0, sentAt - Math.max(message, write)), reply - sentAt, perform - reply, perform - call]);
  }
  const ms = (us: number): string => (us / 1000).toFixed(2);
  console.log(`${rows.length} jobs at ${rate}/s; hop times in ms`);
  console.log(["hop", "p50", "p90", "p99", "max", "mean of slowest 1 %"].join("\t"));
  const slowest = [...rows].sort((a, b) => b[5]! - a[5]!).slice(0, Math.max(1, Math.round(rows.length / 100)));
  hops.forEach((hop, h) => {
    const sorted = rows.map((r) => r[h]!).sort((a, b) => a - b);
    const mean = slowest.reduce((sum, r) => sum + r[h]!, 0) / slowest.length;
    console.log([hop.padEnd(16), ms(percentile(sorted, 50)), ms(percentile(sorted, 90)), ms(percentile(sorted, 99)), ms(sorted[sorted.length - 1]!), ms(mean)].join("\t"));
  });
  const overlapped = slowest.filter((r) => r[0]! > 1000).length;
  let waitedForPrevious = 0;
  for (let i = 1; i < total; i++) if (written.length && firstAfter(written, calls[i]!) - calls[i]! > 1000 && acks[i - 1]! > calls[i]!) waitedForPrevious++;
  console.log(`slowest 1 %: ${overlapped} with call→written > 1 ms; jobs with call→written > 1 ms whose previous enqueue was unacknowledged at the call: ${waitedForPrevious}`);
  console.log(stats.join("\n"));
  console.log("slowlog (µs, command):", slow.map((entry) => `${entry[2]} ${entry[3]![0]}`).join(", "));
  const ackSorted = calls.map((c, i) => acks[i]! - c).sort((a, b) => a - b);
  console.log(`enqueue ack: p50 ${ms(percentile(ackSorted, 50))} p99 ${ms(percentile(ackSorted, 99))} max ${ms(ackSorted[ackSorted.length - 1]!)}`);
}

if (process.argv[2] === "--worker") await workerMain(process.argv[3]!);
else await main();
