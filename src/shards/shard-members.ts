/**
 * The shards of a sharded Resque, each with the Resque that acts on that shard alone, for the
 * library's own modules that act shard by shard (pools, statuses) without reaching into the
 * Resque class (as store-of.ts does for stores). Not exported from the package.
 */
import type { Resque } from "../resque.js";

/** One shard of a sharded Resque: its namespace and the Resque that acts on it alone. */
export interface ShardMember {
  namespace: string;
  resque: Resque;
}

const membersOf = new WeakMap<Resque, readonly ShardMember[]>();

/** Called by a sharded Resque (the facade, not its members) once its members exist. */
export function attachShardMembers(resque: Resque, members: readonly ShardMember[]): void {
  membersOf.set(resque, members);
}

/** The shards of a sharded Resque; undefined when it is not sharded, or is itself one shard's member. */
export function shardMembers(resque: Resque): readonly ShardMember[] | undefined {
  return membersOf.get(resque);
}
