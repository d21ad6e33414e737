/**
 * The scheduler of a sharded Resque: one scheduler per shard, each with its own leader lock
 * (resque-scheduler's, so a Ruby scheduler can lead any shard), promoting that shard's delayed
 * jobs and firing the schedules whose queue the shard owns, so every firing enqueues on the
 * owning shard in the same script that marks it fired. Shards elect leaders independently: a
 * process may lead some shards and follow on others, and losing one shard's Redis master
 * stalls only that shard.
 */
import { EventEmitter } from "node:events";
import { ScheduleFileError } from "../errors.js";
import type { JobRegistry } from "../job/registry.js";
import type { DataStore } from "../redis/store.js";
import { parseSchedule, scheduleContext } from "../scheduler/schedule-config.js";
import { readScheduleFile } from "../scheduler/schedule-file.js";
import type { Schedule, ScheduleConfig } from "../scheduler/schedule.js";
import { createScheduler, type Scheduler, type SchedulerEvents, type SchedulerOptions } from "../scheduler/scheduler.js";

const PASSED_ON = ["fired", "promoted", "error"] as const;

type Create = (shards: readonly { namespace: string; store: DataStore }[], shardOf: (queue: string) => number, registry: JobRegistry, options: SchedulerOptions) => ShardedScheduler;
let create: Create;

/** The scheduler of a sharded Resque: `resque.shardedScheduler(options)`; call start() on it. */
export class ShardedScheduler extends EventEmitter<SchedulerEvents> {
  readonly #parts: { namespace: string; scheduler: Scheduler }[];
  #leading = false;

  static {
    create = (shards, shardOf, registry, options) => new ShardedScheduler(shards, shardOf, registry, options);
  }

  private constructor(shards: readonly { namespace: string; store: DataStore }[], shardOf: (queue: string) => number, registry: JobRegistry, options: SchedulerOptions) {
    super();
    const perShard = partitionSchedules(shards.length, shardOf, registry, options);
    this.#parts = shards.map(({ namespace, store }, i) => ({
      namespace,
      scheduler: createScheduler(store, registry, { ...options, scheduleFile: undefined, schedule: perShard[i]!, logger: options.logger.child({ shard: namespace }) }),
    }));
    for (const { scheduler } of this.#parts) {
      for (const event of PASSED_ON) {
        scheduler.on(event, (...args: unknown[]) => {
          if (event !== "error" || this.listenerCount("error") > 0) (this.emit as (e: string, ...a: unknown[]) => boolean)(event, ...args);
        });
      }
      scheduler.on("leader", () => this.#leadershipChanged());
      scheduler.on("follower", () => this.#leadershipChanged());
    }
  }

  /** Whether this process leads every shard (it may lead some: see `leading`). */
  get isLeader(): boolean {
    return this.#parts.every((p) => p.scheduler.isLeader);
  }

  /** The namespaces of the shards this process leads now. */
  get leading(): string[] {
    return this.#parts.filter((p) => p.scheduler.isLeader).map((p) => p.namespace);
  }

  /** The schedules in force on every shard. */
  get schedules(): Schedule[] {
    return this.#parts.flatMap((p) => p.scheduler.schedules);
  }

  /** Starts every shard's scheduler; the first passes run at once. */
  async start(): Promise<void> {
    for (const { scheduler } of this.#parts) await scheduler.start();
  }

  /** Stops every shard's scheduler after its current pass, giving up the leader locks held. */
  async stop(): Promise<void> {
    await Promise.all(this.#parts.map((p) => p.scheduler.stop()));
    this.emit("stopped");
  }

  /** One pass on every shard; resolves to the earliest time a shard wants its next pass. */
  async runPass(): Promise<number> {
    const next = await Promise.all(this.#parts.map((p) => p.scheduler.runPass()));
    return Math.min(...next);
  }

  #leadershipChanged(): void {
    const leading = this.isLeader;
    if (leading === this.#leading) return;
    this.#leading = leading;
    this.emit(leading ? "leader" : "follower");
  }
}

/**
 * The schedule entries (file and code) of each shard: an entry goes to the shard that owns its
 * queue. Entries that do not parse go to the first shard, whose scheduler reports them all.
 */
function partitionSchedules(count: number, shardOf: (queue: string) => number, registry: JobRegistry, options: SchedulerOptions): Record<string, ScheduleConfig>[] {
  const fromFile = options.scheduleFile === undefined ? {} : readScheduleFile(options.scheduleFile);
  if (typeof fromFile !== "object" || fromFile === null || Array.isArray(fromFile)) {
    throw new ScheduleFileError(`schedule file ${options.scheduleFile}`, `schedule file ${options.scheduleFile} must hold a mapping of schedule names to schedules`);
  }
  const entries: [string, unknown][] = Object.entries(fromFile as Record<string, unknown>);
  for (const [name, value] of Object.entries(options.schedule ?? {})) {
    if (entries.some(([other]) => other === name)) {
      throw new ScheduleFileError("schedule", `schedule "${name}" is defined both in the schedule file and in code; keep one`);
    }
    entries.push([name, value]);
  }
  const context = scheduleContext(registry, options);
  const perShard: Record<string, ScheduleConfig>[] = Array.from({ length: count }, () => ({}));
  for (const [name, value] of entries) {
    let shard = 0;
    try {
      shard = shardOf(parseSchedule(name, value, context).queue);
    } catch {
      // Reported by the first shard's scheduler, with every other invalid entry.
    }
    perShard[shard]![name] = value as ScheduleConfig;
  }
  return perShard;
}

/** Builds the scheduler of a sharded Resque (Resque.shardedScheduler). */
export function createShardedScheduler(...args: Parameters<Create>): ShardedScheduler {
  return create(...args);
}
