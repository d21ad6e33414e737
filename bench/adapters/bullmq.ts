/**
 * BullMQ with its defaults, except that completed jobs are removed at once (Resque keeps no
 * record of a finished job, and BullMQ's default keeps every one forever).
 */
import { Queue, Worker } from "bullmq";
import { packageVersion } from "../versions.js";
import { hostAndPort, JOB_NAME, QUEUE, type Adapter, type BenchWorker, type Producer, type WorkerOptions } from "./adapter.js";
import { RETRY_DELAY_MS, RETRY_JOB_NAME } from "../protocol.js";

const BULK_CHUNK = 1000;

type Data = { args: unknown[] };

class BullProducer implements Producer {
  constructor(private readonly queue: Queue<Data>) {}

  async enqueue(args: unknown[]): Promise<void> {
    await this.queue.add(JOB_NAME, { args });
  }

  async enqueueBulk(argsList: unknown[][]): Promise<void> {
    await this.queue.addBulk(argsList.map((args) => ({ name: JOB_NAME, data: { args } })));
  }

  async prefill(argsList: unknown[][]): Promise<void> {
    for (let i = 0; i < argsList.length; i += BULK_CHUNK) await this.enqueueBulk(argsList.slice(i, i + BULK_CHUNK));
  }

  /** Two attempts (one retry) with a fixed backoff of RETRY_DELAY_MS. */
  async prefillRetrying(argsList: unknown[][]): Promise<void> {
    const opts = { attempts: 2, backoff: { type: "fixed", delay: RETRY_DELAY_MS } };
    for (let i = 0; i < argsList.length; i += BULK_CHUNK) {
      await this.queue.addBulk(argsList.slice(i, i + BULK_CHUNK).map((args) => ({ name: RETRY_JOB_NAME, data: { args }, opts })));
    }
  }

  /** BullMQ's delayed jobs: due at creation `timestamp` + `delay`, so one base makes them all due at once. */
  async scheduleAt(dueMs: number, argsList: unknown[][]): Promise<void> {
    const timestamp = Date.now();
    const opts = { timestamp, delay: dueMs - timestamp };
    for (let i = 0; i < argsList.length; i += BULK_CHUNK) {
      await this.queue.addBulk(argsList.slice(i, i + BULK_CHUNK).map((args) => ({ name: JOB_NAME, data: { args }, opts })));
    }
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}

class BullWorker implements BenchWorker {
  constructor(
    private readonly worker: Worker<Data>,
    /** S7: the queue this process declared its job schedulers on. */
    private readonly schedulers: Queue<Data> | undefined,
  ) {}

  async start(): Promise<void> {
    void this.worker.run();
    await this.worker.waitUntilReady();
  }

  /** "completed" fires after the job was moved to completed in Redis. */
  flushed(): Promise<void> {
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    await this.worker.close();
    await this.schedulers?.close();
  }
}

export const adapter: Adapter = {
  library: "bullmq",
  version: () => packageVersion("bullmq"),
  async producer(redisUrl) {
    const queue = new Queue<Data>(QUEUE, { connection: hostAndPort(redisUrl) });
    await queue.waitUntilReady();
    return new BullProducer(queue);
  },
  async worker(redisUrl, options: WorkerOptions) {
    const worker = new Worker<Data>(
      QUEUE,
      async (job) => {
        options.perform(job.data.args);
      },
      {
        connection: { ...hostAndPort(redisUrl), maxRetriesPerRequest: null },
        concurrency: options.concurrency,
        autorun: false,
        removeOnComplete: { count: 0 },
      },
    );
    worker.on("completed", () => options.completed());
    worker.on("error", (error) => console.error("bullmq worker error:", error));
    await worker.waitUntilReady();
    let schedulers: Queue<Data> | undefined;
    const recurring = options.recurring;
    if (recurring) {
      // Job schedulers (BullMQ's recurring jobs, run by its workers): every process upserts the
      // same ones, as every replica of an app would. startDate puts the slots on the same grid as
      // the others' (without it the first run is "now" and the slots follow from there).
      schedulers = new Queue<Data>(QUEUE, { connection: hostAndPort(redisUrl) });
      for (let i = 0; i < recurring.count; i += BULK_CHUNK) {
        const upserts = [];
        for (let j = i; j < Math.min(recurring.count, i + BULK_CHUNK); j++) {
          upserts.push(schedulers.upsertJobScheduler(`bench-${j}`, { every: recurring.everyMs, startDate: recurring.firstAtMs }, { name: JOB_NAME, data: { args: [j] } }));
        }
        await Promise.all(upserts);
      }
    }
    return new BullWorker(worker, schedulers);
  },
};
