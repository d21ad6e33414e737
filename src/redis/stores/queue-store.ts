/** Pending jobs: the `queues` set and `queue:<name>` lists. */
import type { RedisClient } from "../connection.js";
import type { Keys } from "../keys.js";
import { runScript } from "../scripts/load.js";
import { flatRefs, readAfter, REF_WINDOW, refText, sentinel, windowFor, type ListChunk, type ListRef } from "./list-refs.js";

/** How many payloads go into one RPUSH; keeps single commands (and Redis' latency) small. */
const PUSH_CHUNK = 1000;

/** Writes collected during one tick, sent together when the tick ends. */
interface PushBatch {
  /** In call order; consecutive appends to the same queue share one entry. */
  writes: { queue: string; front: boolean; payloads: string[] }[];
  /** The entry later appends to a queue join, until a front push to it ends that run. */
  open: Map<string, { payloads: string[] }>;
  done: Promise<void>;
  settle: (error?: unknown) => void;
}

export class QueueStore {
  #batch: PushBatch | undefined;

  constructor(
    private readonly client: RedisClient,
    private readonly keys: Keys,
  ) {}

  /**
   * Appends payloads to a queue (or puts them at its front) and wakes idle workers.
   * Like Ruby Resque: SADD queues + RPUSH. Pushes made during one tick are coalesced: each
   * queue gets one SADD, one RPUSH per 1,000 payloads and one PUBLISH however many callers
   * there were, which makes many concurrent enqueues cost a few commands instead of three each.
   * Every queue keeps the order of the calls; the promise resolves once the payloads are in Redis.
   */
  push(queue: string, payloads: readonly string[], options: { front?: boolean } = {}): Promise<void> {
    if (payloads.length === 0) return Promise.resolve();
    const batch = (this.#batch ??= this.#newBatch());
    const front = options.front === true;
    const open = front ? undefined : batch.open.get(queue);
    if (open) {
      for (const payload of payloads) open.payloads.push(payload);
    } else {
      const write = { queue, front, payloads: [...payloads] };
      batch.writes.push(write);
      if (front) batch.open.delete(queue);
      else batch.open.set(queue, write);
    }
    return batch.done;
  }

  #newBatch(): PushBatch {
    let settle!: (error?: unknown) => void;
    const done = new Promise<void>((resolve, reject) => (settle = (error) => (error === undefined ? resolve() : reject(error))));
    const batch: PushBatch = { writes: [], open: new Map(), done, settle };
    // After the current tick's microtasks: callers resumed by the same reply all join one batch.
    process.nextTick(() => {
      this.#batch = undefined;
      this.#send(batch.writes).then(() => batch.settle(), (error: unknown) => batch.settle(error ?? new Error("push failed")));
    });
    return batch;
  }

  async #send(writes: PushBatch["writes"]): Promise<void> {
    const queues = [...new Set(writes.map((w) => w.queue))];
    const commands: [string, ...string[]][] = [["sadd", this.keys.queues, ...queues]];
    for (const { queue, front, payloads } of writes) {
      const key = this.keys.queue(queue);
      if (front) {
        // The given order ends up at the head: LPUSH the last chunk first, each chunk reversed.
        for (let end = payloads.length; end > 0; end -= PUSH_CHUNK) {
          commands.push(["lpush", key, ...payloads.slice(Math.max(0, end - PUSH_CHUNK), end).reverse()]);
        }
      } else {
        for (let start = 0; start < payloads.length; start += PUSH_CHUNK) {
          commands.push(["rpush", key, ...payloads.slice(start, start + PUSH_CHUNK)]);
        }
      }
    }
    for (const queue of queues) commands.push(["publish", this.keys.wakeupChannel, queue]);
    // With auto-pipelining, ioredis keeps one pipeline in flight per connection: a batch queued
    // behind it waits for that whole round trip (and a setImmediate) before it is written, a
    // stall of a round trip or more in enqueue → perform latency whenever enqueues come close
    // together. When nothing else waits in that queue the batch goes out now, as a pipeline of
    // its own; otherwise it joins the queue and stays behind the commands called before it.
    // (Cluster: the keys may live on different nodes, which auto-pipelining routes.)
    if (!this.client.isCluster && this.client.autoPipelineQueueSize === 0) {
      const replies = await this.client.pipeline(commands).exec();
      for (const [error] of replies ?? []) if (error) throw error;
    } else {
      await Promise.all(commands.map(([name, ...args]) => this.client.call(name, ...args)));
    }
  }

  size(queue: string): Promise<number> {
    return this.client.llen(this.keys.queue(queue));
  }

  /** Sizes of several queues, in one round trip. */
  async sizes(queues: readonly string[]): Promise<number[]> {
    return Promise.all(queues.map((queue) => this.client.llen(this.keys.queue(queue))));
  }

  peek(queue: string, start: number, count: number): Promise<string[]> {
    if (count <= 0) return Promise.resolve([]);
    return this.client.lrange(this.keys.queue(queue), start, start + count - 1);
  }

  /** The next jobs after one read earlier (or from the head), wherever the queue moved since. */
  after(queue: string, anchor: ListRef | undefined, count: number): Promise<ListChunk> {
    return readAfter(this.client, this.keys.queue(queue), anchor, count);
  }

  async names(): Promise<string[]> {
    return (await this.client.smembers(this.keys.queues)).sort();
  }

  /** Forgets a queue and drops its jobs (Resque.remove_queue). Returns how many jobs were dropped. */
  async remove(queue: string): Promise<number> {
    return (await runScript(this.client, "removeQueue", [this.keys.queues, this.keys.queue(queue)], [queue])) as number;
  }

  /** Drops every job of a queue, which stays listed. Returns how many jobs were dropped. */
  async clear(queue: string): Promise<number> {
    const replies = await this.client.multi().llen(this.keys.queue(queue)).unlink(this.keys.queue(queue)).exec();
    return Number(replies?.[0]?.[1] ?? 0);
  }

  /**
   * Removes the jobs named by position and exact bytes (see list-refs.lua); jobs taken meanwhile
   * are left alone. Returns how many were removed.
   */
  async removeItems(queue: string, refs: readonly ListRef[]): Promise<number> {
    if (refs.length === 0) return 0;
    return (await runScript(this.client, "removeJobs", [this.keys.queue(queue)], [sentinel(), windowFor(refs), ...flatRefs(refs)])) as number;
  }

  /** Moves the jobs named by position and bytes to the back of `to`, in order. Returns how many moved. */
  async moveItems(queue: string, to: string, refs: readonly ListRef[]): Promise<number> {
    if (refs.length === 0) return 0;
    const keys = [this.keys.queue(queue), this.keys.queue(to), this.keys.queues];
    return (await runScript(this.client, "moveJobs", keys, [sentinel(), windowFor(refs), to, this.keys.wakeupChannel, ...flatRefs(refs)])) as number;
  }

  /** Replaces one job in place. Returns its position now, or undefined when it is gone. */
  async replaceItem(queue: string, ref: ListRef, payload: string): Promise<number | undefined> {
    const at = (await runScript(this.client, "editJob", [this.keys.queue(queue)], [refText(ref), ref.raw, payload, REF_WINDOW])) as number;
    return at < 0 ? undefined : at;
  }
}
