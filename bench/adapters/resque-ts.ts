/**
 * resque-ts through its public API with default settings: one Resque instance per process,
 * ioredis auto-pipelining, pub/sub wake-up for idle workers. Loaded from the built package
 * (dist/, see bench/build.ts), or from src/ with BENCH_RESQUE_TS=source.
 */
import { importResqueTs } from "../build.js";
import { inFlight } from "../in-flight.js";
import { JOB_NAME, QUEUE, type Adapter, type BenchWorker, type Producer, type WorkerOptions } from "./adapter.js";
import { RETRY_DELAY_MS, RETRY_JOB_NAME, type RecurringSpec } from "../protocol.js";

type Library = typeof import("../../src/index.js");
type Resque = InstanceType<Library["Resque"]>;
type Worker = import("../../src/index.js").Worker;
type Scheduler = import("../../src/index.js").Scheduler;

const lib = (await importResqueTs("index")) as Library;
const { Job, Resque, VERSION } = lib;

let perform: (args: unknown[]) => void = () => {};

class BenchJob extends Job<unknown[]> {
  static override queue = QUEUE;
  static override jobName = JOB_NAME;
  perform(...args: unknown[]): void {
    perform(args);
  }
}

/** S6: retried once, RETRY_DELAY_MS after its failure (resque-retry's limit 1, fixed delay). */
class BenchRetryJob extends Job<unknown[]> {
  static override queue = QUEUE;
  static override jobName = RETRY_JOB_NAME;
  static override retry = { limit: 1, delay: RETRY_DELAY_MS / 1000 };
  perform(...args: unknown[]): void {
    perform(args);
  }
}

const JOBS = [BenchJob, BenchRetryJob];

/**
 * Due times to the millisecond (an explicit option; Resque's whole seconds are the default) as
 * bullmq and node-resque keep them: it changes S6's retries only, S4's jobs are due at a whole
 * second either way. BENCH_DELAY_PRECISION=seconds measures the default.
 */
const delayPrecision = process.env.BENCH_DELAY_PRECISION === "seconds" ? "seconds" : "milliseconds";

/** S7: `every` schedules on a common grid from `firstAtMs`, one per index. */
function schedules(spec: RecurringSpec): Record<string, { class: string; every: [string, { first_at: string }]; args: unknown[] }> {
  const firstAt = new Date(spec.firstAtMs).toISOString();
  const entries: Record<string, { class: string; every: [string, { first_at: string }]; args: unknown[] }> = {};
  for (let i = 0; i < spec.count; i++) entries[`bench-${i}`] = { class: JOB_NAME, every: [`${spec.everyMs / 1000}s`, { first_at: firstAt }], args: [i] };
  return entries;
}

class ResqueTsProducer implements Producer {
  constructor(private readonly resque: Resque) {}

  async enqueue(args: unknown[]): Promise<void> {
    await this.resque.enqueue(BenchJob, ...args);
  }

  async enqueueBulk(argsList: unknown[][]): Promise<void> {
    await this.resque.enqueueBulk(BenchJob, argsList);
  }

  async prefill(argsList: unknown[][]): Promise<void> {
    for (let i = 0; i < argsList.length; i += 1000) await this.resque.enqueueBulk(BenchJob, argsList.slice(i, i + 1000));
  }

  async prefillRetrying(argsList: unknown[][]): Promise<void> {
    for (let i = 0; i < argsList.length; i += 1000) await this.resque.enqueueBulk(BenchRetryJob, argsList.slice(i, i + 1000));
  }

  /** resque-scheduler's delayed jobs, one enqueueAt call per job with 100 in flight. */
  async scheduleAt(dueMs: number, argsList: unknown[][]): Promise<void> {
    const at = new Date(dueMs);
    await inFlight(argsList.length, 100, (i) => this.resque.enqueueAt(at, BenchJob, ...argsList[i]!));
  }

  close(): Promise<void> {
    return this.resque.close();
  }
}

class ResqueTsWorker implements BenchWorker {
  readonly #worker: Worker;
  #scheduler: Scheduler | undefined;
  /** Whether an "idle" (a cycle that recorded every finished job) came after the last success. */
  #recorded = true;

  constructor(
    private readonly resque: Resque,
    private readonly options: WorkerOptions,
  ) {
    this.#worker = resque.worker({ queues: [QUEUE], concurrency: options.concurrency });
    this.#worker.on("job:success", () => {
      this.#recorded = false;
      options.completed();
    });
    this.#worker.on("idle", () => (this.#recorded = true));
    this.#worker.on("error", (error) => console.error("resque-ts worker error:", error));
  }

  async start(): Promise<void> {
    if (this.options.scheduler) {
      // The resque-scheduler daemon with its defaults, in the worker's process (as for node-resque).
      const recurring = this.options.recurring;
      this.#scheduler = this.resque.scheduler(recurring ? { schedule: schedules(recurring) } : {});
      await this.#scheduler.start();
    }
    await this.#worker.start();
  }

  /** Outcomes are reported in the next work cycle; "idle" follows the cycle that recorded the last. */
  flushed(): Promise<void> {
    if (this.#recorded) return Promise.resolve();
    return new Promise((resolve) => this.#worker.once("idle", resolve));
  }

  async stop(): Promise<void> {
    await this.#scheduler?.stop();
    await this.#worker.stop();
    await this.resque.close();
  }
}

export const adapter: Adapter = {
  library: "resque-ts",
  version: () => VERSION,
  async producer(redisUrl) {
    return new ResqueTsProducer(new Resque({ redis: redisUrl, jobs: JOBS, delayPrecision }));
  },
  async worker(redisUrl, options) {
    perform = options.perform;
    const resque = new Resque({ redis: redisUrl, jobs: JOBS, delayPrecision });
    // Connects before the measurement starts (one read through the public API).
    await resque.admin.queues.size(QUEUE);
    return new ResqueTsWorker(resque, options);
  },
};
