/**
 * Moving a queue's waiting jobs from one shard to another (src/shards/move-queue.ts). No script
 * can span two shards, so a batch goes in three calls, each atomic on its shard: staged on the
 * source (off the queue, into a staging list under a token), pushed to the destination (recorded
 * there by its token, so a second push of the same batch does nothing), cleared on the source.
 * A stop between any two calls leaves the batch staged, and the next move finishes it first.
 */
import type { RedisClient } from "../connection.js";
import type { Keys } from "../keys.js";
import { defineScripts } from "../scripts/load.js";

/** How long the destination remembers a pushed batch: far longer than any move takes to resume. */
const MARKER_SECONDS = 7 * 24 * 3600;

type BufferScript = (numberOfKeys: number, ...keysAndArgs: (string | number | Buffer)[]) => Promise<unknown>;

/** A script call that keeps payloads as bytes (a job need not be UTF-8). */
function runBytes(client: RedisClient, name: string, keys: string[], args: (string | number | Buffer)[]): Promise<unknown> {
  defineScripts(client);
  const call = (client as unknown as Record<string, BufferScript>)[`resque_${name}Buffer`];
  if (!call) throw new Error(`resque-ts: unknown Lua script ${name}`);
  return call.call(client, keys.length, ...keys, ...args);
}

/** A staged batch: its token and payloads, in queue order. */
export interface StagedBatch {
  token: string;
  payloads: Buffer[];
}

export class ShardMoveStore {
  constructor(
    readonly client: RedisClient,
    readonly keys: Keys,
  ) {}

  #staging(queue: string): string {
    return `${this.keys.prefix}resque-ts:moving:${queue}`;
  }

  /** On the source: the batch staged already, else up to `size` jobs from the front of the queue (undefined: none left). */
  async stage(queue: string, size: number, token: string): Promise<StagedBatch | undefined> {
    const staging = this.#staging(queue);
    const reply = (await runBytes(this.client, "shardMoveStage", [this.keys.queue(queue), staging, `${staging}:token`], [size, token])) as Buffer[];
    if (reply.length === 0) return undefined;
    return { token: reply[0]!.toString(), payloads: reply.slice(1) };
  }

  /** On the destination: appends the batch to the queue unless this token was pushed before; returns how many were pushed. */
  async push(queue: string, batch: StagedBatch): Promise<number> {
    const marker = `${this.keys.prefix}resque-ts:moved:${batch.token}`;
    const pushed = await runBytes(this.client, "shardMovePush", [this.keys.queue(queue), this.keys.queues, marker], [queue, MARKER_SECONDS, this.keys.wakeupChannel, ...batch.payloads]);
    return Number(pushed);
  }

  /** On the source: drops the batch of this token from staging. */
  async clear(queue: string, token: string): Promise<boolean> {
    const staging = this.#staging(queue);
    return Number(await runBytes(this.client, "shardMoveClear", [staging, `${staging}:token`], [token])) === 1;
  }

  /** On the source: how many jobs are staged (a move that stopped half-way). */
  staged(queue: string): Promise<number> {
    return this.client.llen(this.#staging(queue));
  }
}
