/**
 * Recurring schedules: dynamic schedules in resque-scheduler's format (`persistent_schedules`,
 * `schedules_changed`), firing a due slot at most once, and the last/next-run records.
 */
import type { RedisClient } from "../connection.js";
import type { Keys } from "../keys.js";
import { runScript } from "../scripts/load.js";

export interface Firing {
  name: string;
  /** Unix seconds of the due slot. */
  slot: number;
  /** Unix seconds of the slot after it, recorded for the dashboard; undefined when none. */
  nextSlot: number | undefined;
  queue: string;
  /** Queue payload, `{"class","args"}`. */
  payload: string;
}

/** What all slots fired in one pass share. */
export interface FiringCommon {
  /** The fire time in Ruby's Time#to_s form, for delayed:last_enqueued_at. */
  firedAt: string;
  /** Seconds the per-slot fired marker lives. */
  markerTtl: number;
}

export type FireOutcome = "fired" | "fired-already" | "disabled";

/** Slots per script call: bounds the keys and arguments of one call (and how long it holds Redis). */
const FIRE_BATCH = 500;

export class ScheduleStore {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: Keys,
  ) {}

  /** Stores a dynamic schedule's config JSON and flags it changed. */
  async setPersistent(name: string, configJson: string): Promise<void> {
    await runScript(
      this.client,
      "setSchedule",
      [this.keys.persistentSchedules, this.keys.schedulesChanged],
      [name, configJson, this.keys.schedulerWakeupChannel],
    );
  }

  /** Deletes a dynamic schedule and flags it changed. Returns whether it existed. */
  async removePersistent(name: string): Promise<boolean> {
    const reply = await runScript(
      this.client,
      "removeSchedule",
      [this.keys.persistentSchedules, this.keys.schedulesChanged],
      [name, this.keys.schedulerWakeupChannel],
    );
    return reply === 1;
  }

  /** name → config JSON of every dynamic schedule. */
  allPersistent(): Promise<Record<string, string>> {
    return this.client.hgetall(this.keys.persistentSchedules);
  }

  /** Takes the names flagged changed (resque-scheduler's leader SPOPs them the same way). */
  async takeChanged(): Promise<string[]> {
    const count = await this.client.scard(this.keys.schedulesChanged);
    if (count === 0) return [];
    return this.client.spop(this.keys.schedulesChanged, count);
  }

  /** Forgets all changes flagged so far (after loading every schedule afresh). */
  async clearChanged(): Promise<void> {
    await this.client.del(this.keys.schedulesChanged);
  }

  /**
   * Enqueues one due slot unless it fired already or an operator disabled the schedule.
   * Returns what happened.
   */
  /**
   * Fires due slots (of any schedules; slots of one schedule in order), each at most once, in
   * one script call per FIRE_BATCH slots. Returns one outcome per slot, in order.
   */
  async fire(firings: readonly Firing[], common: FiringCommon): Promise<FireOutcome[]> {
    const outcomes: FireOutcome[] = [];
    for (let start = 0; start < firings.length; start += FIRE_BATCH) {
      const batch = firings.slice(start, start + FIRE_BATCH);
      const keys = [this.keys.scheduleLastRun, this.keys.scheduleNextRun, this.keys.lastEnqueuedAt, this.keys.queues, this.keys.disabledSchedules];
      const args: (string | number)[] = [common.markerTtl, common.firedAt, this.keys.wakeupChannel];
      for (const firing of batch) {
        keys.push(this.keys.scheduleFired(firing.name, firing.slot), this.keys.queue(firing.queue));
        args.push(firing.name, firing.slot, firing.nextSlot ?? "", firing.queue, firing.payload);
      }
      const reply = (await runScript(this.client, "fireSchedules", keys, args)) as number[];
      for (const code of reply) outcomes.push(code === 1 ? "fired" : code === 2 ? "disabled" : "fired-already");
    }
    return outcomes;
  }

  /** Names of the schedules an operator has disabled. */
  async disabled(): Promise<Set<string>> {
    return new Set(await this.client.hkeys(this.keys.disabledSchedules));
  }

  /** Disables (the scheduler skips its slots) or re-enables a schedule. */
  async setDisabled(name: string, disabled: boolean): Promise<void> {
    if (disabled) await this.client.hset(this.keys.disabledSchedules, name, "1");
    else await this.client.hdel(this.keys.disabledSchedules, name);
  }

  /** Replaces the published copy of the leader's effective schedule (name → JSON). */
  async publish(entries: ReadonlyMap<string, string>): Promise<void> {
    await runScript(this.client, "publishSchedules", [this.keys.publishedSchedules], [...entries].flat());
  }

  /** The published effective schedule, name → JSON. */
  published(): Promise<Record<string, string>> {
    return this.client.hgetall(this.keys.publishedSchedules);
  }

  /** One dynamic schedule's config JSON, or null. */
  persistent(name: string): Promise<string | null> {
    return this.client.hget(this.keys.persistentSchedules, name);
  }

  /** name → unix seconds of the last slot fired. */
  async lastRuns(): Promise<Map<string, number>> {
    return numbers(await this.client.hgetall(this.keys.scheduleLastRun));
  }

  /** name → unix seconds of the next slot expected. */
  async nextRuns(): Promise<Map<string, number>> {
    return numbers(await this.client.hgetall(this.keys.scheduleNextRun));
  }

  /** name → Ruby Time#to_s of the last fire, as resque-scheduler records it. */
  lastEnqueuedAt(): Promise<Record<string, string>> {
    return this.client.hgetall(this.keys.lastEnqueuedAt);
  }

  async recordNextRuns(next: ReadonlyMap<string, number>): Promise<void> {
    if (next.size === 0) return;
    await this.client.hset(this.keys.scheduleNextRun, Object.fromEntries(next));
  }

  /** Drops the run records of schedules that no longer exist. */
  async forgetRuns(names: readonly string[]): Promise<void> {
    if (names.length === 0) return;
    await Promise.all([this.client.hdel(this.keys.scheduleLastRun, ...names), this.client.hdel(this.keys.scheduleNextRun, ...names)]);
  }
}

function numbers(record: Record<string, string>): Map<string, number> {
  const result = new Map<string, number>();
  for (const [name, value] of Object.entries(record)) {
    const n = Number(value);
    if (Number.isFinite(n)) result.set(name, n);
  }
  return result;
}
