/**
 * The worker of a sharded Resque: one worker per shard that holds some of its queues, each with
 * its own connection, work cycle, registration, heartbeat and pruning on that shard (so every
 * guarantee of a worker holds per shard, and no script ever spans two shards), drawing on one
 * budget of job slots. It looks like a single worker to the application: one start, one stop,
 * one stream of events.
 */
import { EventEmitter } from "node:events";
import type { Worker } from "../worker-interface.js";
import type { StopOptions, Worker as ShardWorker, WorkerEvents } from "../worker/worker.js";

/** A shard's worker and the shard it serves. */
export interface ShardWorkerPart {
  namespace: string;
  worker: ShardWorker;
}

/** Events passed on as they come from any shard's worker. */
const PASSED_ON = ["job:start", "job:success", "job:failure", "job:deferred", "job:requeued", "job:recorded", "job:fenced", "control"] as const;

export class ShardedWorker extends EventEmitter<WorkerEvents> implements Worker {
  readonly concurrency: number;
  /** Every slot id of every shard's worker (the same id may appear once per shard). */
  readonly ids: readonly string[];
  readonly stopped: Promise<void>;
  readonly #parts: readonly ShardWorkerPart[];
  #wasPaused = false;

  constructor(parts: readonly ShardWorkerPart[]) {
    super();
    this.#parts = parts;
    this.concurrency = parts[0]?.worker.concurrency ?? 1;
    this.ids = parts.flatMap((p) => p.worker.ids);
    this.stopped = Promise.all(parts.map((p) => p.worker.stopped)).then(() => {
      this.emit("stopped");
    });
    // Job events are passed on only once someone listens: a worker skips building them otherwise.
    const passing = new Set<string>();
    (this as EventEmitter).on("newListener", (event: string | symbol) => {
      if (typeof event !== "string" || passing.has(event) || !(PASSED_ON as readonly string[]).includes(event)) return;
      passing.add(event);
      for (const { worker } of parts) worker.on(event as (typeof PASSED_ON)[number], (...args: unknown[]) => (this.emit as (e: string, ...a: unknown[]) => boolean)(event, ...args));
    });
    for (const { worker } of parts) {
      worker.on("error", (error) => {
        if (this.listenerCount("error") > 0) this.emit("error", error);
      });
      worker.on("idle", () => {
        if (this.running === 0) this.emit("idle");
      });
      worker.on("paused", () => this.#pauseChanged());
      worker.on("resumed", () => this.#pauseChanged());
    }
  }

  /** The worker of each shard served, with its namespace (a pool child reports jobs per shard). */
  get parts(): readonly ShardWorkerPart[] {
    return this.#parts;
  }

  /** The namespaces of the shards this worker serves. */
  get shards(): readonly string[] {
    return this.#parts.map((p) => p.namespace);
  }

  /** Paused on every shard it serves (pause(), or pause-all / remote control on each shard). */
  get paused(): boolean {
    return this.#parts.every((p) => p.worker.paused);
  }

  get running(): number {
    return this.#parts.reduce((sum, p) => sum + p.worker.running, 0);
  }

  async start(): Promise<void> {
    const started: ShardWorker[] = [];
    try {
      for (const { worker } of this.#parts) {
        await worker.start();
        started.push(worker);
      }
    } catch (error) {
      // Leave no shard half-served: stop (and unregister) what did start.
      await Promise.all(started.map((w) => w.stop()));
      for (const { worker } of this.#parts) if (!started.includes(worker)) void worker.stop();
      throw error;
    }
  }

  stop(options: StopOptions = {}): Promise<void> {
    return Promise.all(this.#parts.map((p) => p.worker.stop(options))).then(() => undefined);
  }

  killJobs(): void {
    for (const { worker } of this.#parts) worker.killJobs();
  }

  pause(): void {
    for (const { worker } of this.#parts) worker.pause();
  }

  resume(): void {
    for (const { worker } of this.#parts) worker.resume();
  }

  async flushHistory(): Promise<void> {
    await Promise.all(this.#parts.map((p) => p.worker.flushHistory()));
  }

  #pauseChanged(): void {
    const paused = this.paused;
    if (paused === this.#wasPaused) return;
    this.#wasPaused = paused;
    this.emit(paused ? "paused" : "resumed");
  }
}
