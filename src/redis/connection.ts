/**
 * Creating and owning ioredis clients: from a URL, a socket path, an options object (including
 * Sentinel), Cluster nodes, or a client the application already has.
 */
import { Cluster, Redis, type ClusterNode, type ClusterOptions, type RedisOptions } from "ioredis";
import { ConfigurationError } from "../errors.js";

export type RedisClient = Redis | Cluster;

/** Redis Cluster: the seed nodes and ioredis cluster options. */
export interface ClusterConnection {
  cluster: ClusterNode[];
  options?: ClusterOptions;
}

/**
 * How to reach Redis:
 * - a `redis://` / `rediss://` URL, Ruby Resque's `"host:port"` / `"host:port:db"`, or a unix
 *   socket path;
 * - ioredis options (host/port/db/password, or `sentinels` + `name` for Sentinel);
 * - `{ cluster: [...nodes], options }` for Redis Cluster;
 * - an existing ioredis `Redis` or `Cluster` instance (the application keeps ownership).
 */
export type RedisConnectionOption = string | RedisOptions | ClusterConnection | RedisClient;

function isClient(value: unknown): value is RedisClient {
  return value instanceof Redis || value instanceof Cluster;
}

function isClusterConnection(value: unknown): value is ClusterConnection {
  return typeof value === "object" && value !== null && Array.isArray((value as ClusterConnection).cluster);
}

const shared: RedisOptions = {
  enableAutoPipelining: true,
  // Commands wait while reconnecting instead of failing after 20 attempts (workers outlive restarts).
  maxRetriesPerRequest: null,
};

export function createClient(option: RedisConnectionOption | undefined): { client: RedisClient; owned: boolean } {
  if (isClient(option)) return { client: option, owned: false };
  if (isClusterConnection(option)) {
    const client = new Cluster(option.cluster, {
      enableAutoPipelining: true,
      ...option.options,
      redisOptions: { maxRetriesPerRequest: null, ...option.options?.redisOptions },
    });
    return { client, owned: true };
  }
  if (typeof option === "string") {
    const target = redisUrlOf(option);
    const client = target.includes("://") ? new Redis(target, shared) : new Redis({ ...shared, path: target });
    return { client, owned: true };
  }
  const fallback = process.env.REDIS_URL;
  if (option === undefined && fallback) return createClient(fallback);
  return { client: new Redis({ ...shared, ...option }), owned: true };
}

/** Ruby Resque's server string (`Resque.redis = "localhost:6379"`, or `"host:port:db"`). */
const RUBY_SERVER = /^([^\s/:@]+):(\d{1,5})(?::(\d+))?$/;
/** The same with Ruby's namespace after a slash (`"host:port/namespace"`). */
const RUBY_SERVER_WITH_NAMESPACE = /^[^\s/:@]+:\d{1,5}(?::\d+)?\/./;

/**
 * A connection string as a `redis://` URL where it is Ruby Resque's `"host:port[:db]"` (what
 * REDIS_URL often holds where Ruby apps run; without this it would be taken for a socket path);
 * URLs and socket paths are returned as given.
 */
export function redisUrlOf(option: string): string {
  if (option.includes("://")) return option;
  const server = RUBY_SERVER.exec(option);
  if (server) return `redis://${server[1]}:${server[2]}${server[3] ? `/${server[3]}` : ""}`;
  if (RUBY_SERVER_WITH_NAMESPACE.test(option)) {
    throw new ConfigurationError(
      `${JSON.stringify(option)} names a namespace after the server (Ruby's "host:port/namespace"): give the server as "${option.split("/")[0]}" and the namespace as the namespace option (-N, RESQUE_NAMESPACE).`,
    );
  }
  return option;
}

/**
 * A second connection with the same settings, for blocking or subscribing (which would hold up
 * every other command on a shared connection) or for the work loop.
 *
 * Each of those has one caller that sends a command and waits for its reply before the next, so
 * auto-pipelining has nothing to batch there and is off: it would cost a pipeline object and a
 * deferred write per call (a quarter of the worker's CPU per job at concurrency 1).
 */
export function duplicateClient(client: RedisClient): RedisClient {
  if (client instanceof Cluster) return client.duplicate(undefined, { enableAutoPipelining: false });
  return client.duplicate({ enableAutoPipelining: false });
}

/**
 * Closes a client politely (QUIT after pending replies), or drops the connection when Redis does
 * not answer within `timeoutMs` (a QUIT queued behind commands that wait for an unreachable server
 * would never complete).
 */
export async function closeClient(client: RedisClient, timeoutMs = 2000): Promise<void> {
  if (client.status === "end") return;
  if (client.status !== "ready") {
    client.disconnect();
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([client.quit(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error("QUIT timed out")), timeoutMs)))]);
  } catch {
    client.disconnect();
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Connection settings another thread can use to open its own connection to the same Redis: the
 * options of `client` with everything that cannot cross a thread boundary (functions such as a
 * custom retryStrategy, class instances) left out. Undefined when they cannot be copied.
 */
export type PortableConnection = RedisOptions | ClusterConnection;

export function portableConnection(client: RedisClient): PortableConnection | undefined {
  try {
    if (client instanceof Cluster) {
      // ioredis keeps the seed nodes in a field its typings mark private.
      const seeds = (client as unknown as { startupNodes: ClusterNode[] }).startupNodes;
      const nodes = structuredClone(plainData(seeds)) as ClusterNode[];
      return { cluster: nodes, options: structuredClone(plainData(client.options)) as ClusterOptions };
    }
    return structuredClone(plainData(client.options)) as RedisOptions;
  } catch {
    return undefined;
  }
}

/** A copy of plain data: arrays, plain objects and primitives; functions and class instances dropped. */
function plainData(value: unknown): unknown {
  if (typeof value === "function" || typeof value === "symbol") return undefined;
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(plainData);
  if (Buffer.isBuffer(value)) return value;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return undefined;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const plain = plainData(item);
    if (plain !== undefined) copy[key] = plain;
  }
  return copy;
}

/** Where a client connects, for messages: no password, never the full options. */
export function describeTarget(client: RedisClient): string {
  if (client instanceof Cluster) {
    const seeds = (client as unknown as { startupNodes: (ClusterNode & { host?: string; port?: number })[] }).startupNodes;
    return `Redis Cluster (${seeds.map((n) => (typeof n === "object" ? `${n.host ?? "127.0.0.1"}:${n.port ?? 6379}` : String(n))).join(", ")})`;
  }
  const o = client.options;
  if (o.sentinels?.length) return `Redis master "${o.name ?? ""}" via Sentinel ${o.sentinels.map((s) => `${s.host ?? "127.0.0.1"}:${s.port ?? 26379}`).join(", ")}`;
  if (o.path) return `Redis at unix:${o.path}`;
  return `Redis at ${o.tls ? "rediss" : "redis"}://${o.host ?? "127.0.0.1"}:${o.port ?? 6379}${o.db ? `/${o.db}` : ""}`;
}
