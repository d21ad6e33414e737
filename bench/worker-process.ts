/**
 * A worker process for one library (compiled by bench/build.ts, started by bench/worker-entry.mjs): creates the
 * library's worker when told to prepare, starts it on "start", measures what its mode asks for
 * (see protocol.ts) and reports once `expected` jobs have completed. Running each library in its
 * own process keeps CPU time and memory per library and the heaps apart.
 */
import { loadAdapter, NotAvailableError, type BenchWorker } from "./adapters/adapter.js";
import { monotonicMicros, RETRY_DELAY_MS, type ChildMessage, type ParentMessage, type PrepareMessage, type Report } from "./protocol.js";

// tsx (BENCH_RESQUE_TS=source) turns on source-mapped stack traces; mapping every failed job's stack (S6) through them
// costs ~1 ms per job in every library alike, and a deployed worker runs without them.
process.setSourceMapsEnabled(false);

/**
 * BENCH_HEAP_SAMPLE=file: a sampling heap profile of the drain that keeps the objects a scavenge
 * did not collect (those promoted to old space and freed only by a mark-compact), written as
 * file (a .heapprofile for Chrome DevTools) with the top allocation sites printed.
 */
const heapSample = process.env.BENCH_HEAP_SAMPLE ? await import("./heap-sample.js") : undefined;

function send(message: ChildMessage): void {
  process.send?.(message);
}

let worker: BenchWorker | undefined;
let prepared: PrepareMessage | undefined;
let completed = 0;
let startedAt = 0;
let cpuAtStart: NodeJS.CpuUsage | undefined;
let rssBefore = 0;
const latencyUs: number[] = [];
const latenessMs: number[] = [];
let lastDoneAt = 0;
/** S6: when each job's first run failed (unix ms); S7: fires since the last "measure". */
const failedAt: number[] = [];
let firstStartAt = 0;
let lastFailureAt = 0;
let fires: [number, number][] = [];

/** The error a job's first run throws in S6. */
class FirstRunError extends Error {}

function perform(args: unknown[]): void {
  if (!prepared) return;
  if (prepared.mode === "latency") {
    latencyUs[args[0] as number] = monotonicMicros() - (args[1] as number);
  } else if (prepared.mode === "delayed") {
    latenessMs[args[0] as number] = Date.now() - (args[1] as number);
  } else if (prepared.mode === "retry") {
    const seq = args[0] as number;
    const now = Date.now();
    if (firstStartAt === 0) firstStartAt = now;
    const first = failedAt[seq];
    if (first === undefined) {
      failedAt[seq] = lastFailureAt = now;
      throw new FirstRunError(`first run of job ${seq} fails`);
    }
    latenessMs[seq] = now - (first + RETRY_DELAY_MS);
  } else if (prepared.mode === "recurring") {
    fires.push([args[0] as number, Date.now()]);
  }
}

function onCompleted(): void {
  completed++;
  // BENCH_HEAP_SNAPSHOT=file: a heap snapshot in the middle of a drain (what is live while jobs run).
  if (process.env.BENCH_HEAP_SNAPSHOT && prepared?.mode === "drain" && completed === Math.floor(prepared.expected / 2)) {
    void import("node:v8").then((v8) => v8.writeHeapSnapshot(process.env.BENCH_HEAP_SNAPSHOT));
  }
  if (prepared?.mode === "delayed" || prepared?.mode === "retry") lastDoneAt = Date.now();
  if (completed === prepared?.expected) void finish();
}

async function finish(): Promise<void> {
  const job = prepared!;
  let report: Report;
  if (job.mode === "drain") {
    await worker!.flushed();
    await heapSample?.stop(process.env.BENCH_HEAP_SAMPLE!);
    const elapsedMs = performance.now() - startedAt;
    const cpu = process.cpuUsage(cpuAtStart);
    report = {
      mode: "drain",
      elapsedMs,
      cpuMs: (cpu.user + cpu.system) / 1000,
      rssBefore,
      rssPeak: process.resourceUsage().maxRSS * 1024,
      rssAfter: process.memoryUsage.rss(),
    };
  } else if (job.mode === "latency") {
    report = { mode: "latency", latencyUs };
  } else if (job.mode === "retry") {
    await worker!.flushed();
    const cpu = process.cpuUsage(cpuAtStart);
    report = { mode: "retry", firstStartAt, lastFailureAt, lastDoneAt, latenessMs, cpuMs: (cpu.user + cpu.system) / 1000 };
  } else {
    report = { mode: "delayed", latenessMs, lastDoneAt };
  }
  send({ type: "done", report });
}

async function handle(message: ParentMessage): Promise<void> {
  switch (message.type) {
    case "prepare": {
      prepared = message;
      const adapter = await loadAdapter(message.library);
      worker = await adapter.worker(message.redisUrl, {
        concurrency: message.concurrency,
        perform,
        completed: onCompleted,
        scheduler: message.mode === "delayed" || message.mode === "retry" || message.mode === "recurring",
        ...(message.recurring ? { recurring: message.recurring } : {}),
      });
      rssBefore = process.memoryUsage.rss();
      send({ type: "ready", rss: rssBefore });
      return;
    }
    case "start":
      startedAt = performance.now();
      cpuAtStart = process.cpuUsage();
      await heapSample?.start();
      await worker!.start();
      send({ type: "started" });
      return;
    case "gc": {
      // Twice: the first full GC can leave garbage that finalizers released for the second.
      const gc = (globalThis as { gc?: () => void }).gc;
      if (!gc) throw new Error("the worker process needs --expose-gc");
      gc();
      gc();
      send({ type: "gc-done", rss: process.memoryUsage.rss() });
      return;
    }
    case "measure": {
      const cpu = process.cpuUsage();
      send({ type: "measured", cpuMs: (cpu.user + cpu.system) / 1000, completed, fires });
      fires = [];
      return;
    }
    case "stop":
      await worker?.stop();
      process.exit(0);
  }
}

process.on("message", (message: ParentMessage) => {
  handle(message).catch((error: unknown) => {
    send({ type: "error", message: error instanceof Error ? error.message : String(error), notAvailable: error instanceof NotAvailableError });
  });
});
process.on("disconnect", () => process.exit(0));
