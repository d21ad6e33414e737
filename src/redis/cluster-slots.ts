/** The slot → master map of a Redis Cluster, read live (CLUSTER SLOTS). */
import { Cluster, Redis } from "ioredis";
import { ConfigurationError } from "../errors.js";
import { redisUrlOf, type RedisClient, type RedisConnectionOption } from "./connection.js";

/** A range of slots and the master serving it. */
export interface SlotRange {
  /** First slot of the range. */
  start: number;
  /** Last slot of the range (inclusive). */
  end: number;
  /** The master's address, "host:port". */
  master: string;
  /** The master's node id. */
  nodeId: string;
}

/** The slot ranges of the Cluster `client` connects to; throws a ConfigurationError for a client that is not a Cluster. */
export async function readSlotRanges(client: RedisClient): Promise<SlotRange[]> {
  if (!(client instanceof Cluster)) throw new ConfigurationError("Shard tags are planned from a Redis Cluster's slot map; connect with { cluster: [nodes] } or a redis:// URL of a Cluster node.");
  const reply = (await client.call("CLUSTER", "SLOTS")) as [number, number, [string, number, string?, ...unknown[]], ...unknown[]][];
  return reply.map(([start, end, [host, port, nodeId]]) => ({ start: Number(start), end: Number(end), master: `${host}:${port}`, nodeId: String(nodeId ?? `${host}:${port}`) }));
}

/**
 * How to reach the Redis behind a URL for Cluster-wide reads: `{ cluster: [that node] }` (with the
 * URL's user, password and TLS) when the server has cluster mode on, else the URL itself.
 * `connectTimeoutMs` bounds the probe's connection attempt (ioredis' default otherwise); with
 * `serving`, a Cluster whose state is not ok is reached by the URL too.
 */
export async function clusterAwareConnection(given: string, options: { connectTimeoutMs?: number; serving?: boolean } = {}): Promise<RedisConnectionOption> {
  const { connectTimeoutMs } = options;
  const url = redisUrlOf(given);
  const probe = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    ...(connectTimeoutMs === undefined ? {} : { connectTimeout: connectTimeoutMs }),
  });
  probe.on("error", () => {});
  try {
    await probe.connect();
    const info = await probe.info("cluster");
    if (!/^cluster_enabled:1/m.test(info)) return url;
    // A Cluster that serves no keys (slots unassigned or down) cannot be connected to as one;
    // the plain connection then reaches the node, so tools can say what is wrong with it.
    if (options.serving && !/^cluster_state:ok/m.test(String(await probe.call("CLUSTER", "INFO")))) return url;
    const { host, port, username, password, tls } = probe.options;
    return {
      cluster: [{ host: host ?? "127.0.0.1", port: port ?? 6379 }],
      options: { redisOptions: { ...(username ? { username } : {}), ...(password ? { password } : {}), ...(tls ? { tls } : {}) } },
    };
  } finally {
    probe.disconnect();
  }
}
