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

/** A staged batch of delayed items: its token, the (due time, item) pairs, and where the scan stands. */
export interface StagedDelayed {
  token: string;
  items: { at: string; item: Buffer }[];
  /** Where the next scan starts (after the last score scanned). */
  cursor: string;
  /** The schedule was scanned to its end. */
  finished: boolean;
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

  #stagingDelayed(queue: string): string {
    return `${this.keys.prefix}resque-ts:moving-delayed:${queue}`;
  }

  /**
   * On the source: the delayed batch staged already, else the queue's items at the next `times`
   * due times of the schedule from `cursor` ("-inf" to start, then the cursor the last call returned).
   */
  async stageDelayed(queue: string, cursor: string, times: number, token: string): Promise<StagedDelayed> {
    const staging = this.#stagingDelayed(queue);
    const reply = (await runBytes(this.client, "shardMoveDelayedStage", [this.keys.delayedSchedule, staging, `${staging}:token`], [this.keys.prefix, queue, token, cursor, times])) as Buffer[];
    const items: { at: string; item: Buffer }[] = [];
    for (let i = 3; i + 1 < reply.length; i += 2) items.push({ at: reply[i]!.toString(), item: reply[i + 1]! });
    return { token: reply[0]!.toString(), cursor: reply[1]!.toString(), finished: reply[2]!.toString() === "1", items };
  }

  /** On the destination: puts the items in the schedule at their due times unless this token was pushed before; returns how many. */
  async pushDelayed(batch: StagedDelayed): Promise<number> {
    const marker = `${this.keys.prefix}resque-ts:moved:${batch.token}`;
    const pairs = batch.items.flatMap(({ at, item }) => [at, item]);
    return Number(await runBytes(this.client, "shardMoveDelayedPush", [this.keys.delayedSchedule, marker], [this.keys.prefix, MARKER_SECONDS, this.keys.schedulerWakeupChannel, ...pairs]));
  }

  /** On the source: drops the delayed batch of this token from staging. */
  async clearDelayed(queue: string, token: string): Promise<boolean> {
    const staging = this.#stagingDelayed(queue);
    return Number(await runBytes(this.client, "shardMoveClear", [staging, `${staging}:token`], [token])) === 1;
  }

  /** On the source: how many jobs are staged (a move that stopped half-way). */
  staged(queue: string): Promise<number> {
    return this.client.llen(this.#staging(queue));
  }
}
