/**
 * The leader's side of recurring schedules: which schedules are active (from the file or code,
 * plus dynamic ones from Redis, which win by name), the cursor of each (the time up to which its
 * slots are dealt with), firing due slots, and the next-run records for the dashboard.
 * Cursors start from what Redis recorded, so a new leader carries on where the last one stopped.
 */
import type { Logger } from "../logger.js";
import type { Firing, ScheduleStore } from "../redis/stores/schedule-store.js";
import { parseResqueTime, rubyTimeToS } from "../redis/time-formats.js";
import { dueSlots } from "./missed-runs.js";
import type { Schedule, ScheduleConfig } from "./schedule.js";
import { loadsInEnv, parseSchedule, type ScheduleContext } from "./schedule-config.js";

export interface RecurringOptions {
  /** Schedules from the schedule file or code. */
  schedules: readonly Schedule[];
  /** Also run dynamic schedules from Redis, reloading changed ones live. */
  dynamic: boolean;
  context: ScheduleContext;
  /** How late a slot may be and still count as on time (ms). */
  graceMs: number;
  /** The most missed slots the "all" policy fires. */
  maxCatchUp: number;
  /** Seconds a slot's fired marker lives. */
  markerTtl: number;
  logger: Logger;
}

export interface FiredSlot {
  name: string;
  slot: Date;
  queue: string;
}

interface Cursor {
  /** Epoch ms: slots at or before it are dealt with. */
  at: number;
  /** The next-run slot last written to Redis (unix seconds). */
  recordedNext: number | undefined;
}

interface RunRecords {
  lastRun: Map<string, number>;
  nextRun: Map<string, number>;
  lastEnqueuedAt: Record<string, string>;
}

export class RecurringJobs {
  readonly #store: ScheduleStore;
  readonly #options: RecurringOptions;
  readonly #static: Map<string, Schedule>;
  readonly #dynamic = new Map<string, Schedule>();
  readonly #cursors = new Map<string, Cursor>();
  /** Dynamic entries already reported as invalid (name → JSON), so each is logged once. */
  readonly #reported = new Map<string, string>();
  /** Why each of those is invalid. */
  readonly #errors = new Map<string, string>();
  /** When this process loaded its schedules: first_in counts from it. */
  readonly #loadedAt: number;

  constructor(store: ScheduleStore, options: RecurringOptions, now: number) {
    this.#store = store;
    this.#options = options;
    this.#static = new Map(options.schedules.map((s) => [s.name, s]));
    this.#loadedAt = now;
  }

