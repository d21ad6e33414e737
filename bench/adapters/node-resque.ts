/**
 * node-resque: one Worker per concurrency slot (each runs one job at a time), sharing one
 * ioredis client as MultiWorker does when given one. Workers and the scheduler poll every
 * 50 ms instead of the default 5 s, so that polling does not dominate latency.
 */
import { Redis } from "ioredis";
import nodeResque, { Queue, Scheduler, Worker } from "node-resque";
import { inFlight } from "../in-flight.js";
import { packageVersion } from "../versions.js";
import { hostAndPort, JOB_NAME, NotAvailableError, QUEUE, type Adapter, type BenchWorker, type Producer, type WorkerOptions } from "./adapter.js";
import { RETRY_DELAY_MS, RETRY_JOB_NAME } from "../protocol.js";

const POLL_MS = 50;

function encode(args: unknown[], jobName = JOB_NAME): string {
  // node-resque's Queue#encode, byte for byte.
  return JSON.stringify({ class: jobName, queue: QUEUE, args });
}

class NodeResqueProducer implements Producer {
  constructor(
    private readonly queue: Queue,
    private readonly redis: Redis,
  ) {}

  async enqueue(args: unknown[]): Promise<void> {
    await this.queue.enqueue(QUEUE, JOB_NAME, args);
  }

  async enqueueBulk(): Promise<void> {
    throw new NotAvailableError("node-resque", "no bulk enqueue API");
  }

  /** No bulk API: the bytes Queue#enqueue writes, RPUSHed in chunks. */
  async prefill(argsList: unknown[][]): Promise<void> {
    await this.redis.sadd("resque:queues", QUEUE);
    for (let i = 0; i < argsList.length; i += 1000) {
      await this.redis.rpush(`resque:queue:${QUEUE}`, ...argsList.slice(i, i + 1000).map((args) => encode(args)));
    }
  }

  async prefillRetrying(argsList: unknown[][]): Promise<void> {
    await this.redis.sadd("resque:queues", QUEUE);
    for (let i = 0; i < argsList.length; i += 1000) {
      await this.redis.rpush(`resque:queue:${QUEUE}`, ...argsList.slice(i, i + 1000).map((args) => encode(args, RETRY_JOB_NAME)));
    }
  }

  async scheduleAt(dueMs: number, argsList: unknown[][]): Promise<void> {
    await inFlight(argsList.length, 100, (i) => this.queue.enqueueAt(dueMs, QUEUE, JOB_NAME, argsList[i]!));
  }

  async close(): Promise<void> {
    await this.queue.end();
    await this.redis.quit();
  }
}

class NodeResqueWorker implements BenchWorker {
  constructor(
    private readonly workers: Worker[],
    private readonly scheduler: Scheduler | undefined,
    private readonly redis: Redis,
  ) {}

  async start(): Promise<void> {
    await this.scheduler?.start();
    await Promise.all(this.workers.map((w) => w.start()));
  }

  /** "success" fires after the stats were written; only the worker key's DEL follows. */
  flushed(): Promise<void> {
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    await this.scheduler?.end();
    await Promise.all(this.workers.map((w) => w.end()));
    await this.redis.quit();
  }
}

export const adapter: Adapter = {
  library: "node-resque",
  version: () => packageVersion("node-resque"),
  async producer(redisUrl) {
    const redis = new Redis(hostAndPort(redisUrl));
    const queue = new Queue({ connection: { redis } });
    queue.on("error", (error) => console.error("node-resque queue error:", error));
    await queue.connect();
    return new NodeResqueProducer(queue, redis);
  },
  async worker(redisUrl, options: WorkerOptions) {
    if (options.recurring) throw new NotAvailableError("node-resque", "no recurring schedules");
    const redis = new Redis(hostAndPort(redisUrl));
    redis.setMaxListeners(options.concurrency * 2 + 10);
    const jobs = {
      [JOB_NAME]: {
        perform: async (...args: unknown[]) => {
          options.perform(args);
        },
      },
      // Its Retry plugin counts runs, not retries: retryLimit 2 is one run and one retry.
      [RETRY_JOB_NAME]: {
        // Through the default export: Node's CommonJS named-export detection misses `Plugins`.
        plugins: [nodeResque.Plugins.Retry],
        pluginOptions: { Retry: { retryLimit: 2, retryDelay: RETRY_DELAY_MS } },
        perform: async (...args: unknown[]) => {
          options.perform(args);
        },
      },
    };
    const workers: Worker[] = [];
    for (let slot = 1; slot <= options.concurrency; slot++) {
      const worker = new Worker({ connection: { redis }, queues: [QUEUE], timeout: POLL_MS, name: `bench+${slot}:${process.pid}` }, jobs);
      // A run its Retry plugin re-enqueued is reported as a "success" too: not a completed job.
      let retried = false;
      worker.on("reEnqueue", () => (retried = true));
      worker.on("success", () => {
        if (retried) retried = false;
        else options.completed();
      });
      worker.on("error", (error) => console.error("node-resque worker error:", error));
      await worker.connect();
      workers.push(worker);
    }
    let scheduler: Scheduler | undefined;
    if (options.scheduler) {
      // Its own connection: the scheduler WATCHes keys, which must not affect the workers' MULTIs.
      scheduler = new Scheduler({ connection: hostAndPort(redisUrl), timeout: POLL_MS });
      scheduler.on("error", (error) => console.error("node-resque scheduler error:", error));
      await scheduler.connect();
    }
    return new NodeResqueWorker(workers, scheduler, redis);
  },
};
