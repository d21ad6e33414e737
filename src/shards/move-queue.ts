/**
 * Moves the waiting (and delayed) jobs of a queue from one shard to another (`resque shards move`), for step 3
 * of "Moving a queue between shards" in docs/sharding.md. Batch by batch: staged on the source,
 * pushed to the destination once (by the batch's token), cleared on the source
 * (src/redis/stores/shard-move-store.ts). A job is never lost and never on both queues: a move
 * that stops anywhere (crash, Redis error, Ctrl-C) leaves at most one batch staged on the source,
 * out of every queue, and the next move of that queue finishes that batch before taking more.
 * Workers may keep serving both shards meanwhile; the moved jobs go to the back of the
 * destination queue, in their order.
 */
import { randomBytes } from "node:crypto";
import type { DataStore } from "../redis/store.js";
import { ShardMoveStore } from "../redis/stores/shard-move-store.js";

export interface MoveQueueResult {
  /** Jobs appended to the destination queue by this move. */
  moved: number;
  /** Batches finished (including one a stopped move had left staged). */
  batches: number;
}

export interface MoveQueueOptions {
  /** Jobs per batch (default 500): one batch is out of every queue while it is being moved. */
  batchSize?: number;
  /** Called after each batch, e.g. for progress output. */
  onBatch?: (moved: number) => void;
}

/**
 * Moves the delayed items of a queue from one shard's schedule to another's, at their own due
 * times, with the same staging and once-only push as waiting jobs. An item the source's
 * scheduler promotes before the move reaches it becomes a waiting job on the source (so move
 * delayed items first, then waiting jobs).
 */
export async function moveDelayedJobs(from: DataStore, to: DataStore, queue: string, options: { timesPerBatch?: number } = {}): Promise<MoveQueueResult> {
  const times = options.timesPerBatch ?? 100;
  if (from.keys.prefix === to.keys.prefix) throw new RangeError(`The source and destination are the same namespace (${JSON.stringify(from.keys.prefix)}).`);
  const source = new ShardMoveStore(from.client, from.keys);
  const destination = new ShardMoveStore(to.client, to.keys);
  const result: MoveQueueResult = { moved: 0, batches: 0 };
  let cursor = "-inf";
  for (;;) {
    const batch = await source.stageDelayed(queue, cursor, times, randomBytes(12).toString("hex"));
    if (batch.items.length > 0) {
      result.moved += await destination.pushDelayed(batch);
      await source.clearDelayed(queue, batch.token);
      result.batches++;
    }
    if (batch.finished && batch.items.length === 0) return result;
    cursor = batch.cursor;
  }
}

export async function moveWaitingJobs(from: DataStore, to: DataStore, queue: string, options: MoveQueueOptions = {}): Promise<MoveQueueResult> {
  const batchSize = options.batchSize ?? 500;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`The batch size is a whole number of at least 1, got ${batchSize}.`);
  if (from.keys.prefix === to.keys.prefix) throw new RangeError(`The source and destination are the same namespace (${JSON.stringify(from.keys.prefix)}).`);
  const source = new ShardMoveStore(from.client, from.keys);
  const destination = new ShardMoveStore(to.client, to.keys);
  const result: MoveQueueResult = { moved: 0, batches: 0 };
  for (;;) {
    const batch = await source.stage(queue, batchSize, randomBytes(12).toString("hex"));
    if (!batch) return result;
    result.moved += await destination.push(queue, batch);
    await source.clear(queue, batch.token);
    result.batches++;
    options.onBatch?.(result.moved);
  }
}