  /** The schedules in force, by name. */
  get active(): Map<string, Schedule> {
    return new Map([...this.#static, ...this.#dynamic]);
  }

  /** Becoming leader: loads dynamic schedules afresh and restarts every cursor from Redis' records. */
  async takeOver(now: number): Promise<void> {
    if (this.#options.dynamic) {
      await this.#store.takeChanged(); // everything is read below; later changes are flagged again
      this.#dynamic.clear();
      this.#reported.clear();
      this.#errors.clear();
      for (const [name, json] of Object.entries(await this.#store.allPersistent())) this.#loadDynamic(name, json);
    }
    this.#cursors.clear();
    const records = await this.#records();
    for (const schedule of this.active.values()) this.#cursors.set(schedule.name, this.#startCursor(schedule, records, now));
    await this.#publish();
  }

  /** Applies dynamic schedules changed since the last pass (resque-scheduler's update_schedule). */
  async applyChanges(now: number): Promise<void> {
    if (!this.#options.dynamic) return;
    const changed = await this.#store.takeChanged();
    if (changed.length === 0) return;
    const stored = await this.#store.allPersistent();
    const before = this.active;
    for (const name of changed) {
      this.#dynamic.delete(name);
      const json = stored[name];
      if (json !== undefined) {
        this.#loadDynamic(name, json);
      } else {
        this.#reported.delete(name);
        this.#errors.delete(name);
      }
    }
    const after = this.active;
    const gone = changed.filter((name) => !after.has(name));
    for (const name of gone) this.#cursors.delete(name);
    await this.#store.forgetRuns(gone);
    const records = await this.#records();
    for (const name of changed) {
      const schedule = after.get(name);
      // A schedule that only changed keeps its cursor, so editing it does not re-fire a slot.
      if (schedule && !before.has(name)) this.#cursors.set(name, this.#startCursor(schedule, records, now));
    }
    await this.#publish();
    this.#options.logger.info({ changed, removed: gone }, "dynamic schedules reloaded");
  }

  /**
   * Publishes the effective schedule (what this leader runs, plus dynamic entries it cannot run
   * and why), so the admin API on any host can list schedules from files it never loaded.
   */
  async #publish(): Promise<void> {
    const entries = new Map<string, string>();
    for (const schedule of this.#static.values()) entries.set(schedule.name, publishedSchedule(schedule, "static"));
    for (const [name, json] of this.#reported) entries.set(name, JSON.stringify({ source: "dynamic", config: parseOrText(json), error: this.#errors.get(name) }));
    for (const schedule of this.#dynamic.values()) entries.set(schedule.name, publishedSchedule(schedule, "dynamic"));
    await this.#store.publish(entries);
  }

  /**
   * Fires every due slot of every enabled schedule; `onFired` hears of each slot enqueued here.
   * The slots of all schedules go to Redis together, a few hundred per script call.
   */
  async fireDue(now: number, onFired: (fired: FiredSlot) => void): Promise<void> {
    const { graceMs, maxCatchUp, markerTtl, logger } = this.#options;
    const firings: Firing[] = [];
    const owners: { schedule: Schedule; cursor: Cursor; slot: number; next: number | undefined }[] = [];
    for (const schedule of this.active.values()) {
      const cursor = this.#cursors.get(schedule.name);
      if (!cursor) continue;
      if (!schedule.enabled) {
        cursor.at = Math.max(cursor.at, now);
        continue;
      }
      const due = dueSlots(schedule.timing, cursor.at, now, graceMs, schedule.missed, maxCatchUp);
      if (due.lastMissed !== undefined) {
        logger.warn(
          { schedule: schedule.name, lastMissed: new Date(due.lastMissed), policy: schedule.missed, capped: due.capped },
          "schedule missed runs while no scheduler was running",
        );
      }
      if (due.fire.length === 0) {
        cursor.at = Math.max(cursor.at, now);
        continue;
      }
      for (const slot of due.fire) {
        const next = schedule.timing.next(Math.max(slot, now));
        firings.push({ name: schedule.name, slot: slot / 1000, nextSlot: next === undefined ? undefined : next / 1000, queue: schedule.queue, payload: schedule.payload });
        owners.push({ schedule, cursor, slot, next });
      }
    }
    if (firings.length === 0) return;
    const outcomes = await this.#store.fire(firings, { firedAt: rubyTimeToS(new Date(now)), markerTtl });
    for (let i = 0; i < owners.length; i++) {
      const { schedule, cursor, slot, next } = owners[i]!;
      const outcome = outcomes[i];
      cursor.at = Math.max(cursor.at, slot, now);
      if (next !== undefined) cursor.recordedNext = next / 1000;
      if (outcome === "fired") {
        logger.info({ schedule: schedule.name, class: schedule.className, queue: schedule.queue, slot: new Date(slot) }, "queueing scheduled job");
        onFired({ name: schedule.name, slot: new Date(slot), queue: schedule.queue });
      } else if (outcome === "disabled") {
        logger.info({ schedule: schedule.name, slot: new Date(slot) }, "schedule disabled by an operator; slot skipped");
      } else {
        logger.debug({ schedule: schedule.name, slot: new Date(slot) }, "slot had fired already");
      }
    }
  }

  /** Writes the next-run record of schedules whose next slot changed. */
  async recordNextRuns(): Promise<void> {
    const changed = new Map<string, number>();
    for (const schedule of this.active.values()) {
      const cursor = this.#cursors.get(schedule.name);
      if (!cursor || !schedule.enabled) continue;
      const next = schedule.timing.next(cursor.at);
      if (next !== undefined && next / 1000 !== cursor.recordedNext) {
        changed.set(schedule.name, next / 1000);
        cursor.recordedNext = next / 1000;
      }
    }
    await this.#store.recordNextRuns(changed);
  }

  /** The earliest upcoming slot of any enabled schedule (epoch ms). */
  nextDue(): number | undefined {
    let earliest: number | undefined;
    for (const schedule of this.active.values()) {
      const cursor = this.#cursors.get(schedule.name);
      if (!cursor || !schedule.enabled) continue;
      const next = schedule.timing.next(cursor.at);
      if (next !== undefined && (earliest === undefined || next < earliest)) earliest = next;
    }
    return earliest;
  }

  #loadDynamic(name: string, json: string): void {
    try {
      const schedule = parseSchedule(name, JSON.parse(json) as ScheduleConfig, this.#options.context);
      if (loadsInEnv(schedule.config, this.#options.context.env)) this.#dynamic.set(name, schedule);
      this.#reported.delete(name);
      this.#errors.delete(name);
    } catch (error) {
      if (this.#reported.get(name) === json) return;
      this.#reported.set(name, json);
      this.#errors.set(name, (error as Error).message);
      this.#options.logger.error({ schedule: name, err: error }, "dynamic schedule in Redis is invalid; it does not run until fixed");
    }
  }

  async #records(): Promise<RunRecords> {
    const [lastRun, nextRun, lastEnqueuedAt] = await Promise.all([
      this.#store.lastRuns(),
      this.#store.nextRuns(),
      this.#store.lastEnqueuedAt(),
    ]);
    return { lastRun, nextRun, lastEnqueuedAt };
  }

  /**
   * Where a schedule's slots start for a new leader: after the last slot fired (ours, else when
   * Ruby's scheduler last enqueued it), else at the next run a previous leader announced, else now
   * (a new schedule does not fire for slots before it existed).
   */
  #startCursor(schedule: Schedule, records: RunRecords, now: number): Cursor {
    const last = records.lastRun.get(schedule.name);
    const next = records.nextRun.get(schedule.name);
    const rubyLast = parseResqueTime(records.lastEnqueuedAt[schedule.name])?.getTime();
    let at: number;
    if (last !== undefined) at = last * 1000;
    else if (next !== undefined) at = next * 1000 - 1;
    else if (rubyLast !== undefined) at = rubyLast;
    else at = now;
    const neverRan = last === undefined && rubyLast === undefined;
    if (neverRan && schedule.firstIn !== undefined) at = Math.max(at, this.#loadedAt + schedule.firstIn - 1);
    if (schedule.firstAt !== undefined) at = Math.max(at, schedule.firstAt - 1);
    return { at, recordedNext: next };
  }
}

/** A schedule as the leader publishes it (see docs/redis-layout.md, `resque-ts:schedules`). */
function publishedSchedule(schedule: Schedule, source: "static" | "dynamic"): string {
  return JSON.stringify({
    source,
    config: schedule.config,
    class: schedule.className,
    queue: schedule.queue,
    args: schedule.args,
    kind: schedule.kind,
    expression: schedule.expression,
    description: schedule.description,
    enabled: schedule.enabled,
  });
}

function parseOrText(json: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return json;
  }
}
