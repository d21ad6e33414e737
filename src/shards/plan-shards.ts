/** Plans shard namespaces on a live Redis Cluster (see plan-tags.ts): connects, reads the slot map, closes. */
import { closeClient, createClient, type RedisConnectionOption } from "../redis/connection.js";
import { readSlotRanges } from "../redis/cluster-slots.js";
import { planShardTags, type PlannedShard } from "./plan-tags.js";

export interface PlanShardsOptions {
  /** How to reach the Cluster (`{ cluster: [nodes] }` or a Cluster client). */
  redis: RedisConnectionOption;
  /** How many shards. */
  count: number;
  /** The tag base: namespaces are "{<base>-N}" (default "resque"). */
  base?: string;
}

/**
 * Shard namespaces whose hash tags land on different masters of the Cluster as it is now: shard
 * i on master i modulo the number of masters. Pass the namespaces to `new Resque({ shards })`.
 */
export async function planShards(options: PlanShardsOptions): Promise<PlannedShard[]> {
  const { client, owned } = createClient(options.redis);
  try {
    return planShardTags(await readSlotRanges(client), options.count, options.base);
  } finally {
    if (owned) await closeClient(client);
  }
}
