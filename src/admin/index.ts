/**
 * The admin API: one object per Redis + namespace that inspects and repairs a Resque (queues,
 * failed jobs, workers, delayed jobs, schedules, retries, stats, the Redis server). The CLI, the
 * dashboard and the monitor stand on it alone. It loads no job classes, holds no global state,
 * and several can live in one process (`Admin.overview(admins)` combines them).
 */
import { AdminTimeoutError } from "../errors.js";
import type { JobRegistry } from "../job/registry.js";
import type { RedisConnectionOption } from "../redis/connection.js";
import { DataStore } from "../redis/store.js";
import { attachStore } from "../redis/store-of.js";
import type { AdminContext } from "./context.js";
import { createAdminDelayed, type AdminDelayed } from "./delayed.js";
import { createAdminFailed, type AdminFailed } from "./failed.js";
import { readOverview, type Overview } from "./overview.js";
import { createAdminQueues, type AdminQueues } from "./queues.js";
import { createAdminRedis, type AdminRedis } from "./redis-health.js";
import { createAdminRetries, type AdminRetries } from "./retries.js";
import { createAdminSchedules, type AdminSchedules } from "./schedules.js";
import { createAdminStats, type AdminStats } from "./stats.js";
import { createAdminWorkers, type AdminWorkers } from "./workers.js";

/** Where an Admin connects: one Redis and one namespace. */
export interface AdminOptions {
  /** How to reach Redis (URL, socket path, ioredis options, `{ cluster }`, or an ioredis client); default REDIS_URL or 127.0.0.1:6379. */
  redis?: RedisConnectionOption;
  /** Key prefix, as for `new Resque` (default "resque"). */
  namespace?: string;
  /** A label for this instance in combined overviews; default: where it connects and its namespace. */
  name?: string;
  /** Seconds a call waits for Redis to be reachable before it fails with RedisUnavailableError (default 10). */
  connectionTimeout?: number;
}

/** One row of a combined overview: the instance's overview, or why it could not be read. */
export type InstanceOverview = { name: string; ok: true; overview: Overview } | { name: string; ok: false; error: string };

/** Overviews of several instances, read at once. */
export interface CombinedOverview {
  /** Local time the overviews were asked for. */
  at: Date;
  instances: InstanceOverview[];
}

/** Set only while `adminOn` builds an Admin over an existing store. */
let attaching: { store: DataStore; registry: JobRegistry | undefined } | undefined;

/**
 * The admin API of one Redis + namespace: `new Admin({ redis, namespace })`, or `resque.admin`.
 * See docs/admin.md.
 */
export class Admin {
  /** This instance's label (the `name` option, or where it connects and its namespace). */
  readonly name: string;
  /** Queues and the jobs waiting on them. */
  readonly queues: AdminQueues;
  /** Failed jobs, in both of Ruby's Redis failure backends. */
  readonly failed: AdminFailed;
  /** Registered workers and their remote control. */
  readonly workers: AdminWorkers;
  /** Delayed jobs (resque-scheduler's schedule). */
  readonly delayed: AdminDelayed;
  /** Recurring schedules. */
  readonly schedules: AdminSchedules;
  /** Jobs waiting to be retried (resque-retry's keys). */
  readonly retries: AdminRetries;
  /** Totals, history and job durations. */
  readonly stats: AdminStats;
  /** The Redis server. */
  readonly redis: AdminRedis;
  readonly #store: DataStore;
  readonly #owned: boolean;

  /** Connects to a Redis + namespace. Needs no job classes; close() when done. */
  constructor(options: AdminOptions = {}) {
    const attached = attaching;
    attaching = undefined;
    // Connection errors reach callers as rejected calls (RedisUnavailableError after connectionTimeout).
    this.#store =
      attached?.store ??
      new DataStore({
        ...(options.redis === undefined ? {} : { redis: options.redis }),
        ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
        ...(options.connectionTimeout === undefined ? {} : { connectionTimeout: options.connectionTimeout }),
      });
    this.#owned = attached === undefined;
    attachStore(this, this.#store); // the plugins' read functions take an Admin too
    const context: AdminContext = { store: this.#store, registry: attached?.registry };
    this.name = options.name ?? `${this.#store.server.target}/${this.#store.keys.prefix}`;
    this.queues = createAdminQueues(context);
    this.failed = createAdminFailed(context);
    this.workers = createAdminWorkers(context);
    this.delayed = createAdminDelayed(context);
    this.schedules = createAdminSchedules(context);
    this.retries = createAdminRetries(context);
    this.stats = createAdminStats(context);
    this.redis = createAdminRedis(context);
  }

  /** Facts about this instance for dashboards and monitors, in three round trips (see Overview). */
  async overview(): Promise<Overview> {
    await this.#store.ready();
    return readOverview({ store: this.#store, registry: undefined }, this.name, () => this.redis.info());
  }

  /**
   * Overviews of several instances, read in parallel; an instance that fails or does not answer
   * within `timeoutMs` (default 5000) gets a row with the error instead of holding up the others.
   */
  static async overview(admins: readonly Admin[], options: { timeoutMs?: number } = {}): Promise<CombinedOverview> {
    const timeoutMs = options.timeoutMs ?? 5000;
    const at = new Date();
    const instances = await Promise.all(
      admins.map(async (admin): Promise<InstanceOverview> => {
        let timer: NodeJS.Timeout | undefined;
        try {
          const timeout = new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new AdminTimeoutError(`No answer from ${admin.name} within ${timeoutMs} ms.`)), timeoutMs);
          });
          return { name: admin.name, ok: true, overview: await Promise.race([admin.overview(), timeout]) };
        } catch (error) {
          return { name: admin.name, ok: false, error: error instanceof Error ? error.message : String(error) };
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    return { at, instances };
  }

  /** Closes the connection this Admin opened (an Admin from `resque.admin` shares the Resque's and leaves it open). */
  async close(): Promise<void> {
    if (this.#owned) await this.#store.close();
  }
}

/** An Admin over an existing store (a Resque's), knowing its job classes. */
export function adminOn(store: DataStore, registry: JobRegistry | undefined, name?: string): Admin {
  attaching = { store, registry };
  try {
    return new Admin(name === undefined ? {} : { name });
  } finally {
    attaching = undefined;
  }
}

export type { AdminDelayed, AdminFailed, AdminQueues, AdminRedis, AdminRetries, AdminSchedules, AdminStats, AdminWorkers };
