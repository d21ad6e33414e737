/**
 * Delayed jobs in resque-scheduler's layout: the `delayed_queue_schedule` zset of due times,
 * `delayed:<ts>` lists of `{"class","args","queue"}` items and the `timestamps:<item>` index.
 * Times are whole unix seconds, as Redis stores them.
 */
import { closeClient, duplicateClient, type RedisClient } from "../connection.js";
import type { Keys } from "../keys.js";
import { runScript } from "../scripts/load.js";

/** What one promotion call did. */
export interface PromotionResult {
  /** Items moved onto their queues. */
  moved: number;
  /** Items that could not be enqueued and became `failed` entries. */
  failed: number;
  /** The batch was full: call again, more items may be due. */
  more: boolean;
  /** zset members dropped because they were not timestamps of delayed lists. */
  dropped: number;
}

export interface PromotionOptions {
  /** Unix seconds: items due at or before this time move. */
  now: number;
  /** Most items to move in one call (one Lua script run). */
  batchSize: number;
  /** class name → queue of registered jobs, for items that carry no queue. */
  queueOfClass: ReadonlyMap<string, string>;
  /** failed_at and worker fields for items that cannot be enqueued. */
  failedAt: string;
  workerId: string;
}

/** A delayed item and the time it is due. */
export interface StoredDelayedItem {
  timestamp: number;
  raw: string;
}

/** Timestamps read per round when scanning every delayed item. */
const SCAN_TIMESTAMPS = 100;

