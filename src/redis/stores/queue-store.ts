/** Pending jobs: the `queues` set and `queue:<name>` lists. */
import type { RedisClient } from "../connection.js";
import type { Keys } from "../keys.js";
import { runScript } from "../scripts/load.js";

/** How many payloads go into one RPUSH; keeps single commands (and Redis' latency) small. */
const PUSH_CHUNK = 1000;

export class QueueStore {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: Keys,
  ) {}

  /**
   * Appends payloads to a queue (or puts them at its front) and wakes idle workers.
   * Like Ruby Resque: SADD queues + RPUSH, pipelined (auto-pipelining sends them in one write).
   */
  async push(queue: string, payloads: readonly string[], options: { front?: boolean } = {}): Promise<void> {
    if (payloads.length === 0) return;
    const key = this.keys.queue(queue);
    const writes: Promise<unknown>[] = [this.client.sadd(this.keys.queues, queue)];
    const chunks: string[][] = [];
    for (let start = 0; start < payloads.length; start += PUSH_CHUNK) chunks.push(payloads.slice(start, start + PUSH_CHUNK));
    if (options.front) {
      // The given order ends up at the head: LPUSH the last chunk first, each chunk reversed.
      for (const chunk of chunks.reverse()) writes.push(this.client.lpush(key, ...chunk.reverse()));
    } else {
      for (const chunk of chunks) writes.push(this.client.rpush(key, ...chunk));
    }
    writes.push(this.client.publish(this.keys.wakeupChannel, queue));
    await Promise.all(writes);
  }

  size(queue: string): Promise<number> {
    return this.client.llen(this.keys.queue(queue));
  }

  peek(queue: string, start: number, count: number): Promise<string[]> {
    if (count <= 0) return Promise.resolve([]);
    return this.client.lrange(this.keys.queue(queue), start, start + count - 1);
  }

  async names(): Promise<string[]> {
    return (await this.client.smembers(this.keys.queues)).sort();
  }

  async sizes(queues: readonly string[]): Promise<number[]> {
    return Promise.all(queues.map((q) => this.client.llen(this.keys.queue(q))));
  }

  /** Drops a queue and its jobs (Resque.remove_queue). */
  async remove(queue: string): Promise<void> {
    await Promise.all([this.client.srem(this.keys.queues, queue), this.client.del(this.keys.queue(queue))]);
  }

  /**
   * Removes every pending job of `className` from the queue whose payload bytes equal one of
   * `exact`, or, when `exact` is undefined, every job of that class. Returns how many were removed.
   */
  async removeJobs(queue: string, className: string, exact?: readonly string[]): Promise<number> {
    const args = exact ? ["exact", ...exact] : ["class", className];
    return (await runScript(this.client, "removeJobs", [this.keys.queue(queue)], args)) as number;
  }
}
