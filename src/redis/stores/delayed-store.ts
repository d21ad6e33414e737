/**
 * Delayed jobs in resque-scheduler's layout: the `delayed_queue_schedule` zset of due times,
 * `delayed:<ts>` lists of `{"class","args","queue"}` items and the `timestamps:<item>` index.
 * Times are whole unix seconds, as Redis stores them.
 */
import { closeClient, duplicateClient, type RedisClient } from "../connection.js";
import type { Keys } from "../keys.js";
import type { DelayPrecision } from "../../scheduler/delayed-time.js";
import { runScript } from "../scripts/load.js";
import { readAfter, type ListChunk, type ListRef } from "./list-refs.js";

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
/** Items read per call from one time's list when scanning. */
const SCAN_LIST_PAGE = 1000;
/** Timestamps counted per script call. */
const COUNT_TIMESTAMPS = 500;

/** `copies` of a delayed item to take from its time's list (0 = every copy there). */
export interface DelayedChange extends StoredDelayedItem {
  copies: number;
}

export type DelayedChangeMode = { mode: "remove" } | { mode: "now" } | { mode: "at"; timestamp: number };

/** What a failed entry records for items that cannot be enqueued. */
export interface FailureFields {
  failedAt: string;
  workerId: string;
  /** class name → queue of registered jobs, for items that carry no queue. */
  queueOfClass?: ReadonlyMap<string, string>;
}

export class DelayedStore {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: Keys,
    /** How this instance stores the due times it writes (ResqueOptions.delayPrecision). */
    readonly precision: DelayPrecision = "seconds",
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

  /**
   * Removes, enqueues now or reschedules items found at known times (`copies` of each at its time;
   * 0 = every copy there). Items that cannot be enqueued become failed entries. Returns the copies
   * acted on and how many of those failed.
   */
  async changeAt(items: readonly DelayedChange[], change: DelayedChangeMode, failure: FailureFields): Promise<{ changed: number; failed: number }> {
    if (items.length === 0) return { changed: 0, failed: 0 };
    const classQueues = [...(failure.queueOfClass ?? new Map<string, string>())];
    const args: (string | number)[] = [
      this.keys.prefix,
      change.mode,
      change.mode === "at" ? change.timestamp : "",
      this.keys.schedulerWakeupChannel,
      this.keys.wakeupChannel,
      failure.failedAt,
      failure.workerId,
      classQueues.length,
      ...classQueues.flat(),
    ];
    for (const item of items) args.push(item.timestamp, item.raw, item.copies);
    const keys = [this.keys.delayedSchedule, this.keys.queues, this.keys.failed, this.keys.failedCount];
    const [changed, failed] = (await runScript(this.client, "changeDelayedItems", keys, args)) as [number, number];
    return { changed, failed };
  }

  /** Moves every copy of these items to unix second `timestamp`. Returns how many moved. */
  async moveTo(timestamp: number, items: readonly string[]): Promise<number> {
    return (await this.#move(items, "at", timestamp, this.keys.schedulerWakeupChannel, { failedAt: "", workerId: "" })).moved;
  }

  /**
   * Takes every copy of these items out of the schedule and onto their queues; an item that names
   * no queue becomes a failed entry. Returns how many went to queues and how many failed.
   */
  enqueueNow(items: readonly string[], failure: FailureFields): Promise<{ moved: number; failed: number }> {
    return this.#move(items, "now", "", this.keys.wakeupChannel, failure);
  }

  async #move(items: readonly string[], mode: "at" | "now", timestamp: number | "", channel: string, failure: FailureFields): Promise<{ moved: number; failed: number }> {
    const keys = [this.keys.delayedSchedule, this.keys.queues, this.keys.failed, this.keys.failedCount, ...items.map((item) => this.keys.timestamps(item))];
    const args = [this.keys.prefix, mode, timestamp, channel, failure.failedAt, failure.workerId, ...items];
    const [moved, failed] = (await runScript(this.client, "moveDelayed", keys, args)) as [number, number];
    return { moved, failed };
  }

  /** Due times from position `start` (0 = earliest) with the number of items at each. */
  async timestampsWithSizes(start: number, count: number): Promise<{ timestamp: number; size: number }[]> {
    const timestamps = await this.timestamps(start, count);
    const sizes = await Promise.all(timestamps.map((ts) => this.client.llen(this.keys.delayed(ts))));
    return timestamps.map((timestamp, i) => ({ timestamp, size: sizes[i]! }));
  }

  /** Number of due times at or before unix second `now` (due but not yet moved). */
  dueCount(now: number): Promise<number> {
    return this.client.zcount(this.keys.delayedSchedule, "-inf", now);
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

  /** Number of delayed items at all times (count_all_scheduled_jobs), a page of due times per call. */
  async countAll(): Promise<number> {
    let total = 0;
    let after = "-inf";
    for (;;) {
      const [count, last, read] = (await runScript(this.client, "countDelayed", [this.keys.delayedSchedule], [this.keys.prefix, after, COUNT_TIMESTAMPS])) as [number, string, number];
      total += count;
      if (read < COUNT_TIMESTAMPS) return total;
      after = `(${last}`;
    }
  }

  timestampSize(timestamp: number): Promise<number> {
    return this.client.llen(this.keys.delayed(timestamp));
  }

  /** The next items of one time's list after one read earlier (or from its head). */
  timestampAfter(timestamp: number, anchor: ListRef | undefined, count: number): Promise<ListChunk> {
    return readAfter(this.client, this.keys.delayed(timestamp), anchor, count);
  }

  /** Due times from unix second `after` (exclusive; undefined = from the earliest), at most `count`. */
  async timestampsAfter(after: number | undefined, count: number, to?: number): Promise<number[]> {
    const members = await this.client.zrangebyscore(this.keys.delayedSchedule, after === undefined ? "-inf" : `(${after}`, to === undefined ? "+inf" : to, "LIMIT", 0, count);
    return members.map(Number).filter(Number.isFinite);
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
   * Every delayed item (due from `from` to `to`, unix seconds, when given), earliest first, a hundred times at a time (like resque-scheduler's
   * find_delayed_selection: not one snapshot while producers keep writing). Pages by score, so
   * times removed meanwhile never make it skip others.
   */
  async *scan(from: number | undefined = undefined, to: number | undefined = undefined): AsyncGenerator<StoredDelayedItem> {
    let after = from === undefined ? "-inf" : String(from);
    const last = to === undefined ? "+inf" : String(to);
    for (;;) {
      const members = await this.client.zrangebyscore(this.keys.delayedSchedule, after, last, "LIMIT", 0, SCAN_TIMESTAMPS);
      const timestamps = members.map(Number).filter(Number.isFinite);
      const lists = await Promise.all(timestamps.map((ts) => this.client.lrange(this.keys.delayed(ts), 0, SCAN_LIST_PAGE - 1)));
      for (let i = 0; i < timestamps.length; i++) {
        const timestamp = timestamps[i]!;
        for (const raw of lists[i]!) yield { timestamp, raw };
        // A time with many items (a burst delayed to one second) is read a page per call.
        for (let start = SCAN_LIST_PAGE; lists[i]!.length === SCAN_LIST_PAGE; start += SCAN_LIST_PAGE) {
          lists[i] = await this.client.lrange(this.keys.delayed(timestamp), start, start + SCAN_LIST_PAGE - 1);
          for (const raw of lists[i]!) yield { timestamp, raw };
        }
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
