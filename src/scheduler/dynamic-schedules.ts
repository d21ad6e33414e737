/**
 * Dynamic schedules, stored in Redis in resque-scheduler's format (≥ 4.2): `persistent_schedules`
 * (name → config JSON) and `schedules_changed`, which the leading scheduler (Ruby's or ours,
 * with dynamic schedules on) reloads live. Also the run records the dashboard shows.
 */
import type { ScheduleStore } from "../redis/stores/schedule-store.js";
import { parseResqueTime } from "../redis/time-formats.js";
import { dateOfTimestamp } from "./delayed-time.js";
import type { ScheduleConfig } from "./schedule.js";
import { parseSchedule, type ScheduleContext } from "./schedule-config.js";

/** What is recorded about a schedule's runs. */
export interface ScheduleRuns {
  /** The slot it last fired for (recorded by this library's scheduler). */
  lastRun?: Date;
  /** The slot the leading scheduler expects to fire next. */
  nextRun?: Date;
  /** When it last fired, as any resque-scheduler records it (delayed:last_enqueued_at). */
  lastEnqueuedAt?: Date;
}

export class DynamicSchedules {
  constructor(
    private readonly store: ScheduleStore,
    private readonly context: ScheduleContext,
  ) {}

  /**
   * Creates or replaces a schedule after validating it (throws ScheduleConfigError). The config is
   * stored as given, without `persist`, so Ruby's resque-scheduler reads it too.
   */
  async set(name: string, config: ScheduleConfig): Promise<void> {
    parseSchedule(name, config, this.context);
    const { persist: _persist, ...stored } = config;
    await this.store.setPersistent(name, JSON.stringify(stored));
  }

  /** Deletes a schedule. Returns whether it existed. */
  remove(name: string): Promise<boolean> {
    return this.store.removePersistent(name);
  }

  /** Every dynamic schedule's config; entries whose JSON cannot be read are left out. */
  async all(): Promise<Record<string, ScheduleConfig>> {
    const result: Record<string, ScheduleConfig> = {};
    for (const [name, json] of Object.entries(await this.store.allPersistent())) {
      try {
        result[name] = JSON.parse(json) as ScheduleConfig;
      } catch {
        // written by something else and unreadable; the scheduler logs it when loading
      }
    }
    return result;
  }

  /** Run records of every schedule that has any, by name. */
  async runs(): Promise<Map<string, ScheduleRuns>> {
    const [last, next, enqueued] = await Promise.all([this.store.lastRuns(), this.store.nextRuns(), this.store.lastEnqueuedAt()]);
    const runs = new Map<string, ScheduleRuns>();
    const entry = (name: string) => runs.get(name) ?? runs.set(name, {}).get(name)!;
    for (const [name, slot] of last) entry(name).lastRun = dateOfTimestamp(slot);
    for (const [name, slot] of next) entry(name).nextRun = dateOfTimestamp(slot);
    for (const [name, text] of Object.entries(enqueued)) {
      const at = parseResqueTime(text);
      if (at) entry(name).lastEnqueuedAt = at;
    }
    return runs;
  }
}
