/** The Redis server behind an Admin: version, mode, memory and eviction policy, clients, keys by kind. */
import { evictionRisk } from "../redis/eviction-policy.js";
import type { RedisMode } from "../redis/stores/server-store.js";
import type { BulkOptions } from "./bulk.js";
import type { AdminContext } from "./context.js";

/** What `admin.redis.info()` reports of the Redis server: version, mode, memory and eviction policy, clients. */
export interface RedisInfo {
  version: string;
  /** How it is reached: directly, through Sentinel, or as a Cluster. */
  mode: RedisMode;
  /** INFO `role`: master or replica. */
  role: string;
  uptimeSeconds: number;
  connectedClients: number;
  usedMemoryBytes: number;
  /** 0 = no limit. */
  maxMemoryBytes: number;
  /** `maxmemory-policy`. */
  maxMemoryPolicy: string;
  /** The policy may evict any key (allkeys-*): Resque's queues and failures can be lost under memory pressure. */
  evictsAnyKey: boolean;
  /** The policy may evict keys that have a TTL (volatile-* and allkeys-*): history, retry copies, schedule markers. */
  evictsKeysWithTtl: boolean;
  /** The server runs in cluster mode (INFO `cluster_enabled`), whether or not this connection treats it as a Cluster. */
  clusterEnabled: boolean;
}

/** The kinds keys are counted by. */
export type KeyKind = "queues" | "workers" | "stats" | "failed" | "delayed" | "schedules" | "retries" | "resque-ts" | "other";

export interface KeyCounts {
  /** Keys of the namespace. */
  total: number;
  byKind: Record<KeyKind, number>;
  /** The signal fired: the counts cover the keys seen so far. */
  aborted: boolean;
}

/** Keys looked at per SCAN call. */
const SCAN_COUNT = 1000;

let create: (context: AdminContext) => AdminRedis;

/** `admin.redis`: see docs/admin.md#redis. */
export class AdminRedis {
  readonly #context: AdminContext;

  static {
    create = (context) => new AdminRedis(context);
  }

  private constructor(context: AdminContext) {
    this.#context = context;
  }

  /** Server facts in one round trip. */
  async info(): Promise<RedisInfo> {
    await this.#context.store.ready();
    const server = this.#context.store.server;
    const info = await server.info(["server", "clients", "memory", "replication", "cluster"]);
    const policy = info.maxmemory_policy ?? "";
    return {
      version: info.redis_version ?? "",
      mode: server.mode,
      role: info.role ?? "",
      uptimeSeconds: Number(info.uptime_in_seconds ?? 0),
      connectedClients: Number(info.connected_clients ?? 0),
      usedMemoryBytes: Number(info.used_memory ?? 0),
      maxMemoryBytes: Number(info.maxmemory ?? 0),
      maxMemoryPolicy: policy,
      evictsAnyKey: evictionRisk(policy) === "any-key",
      evictsKeysWithTtl: evictionRisk(policy) !== "none",
      clusterEnabled: info.cluster_enabled === "1",
    };
  }

  /** Redis' clock (TIME), e.g. to compare with this host's: workers on several hosts measure ages against it. */
  async time(): Promise<Date> {
    await this.#context.store.ready();
    return new Date(await this.#context.store.server.time());
  }

  /** Keys of the namespace counted by kind: a SCAN of every key, a thousand per call. */
  async keys(options: BulkOptions = {}): Promise<KeyCounts> {
    await this.#context.store.ready();
    const byKind: Record<KeyKind, number> = { queues: 0, workers: 0, stats: 0, failed: 0, delayed: 0, schedules: 0, retries: 0, "resque-ts": 0, other: 0 };
    const counts: KeyCounts = { total: 0, byKind, aborted: false };
    let cursor = "0";
    do {
      if (options.signal?.aborted) {
        counts.aborted = true;
        break;
      }
      const step = await this.#context.store.server.scanStep(cursor, SCAN_COUNT);
      cursor = step.cursor;
      for (const key of step.keys) byKind[kindOf(key)]++;
      counts.total += step.keys.length;
      options.onProgress?.(counts.total, counts.total);
    } while (cursor !== "0");
    return counts;
  }
}

export function createAdminRedis(context: AdminContext): AdminRedis {
  return create(context);
}

/** The kind of an unprefixed key name. */
export function kindOf(key: string): KeyKind {
  if (key === "queues" || key.startsWith("queue:")) return "queues";
  if (key === "failed" || key === "failed_queues" || key.endsWith("_failed")) return "failed";
  if (key === "workers" || key.startsWith("worker:") || key.startsWith("workers:") || key === "pruning_dead_workers_in_progress" || key === "pause-all-workers") return "workers";
  if (key.startsWith("stat:")) return "stats";
  if (key === "delayed:last_enqueued_at" || key === "persistent_schedules" || key === "schedules_changed" || key.startsWith("scheduler:") || key.includes("resque_scheduler_master_lock")) return "schedules";
  if (key === "delayed_queue_schedule" || key.startsWith("delayed:") || key.startsWith("timestamps:")) return "delayed";
  if (key.startsWith("resque-retry:") || key.startsWith("failure-resque-retry:") || key.startsWith("resque-ts:retry-pending:")) return "retries";
  if (key.startsWith("resque-ts:") || key.startsWith("dirty_exits:")) return "resque-ts";
  return "other";
}
