/**
 * BullMQ with its defaults, except that completed jobs are removed at once (Resque keeps no
 * record of a finished job, and BullMQ's default keeps every one forever).
 */
import { Queue, Worker } from "bullmq";
import { packageVersion } from "../versions.js";
import { hostAndPort, JOB_NAME, QUEUE, type Adapter, type BenchWorker, type Producer, type WorkerOptions } from "./adapter.js";

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
  constructor(private readonly worker: Worker<Data>) {}

  async start(): Promise<void> {
    void this.worker.run();
    await this.worker.waitUntilReady();
  }

  /** "completed" fires after the job was moved to completed in Redis. */
  flushed(): Promise<void> {
    return Promise.resolve();
  }

  stop(): Promise<void> {
    return this.worker.close();
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
    return new BullWorker(worker);
  },
};
