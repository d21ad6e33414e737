/**
 * node-resque 9.7 as a foreign peer on a test's private redis-server, with the default namespace
 * ("resque"), run in this process. close() ends every worker, scheduler and queue it started.
 */
import type { EventEmitter } from "node:events";
import { Queue, Scheduler, Worker, type Jobs } from "node-resque";
import type { RedisServer } from "./redis-server.js";

export interface NodeWorkerOptions {
  queues: string[] | string;
  name?: string;
  /** Poll interval in ms (node-resque's `timeout`); short so tests do not wait. */
  timeout?: number;
}

export interface NodeSchedulerOptions {
  name?: string;
  timeout?: number;
  stuckWorkerTimeout?: number;
}

export class NodeResquePeer {
  readonly queue: Queue;
  /** Errors node-resque emitted (an unhandled "error" event would throw). */
  readonly errors: unknown[] = [];
  readonly #workers: Worker[] = [];
  readonly #schedulers: Scheduler[] = [];

  private constructor(
    readonly port: number,
    readonly jobs: Jobs,
  ) {
    this.queue = new Queue({ connection: this.connection }, jobs);
    this.queue.on("error", (error) => this.errors.push(error));
  }

  static async start(server: RedisServer, jobs: Jobs = {}): Promise<NodeResquePeer> {
    const peer = new NodeResquePeer(server.port, jobs);
    await peer.queue.connect();
    return peer;
  }

  get connection() {
    return { host: "127.0.0.1", port: this.port, namespace: "resque" };
  }

  /** A started node-resque worker. */
  async worker(options: NodeWorkerOptions): Promise<Worker> {
    const worker = new Worker({ connection: this.connection, timeout: 20, ...options }, this.jobs);
    worker.on("error", (error) => this.errors.push(error));
    this.#workers.push(worker);
    await worker.connect();
    await worker.start();
    return worker;
  }

  /** A started node-resque scheduler. */
  async scheduler(options: NodeSchedulerOptions = {}): Promise<Scheduler> {
    const scheduler = new Scheduler({ connection: this.connection, timeout: 20, ...options }, this.jobs);
    scheduler.on("error", (error) => this.errors.push(error));
    this.#schedulers.push(scheduler);
    await scheduler.connect();
    await scheduler.start();
    return scheduler;
  }

  /** Ends workers (each waits for its running job), schedulers (releasing their lock), then the queue. */
  async close(): Promise<void> {
    await Promise.all(this.#workers.splice(0).map((w) => w.end()));
    await Promise.all(this.#schedulers.splice(0).map((s) => s.end()));
    await this.queue.end();
  }
}

/** Resolves with the arguments of the first `count` emissions of `event` (listening starts now). */
export function nodeEvents<A extends unknown[] = unknown[]>(emitter: EventEmitter, event: string, count: number): Promise<A[]> {
  return new Promise((resolve) => {
    const seen: A[] = [];
    if (count === 0) return resolve(seen);
    const listener = (...args: unknown[]) => {
      seen.push(args as A);
      if (seen.length === count) {
        emitter.off(event, listener);
        resolve(seen);
      }
    };
    emitter.on(event, listener);
  });
}
