/**
 * The stats history and job durations of one worker process, counted in memory and flushed to
 * Redis in one call every few seconds and when the worker stops (docs/redis-layout.md). Writing
 * them in every work cycle cost 4 commands or more per cycle, more than the job itself at
 * concurrency 1. A graceful stop flushes everything; a crash loses at most the counts of the last
 * flush interval.
 */
import type { Logger } from "../logger.js";
import { DURATION_BUCKETS_SECONDS, durationBucket, type HistoryRetention } from "../redis/history-format.js";
import type { HistoryCounts, HistoryStore } from "../redis/stores/history-store.js";

/** How often a worker process flushes its counts. */
export const HISTORY_FLUSH_MS = 2000;

const BUCKETS = DURATION_BUCKETS_SECONDS.length;

/** [processed, failed] of one queue and class in one minute. */
type Pair = [number, number];

export class StatsHistory {
  /** minute start (unix seconds) → queue → class → counts */
  #minutes = new Map<number, Map<string, Map<string, Pair>>>();
  /** class → counts per bucket, then the sum of milliseconds at index BUCKETS */
  #durations = new Map<string, number[]>();
  #empty = true;
  /** A flush that failed; sent again, with its token, before newer counts. */
  #unsent: { token: string; counts: HistoryCounts } | undefined;
  #flushes = 0;
  #flushing: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #failing = false;
  /** The entry counted last: jobs in a row of the same minute, queue and class skip the lookups. */
  #last: { minute: number; queue: string; className: string; pair: Pair; durations: number[] } | undefined;

  constructor(
    private readonly store: HistoryStore,
    private readonly processToken: string,
    private readonly retention: HistoryRetention,
    private readonly logger: Logger,
  ) {}

  /** Counts a recorded outcome (done or failed) in the minute `now` (unix seconds) falls in. */
  count(now: number, queue: string, className: string, failed: boolean, durationMs: number): void {
    const minute = now - (now % 60);
    const last = this.#last;
    if (last && last.minute === minute && last.queue === queue && last.className === className) {
      last.pair[0]++;
      if (failed) last.pair[1]++;
      last.durations[durationBucket(durationMs)]!++;
      last.durations[BUCKETS]! += Math.round(durationMs);
      this.#counted();
      return;
    }
    let queues = this.#minutes.get(minute);
    if (!queues) this.#minutes.set(minute, (queues = new Map()));
    let classes = queues.get(queue);
    if (!classes) queues.set(queue, (classes = new Map()));
    let pair = classes.get(className);
    if (!pair) classes.set(className, (pair = [0, 0]));
    pair[0]++;
    if (failed) pair[1]++;
    let durations = this.#durations.get(className);
    if (!durations) this.#durations.set(className, (durations = new Array<number>(BUCKETS + 1).fill(0)));
    durations[durationBucket(durationMs)]!++;
    durations[BUCKETS]! += Math.round(durationMs);
    this.#last = { minute, queue, className, pair, durations };
    this.#counted();
  }

  #counted(): void {
    this.#empty = false;
    if (this.#timer === undefined && !this.#stopped) this.#arm();
  }

  /**
   * Flushes HISTORY_FLUSH_MS after the first count since the last flush (and again after a failed
   * flush), so an idle worker sets no timer at all.
   */
  #arm(): void {
    this.#timer = setTimeout(() => {
      const flushed = this.#flushing ?? this.flush();
      void flushed
        .catch(() => {})
        .then(() => {
          this.#timer = undefined;
          if ((!this.#empty || this.#unsent) && !this.#stopped) this.#arm();
        });
    }, HISTORY_FLUSH_MS);
    this.#timer.unref();
  }

  /** Stops the timer and flushes what is counted. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.flush();
  }

  /**
   * Writes what is counted so far (one call, two after a failed flush). Flushes never overlap: a
   * flush asked for while one runs follows it.
   */
  flush(): Promise<void> {
    const previous = this.#flushing ?? Promise.resolve();
    const run = previous.catch(() => {}).then(() => this.#send());
    const settled = run.then(
      () => {},
      () => {},
    );
    this.#flushing = settled;
    void settled.then(() => {
      if (this.#flushing === settled) this.#flushing = undefined;
    });
    return run;
  }

  async #send(): Promise<void> {
    try {
      if (this.#unsent) {
        await this.store.flush(this.processToken, this.#unsent.token, this.retention, this.#unsent.counts);
        this.#unsent = undefined;
      }
      const counts = this.#take();
      if (counts) {
        // Kept until applied: a failed flush is sent again with the same token, and the script
        // ignores a token it has applied already, so counts are neither lost nor added twice.
        this.#unsent = { token: `${this.processToken}-h${++this.#flushes}`, counts };
        await this.store.flush(this.processToken, this.#unsent.token, this.retention, counts);
        this.#unsent = undefined;
      }
      if (this.#failing) this.logger.info("stats history written again");
      this.#failing = false;
    } catch (error) {
      if (!this.#failing) this.logger.warn({ err: error }, "could not write the stats history; retrying at the next flush");
      this.#failing = true;
      throw error;
    }
  }

  /** The counts so far, in the store's shape, and a fresh start; undefined when there are none. */
  #take(): HistoryCounts | undefined {
    if (this.#empty) return undefined;
    const counts: HistoryCounts = { history: [], durations: [] };
    for (const [minute, queues] of this.#minutes) {
      for (const [queue, classes] of queues) {
        for (const [className, [processed, failed]] of classes) {
          counts.history.push({ minute, kind: "p", queue, className, count: processed });
          if (failed > 0) counts.history.push({ minute, kind: "f", queue, className, count: failed });
        }
      }
    }
    for (const [className, buckets] of this.#durations) {
      for (let b = 0; b < BUCKETS; b++) if (buckets[b]! > 0) counts.durations.push({ className, bucket: b, count: buckets[b]! });
      counts.durations.push({ className, bucket: "sum", count: buckets[BUCKETS]! });
    }
    this.#minutes = new Map();
    this.#durations = new Map();
    this.#last = undefined;
    this.#empty = true;
    return counts;
  }
}
