/**
 * DataStore: the only module (with the stores it composes) that sends commands to Redis.
 * Everything above it speaks in queues, workers and failures, never in keys or commands.
 */
import { secondsOption, shownValue } from "../option-checks.js";
import { closeClient, createClient, describeTarget, duplicateClient, portableConnection, type PortableConnection, type RedisClient, type RedisConnectionOption } from "./connection.js";
import { Cluster } from "ioredis";
import { ConfigurationError, RedisUnavailableError } from "../errors.js";
import { Keys, namespacePrefix } from "./keys.js";
import { defineScripts } from "./scripts/load.js";
import type { DelayPrecision } from "../scheduler/delayed-time.js";
import { ControlStore } from "./stores/control-store.js";
import { DelayedStore } from "./stores/delayed-store.js";
import { FailureStore } from "./stores/failure-store.js";
import { QueueStore } from "./stores/queue-store.js";
import { RetryStore } from "./stores/retry-store.js";
import { ScheduleStore } from "./stores/schedule-store.js";
import { SchedulerLockStore } from "./stores/scheduler-lock-store.js";
import { ServerStore } from "./stores/server-store.js";
import { StatsStore } from "./stores/stats-store.js";
import { HistoryStore } from "./stores/history-store.js";
import { WorkerRecordsStore } from "./stores/worker-records-store.js";
import { StatusStore } from "./stores/status-store.js";
import { LockStore } from "./stores/lock-store.js";
import { LimitStore } from "./stores/limit-store.js";
import { MonitorStore } from "./stores/monitor-store.js";
import { WorkerStore, type FailureBackend } from "./stores/worker-store.js";
import { hashTagOf } from "./hash-slot.js";

/** How to reach Redis and lay out keys there: options of `new Resque(...)` and `new Admin(...)`. */
export interface DataStoreOptions {
  redis?: RedisConnectionOption;
  /** Key prefix; default "resque" (keys like resque:queue:mail). Use a hash tag ("{resque}") on Cluster. */
  namespace?: string;
  /**
   * Where failed jobs are stored, as Ruby Resque's failure backends: "redis" (default, the `failed`
   * list) or "redis_multi_queue" (a `<queue>_failed` list per queue, named in `failed_queues`).
   */
  failureBackend?: FailureBackend;
  /**
   * Seconds a call such as enqueue (or an admin or control call) waits for Redis to be reachable
   * before it fails with RedisUnavailableError (default 10). Workers and schedulers do not give
   * up: they keep retrying and log the outage every 30 s.
   */
  connectionTimeout?: number;
  /**
   * How due times of delayed jobs (enqueueAt, enqueueIn, retries) are stored: "seconds" (default)
   * is Resque's format, whole unix seconds, rounded up so nothing runs early; "milliseconds" keeps
   * them exact, so a retry 1 s after a failure runs 1 s later, not up to 2 s. For deployments
   * without Ruby: resque-scheduler and Ruby's resque-web expect seconds (docs/delayed.md).
   */
  delayPrecision?: DelayPrecision;
}

/** Told when Redis cannot be reached (and again at intervals while it stays so) and when it is back. */
export interface ConnectionEvents {
  /** `first`: the connection was never up yet; `since`: when the outage began (epoch ms). */
  unreachable(details: { target: string; error: Error; first: boolean; since: number }): void;
  restored(details: { target: string; downForMs: number }): void;
}

/** How often an outage is reported again while it lasts. */
const REPORT_EVERY_MS = 30_000;

/**
 * ioredis reconnects by itself, emitting an error per failed attempt; this reduces that to one
 * report when the outage begins, one every 30 s while it lasts, and one when it ends.
 */
function watchConnection(client: RedisClient, target: string, events: ConnectionEvents): { lastError(): Error | undefined } {
  let everReady = false;
  let downSince: number | undefined;
  let lastReport = 0;
  let lastError: Error | undefined;
  const report = () => {
    const now = Date.now();
    downSince ??= now;
    if (now - lastReport < REPORT_EVERY_MS && lastReport !== 0) return;
    lastReport = now;
    events.unreachable({ target, error: lastError ?? new Error("the connection to Redis closed"), first: !everReady, since: downSince });
  };
  client.on("error", (error: Error) => {
    lastError = error;
    if (!everReady || downSince !== undefined) report();
  });
  client.on("reconnecting", report);
  client.on("ready", () => {
    if (downSince !== undefined) events.restored({ target, downForMs: Date.now() - downSince });
    everReady = true;
    downSince = undefined;
    lastReport = 0;
  });
  return { lastError: () => lastError };
}