export class DelayedStore {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: Keys,
  ) {}

  /**
   * Puts already-encoded delayed items (`{"class","args","queue"}` JSON, see
   * src/scheduler/delayed-item.ts) at unix second `timestamp`, atomically with their index
   * entries. This is also the entry point for plugins (retry) that delay a job they hold encoded.
   */
  async push(timestamp: number, items: readonly string[]): Promise<void> {
    if (items.length === 0) return;
    const keys = [this.keys.delayedSchedule, this.keys.delayed(timestamp), ...items.map((item) => this.keys.timestamps(item))];
    await runScript(this.client, "scheduleDelayed", keys, [timestamp, this.keys.schedulerWakeupChannel, ...items]);
  }

  /** Moves due items onto their queues: one batch, one script run. */
  async promoteDue(options: PromotionOptions): Promise<PromotionResult> {
    const classQueues = [...options.queueOfClass].flat();
    const reply = (await runScript(
      this.client,
      "promoteDueJobs",
      [this.keys.delayedSchedule, this.keys.queues, this.keys.failed, this.keys.failedCount],
      [
        this.keys.prefix,
        options.now,
        options.batchSize,
        this.keys.wakeupChannel,
        options.failedAt,
        options.workerId,
        options.queueOfClass.size,
        ...classQueues,
      ],
    )) as [number, number, number, number];
    return { moved: reply[0], failed: reply[1], more: reply[2] === 1, dropped: reply[3] };
  }

  /** Removes every copy of these encoded items, wherever scheduled. Returns how many were removed. */
  async remove(items: readonly string[]): Promise<number> {
    const keys = [this.keys.delayedSchedule, ...items.map((item) => this.keys.timestamps(item))];
    return (await runScript(this.client, "removeDelayed", keys, [this.keys.prefix, ...items])) as number;
  }

  /** Removes items found at known times (every copy in that time's list). Returns how many. */
  async removeAt(found: readonly StoredDelayedItem[]): Promise<number> {
    if (found.length === 0) return 0;
    const args = found.flatMap((item) => [item.timestamp, item.raw]);
    return (await runScript(this.client, "removeDelayedItems", [this.keys.delayedSchedule], [this.keys.prefix, ...args])) as number;
  }

  /** Moves every copy of these items to unix second `timestamp`. Returns how many moved. */
  moveTo(timestamp: number, items: readonly string[]): Promise<number> {
    return this.#move(items, "at", timestamp, this.keys.schedulerWakeupChannel);
  }

  /** Takes every copy of these items out of the schedule and onto their queues. Returns how many. */
  enqueueNow(items: readonly string[]): Promise<number> {
    return this.#move(items, "now", "", this.keys.wakeupChannel);
  }

  async #move(items: readonly string[], mode: "at" | "now", timestamp: number | "", channel: string): Promise<number> {
    const keys = [this.keys.delayedSchedule, this.keys.queues, ...items.map((item) => this.keys.timestamps(item))];
    return (await runScript(this.client, "moveDelayed", keys, [this.keys.prefix, mode, timestamp, channel, ...items])) as number;
  }

  /** Due times from position `start` (0 = earliest), at most `count` (all when omitted). */
  async timestamps(start = 0, count?: number): Promise<number[]> {
    const stop = count === undefined ? -1 : start + count - 1;
    if (count !== undefined && count <= 0) return [];
    const members = await this.client.zrange(this.keys.delayedSchedule, start, stop);
    return members.map(Number).filter(Number.isFinite);
  }

  /** The earliest due time, or undefined when nothing is delayed. */
  async earliest(): Promise<number | undefined> {
    const [member, score] = await this.client.zrange(this.keys.delayedSchedule, 0, 0, "WITHSCORES");
    return member === undefined ? undefined : Number(score);
  }

  /** Number of distinct due times (resque-scheduler's delayed_queue_schedule_size). */
  scheduleSize(): Promise<number> {
    return this.client.zcard(this.keys.delayedSchedule);
  }

  /** Number of delayed items at all times (count_all_scheduled_jobs). */
  async countAll(): Promise<number> {
    return (await runScript(this.client, "countDelayed", [this.keys.delayedSchedule], [this.keys.prefix])) as number;
  }

  timestampSize(timestamp: number): Promise<number> {
    return this.client.llen(this.keys.delayed(timestamp));
  }

  timestampPeek(timestamp: number, start: number, count: number): Promise<string[]> {
    if (count <= 0) return Promise.resolve([]);
    return this.client.lrange(this.keys.delayed(timestamp), start, start + count - 1);
  }

  /** Due times of every copy of these encoded items (via the timestamps index), sorted, with repeats removed. */
  async scheduledAt(items: readonly string[]): Promise<number[]> {
    const members = await Promise.all(items.map((item) => this.client.smembers(this.keys.timestamps(item))));
    const times = new Set<number>();
    for (const member of members.flat()) {
      const match = /^delayed:(-?\d+)$/.exec(member);
      if (match) times.add(Number(match[1]));
    }
    return [...times].sort((a, b) => a - b);
  }

  /**
   * Every delayed item, earliest first, a hundred times at a time (like resque-scheduler's
   * find_delayed_selection: not one snapshot while producers keep writing). Pages by score, so
   * times removed meanwhile never make it skip others.
   */
  async *scan(): AsyncGenerator<StoredDelayedItem> {
    let after = "-inf";
    for (;;) {
      const members = await this.client.zrangebyscore(this.keys.delayedSchedule, after, "+inf", "LIMIT", 0, SCAN_TIMESTAMPS);
      const timestamps = members.map(Number).filter(Number.isFinite);
      const lists = await Promise.all(timestamps.map((ts) => this.client.lrange(this.keys.delayed(ts), 0, -1)));
      for (let i = 0; i < timestamps.length; i++) {
        for (const raw of lists[i]!) yield { timestamp: timestamps[i]!, raw };
      }
      if (members.length < SCAN_TIMESTAMPS) return;
      after = `(${members[members.length - 1]}`;
    }
  }

  /**
   * Calls `onWake(message)` when a delayed time earlier than any known is added, or a dynamic
   * schedule changes. Uses its own connection; returns a function that closes it.
   */
  async subscribeSchedulerWakeups(onWake: (message: string) => void): Promise<() => Promise<void>> {
    const subscriber = duplicateClient(this.client);
    subscriber.on("error", () => {}); // reconnects and resubscribes on its own
    subscriber.on("message", (_channel: string, message: string) => onWake(message));
    await subscriber.subscribe(this.keys.schedulerWakeupChannel);
    return () => closeClient(subscriber);
  }
}
