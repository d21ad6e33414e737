/** The slot → master map of a Redis Cluster, read live (CLUSTER SLOTS). */
import { Cluster } from "ioredis";
import { ConfigurationError } from "../errors.js";
import type { RedisClient } from "./connection.js";

/** A range of slots and the master serving it. */
export interface SlotRange {
  start: number;
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