/** A worker's own connection for its work cycles. */
export interface WorkerConnection {
  workers: WorkerStore;
  /** Whether the connection is up now (commands sent while it is not wait until it is). */
  isReady(): boolean;
  close(): Promise<void>;
}

/**
 * Options of the wrong kind, refused before anything connects: a port number given as `redis`
 * would otherwise connect to the default Redis, an unknown failure backend write nowhere a reader
 * looks.
 */
function checkConnectionOptions(options: DataStoreOptions): void {
  const redis: unknown = options.redis;
  if (redis !== undefined && typeof redis !== "string" && (typeof redis !== "object" || redis === null || Array.isArray(redis))) {
    throw new ConfigurationError(
      `The redis option takes a redis:// URL, Ruby's "host:port", a unix socket path, ioredis options ({ host, port }), { cluster: [...] } or an ioredis client; got ${shownValue(redis)}.`,
    );
  }
  if (options.namespace !== undefined && typeof options.namespace !== "string") {
    throw new ConfigurationError(`The namespace must be a string (default "resque"), got ${shownValue(options.namespace)}.`);
  }
  const backend: unknown = options.failureBackend;
  if (backend !== undefined && backend !== "redis" && backend !== "redis_multi_queue") {
    throw new ConfigurationError(`failureBackend must be "redis" (the failed list, the default) or "redis_multi_queue" (a <queue>_failed list per queue), got ${shownValue(backend)}.`);
  }
}

export class DataStore {
  readonly keys: Keys;
  readonly queues: QueueStore;
  readonly workers: WorkerStore;
  readonly failures: FailureStore;
  readonly stats: StatsStore;
  /** Written by workers: the stats history and job durations they count in memory. */
  readonly history: HistoryStore;
  readonly control: ControlStore;
  readonly delayed: DelayedStore;
  readonly schedules: ScheduleStore;
  readonly schedulerLock: SchedulerLockStore;
  readonly retries: RetryStore;
  readonly workerRecords: WorkerRecordsStore;
  readonly server: ServerStore;
  readonly statuses: StatusStore;
  readonly locks: LockStore;
  readonly limits: LimitStore;
  readonly monitor: MonitorStore;
  readonly failureBackend: FailureBackend;
  readonly #client: RedisClient;
  readonly #owned: boolean;
  readonly #target: string;
  readonly #readyTimeoutMs: number;
  readonly #watch: { lastError(): Error | undefined };
  /** The wait of callers of ready() while the connection comes up (see ready()). */
  #connecting: Promise<void> | undefined;
  readonly #extra = new Set<RedisClient>();

  constructor(options: DataStoreOptions = {}, events?: ConnectionEvents) {
    checkConnectionOptions(options);
    this.#readyTimeoutMs = secondsOption(options.connectionTimeout, "connectionTimeout", 10, { positive: true }) * 1000;
    const prefix = namespacePrefix(options.namespace);
    const { client, owned } = createClient(options.redis);
    if (client instanceof Cluster && hashTagOf(prefix) === undefined) {
      if (owned) client.disconnect();
      const suggestion = `{${prefix.replace(/[{}:]/g, "") || "resque"}}`;
      throw new ConfigurationError(
        `On Redis Cluster the namespace must contain a hash tag, so that all of its keys live in one slot and every script can run; ` +
          `got ${JSON.stringify(options.namespace ?? "resque")}. Use namespace: ${JSON.stringify(suggestion)} (Ruby: Resque.redis.namespace = "${suggestion}").`,
      );
    }
    this.#client = client;
    this.#owned = owned;
    this.#target = describeTarget(client);
    this.#watch = watchConnection(client, this.#target, events ?? { unreachable: () => {}, restored: () => {} });
    defineScripts(client);
    this.keys = new Keys(prefix);
    this.failureBackend = options.failureBackend ?? "redis";
    const precision = options.delayPrecision ?? "seconds";
    if (precision !== "seconds" && precision !== "milliseconds") {
      if (owned) client.disconnect();
      throw new ConfigurationError(`delayPrecision must be "seconds" (Resque's format, the default) or "milliseconds", got ${JSON.stringify(options.delayPrecision)}.`);
    }
    this.queues = new QueueStore(client, this.keys);
    this.workers = new WorkerStore(client, this.keys, this.failureBackend);
    this.failures = new FailureStore(client, this.keys);
    this.stats = new StatsStore(client, this.keys);
    this.history = new HistoryStore(client, this.keys);
    this.control = new ControlStore(client, this.keys);
    this.delayed = new DelayedStore(client, this.keys, precision);
    this.schedules = new ScheduleStore(client, this.keys);
    this.schedulerLock = new SchedulerLockStore(client, this.keys);
    this.retries = new RetryStore(client, this.keys);
    this.workerRecords = new WorkerRecordsStore(client, this.keys);
    this.server = new ServerStore(client, this.keys);
    this.statuses = new StatusStore(client, this.keys);
    this.locks = new LockStore(client, this.keys);
    this.limits = new LimitStore(client, this.keys);
    this.monitor = new MonitorStore(client, this.keys);
  }

  /** The underlying ioredis client, for applications that want to share it. */
  get client(): RedisClient {
    return this.#client;
  }

  /**
   * Calls `onQueue(name)` whenever this library enqueues to a queue, so idle workers start at once.
   * Uses its own connection (a subscribed connection can do nothing else). Returns a stop function.
   */
  /** What a worker process listens to: enqueue wake-ups and remote-control commands. */
  async subscribeWorker(onQueue: (queue: string) => void, onControl: (command: string) => void): Promise<() => Promise<void>> {
    return this.subscribe({ [this.keys.wakeupChannel]: onQueue, [this.keys.controlChannel]: onControl });
  }

  /** Remote-control commands only (a pool's master). */
  async subscribeControl(onControl: (command: string) => void): Promise<() => Promise<void>> {
    return this.subscribe({ [this.keys.controlChannel]: onControl });
  }

  /**
   * Listens to pub/sub channels (full channel names → handler of the message) on a connection of
   * its own (a subscribed connection can do nothing else); ioredis resubscribes after a reconnect.
   * Returns a stop function.
   */
  async subscribe(handlers: Record<string, (message: string) => void>): Promise<() => Promise<void>> {
    const subscriber = duplicateClient(this.#client);
    this.#extra.add(subscriber);
    subscriber.on("error", () => {}); // reconnects on its own; the main connection reports errors
    subscriber.on("message", (channel: string, message: string) => handlers[channel]?.(message));
    await subscriber.subscribe(...Object.keys(handlers));
    return async () => {
      this.#extra.delete(subscriber);
      await closeClient(subscriber);
    };
  }

  /**
   * A WorkerStore on a connection of its own, so work cycles never wait behind other commands.
   * After a reconnect ioredis re-sends calls whose reply was lost; the work cycle recognises a
   * replay by its token (see work-cycle.lua).
   */
  workerConnection(): WorkerConnection {
    const client = duplicateClient(this.#client);
    defineScripts(client);
    this.#extra.add(client);
    client.on("error", () => {}); // reconnects on its own; failed calls surface to the worker loop
    return {
      workers: new WorkerStore(client, this.keys, this.failureBackend),
      isReady: () => client.status === "ready",
      close: async () => {
        this.#extra.delete(client);
        await closeClient(client);
      },
    };
  }

  /**
   * Resolves once the connection is up; waits at most the connection timeout, then rejects with a
   * RedisUnavailableError naming the target and the cause. Calls that must not wait forever (an
   * enqueue, a one-shot command) check this first, so nothing is left queued in the client to be
   * sent later, after the caller was told it failed.
   */
  ready(): Promise<void> {
    const client = this.#client;
    if (client.status === "ready") return Promise.resolve();
    // Callers that arrive while the connection is coming up share one wait (one pair of listeners
    // on the client, however many enqueues are waiting).
    this.#connecting ??= this.#waitForReady(client).finally(() => (this.#connecting = undefined));
    return this.#connecting;
  }

  #waitForReady(client: RedisClient): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const fail = () => {
        cleanup();
        const cause = this.#watch.lastError();
        reject(
          new RedisUnavailableError(
            `${this.#target} is unreachable${cause ? ` (${cause.message})` : ""}; gave up after ${this.#readyTimeoutMs / 1000} s. ` +
              "Check the redis option or REDIS_URL, and that the server is running.",
            cause ? { cause } : undefined,
          ),
        );
      };
      const ready = () => {
        cleanup();
        resolve();
      };
      const timer = setTimeout(fail, this.#readyTimeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        client.off("ready", ready);
        client.off("end", fail);
      };
      client.once("ready", ready);
      client.once("end", fail);
      if (client.status === "wait") client.connect().catch(() => {});
    });
  }

  /** Where this store connects (for messages; no password). */
  get target(): string {
    return this.#target;
  }

  /** Settings for opening the same connection from another thread (see connection.ts). */
  portableConnection(): PortableConnection | undefined {
    return portableConnection(this.#client);
  }

  /** Redis' own clock, in milliseconds (workers on several hosts compare times against it). */
  async time(): Promise<number> {
    const [seconds, micros] = await this.#client.time();
    return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  }

  async close(): Promise<void> {
    await Promise.all([...this.#extra].map((c) => closeClient(c)));
    this.#extra.clear();
    if (this.#owned) await closeClient(this.#client);
  }
}
