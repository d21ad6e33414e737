/**
 * The stores of a sharded Resque: one DataStore per shard namespace, each on a connection of its
 * own. A shared Cluster client would be enough for routing, but ioredis' auto-pipelining groups
 * commands by the first argument of a call, which for scripts with a variable number of keys is
 * the key count: calls of two shards would then share a pipeline whose keys live on different
 * masters, and ioredis refuses it. With one client per shard every pipeline stays in one slot.
 */
import { Cluster } from "ioredis";
import { closeClient, createClient, type RedisClient } from "./connection.js";
import { DataStore, type ConnectionEvents, type DataStoreOptions } from "./store.js";

export interface ShardStores {
  /** One store per namespace, in the order given. */
  stores: DataStore[];
  /** Closes every store and the connections opened here (a client the application passed stays open). */
  close(): Promise<void>;
}

/**
 * Opens the first connection, lets `namespacesFor` validate the configuration knowing whether it
 * is a Cluster (an invalid one closes the connection and throws), and builds the stores.
 */
export function openShardStores(
  options: Omit<DataStoreOptions, "namespace">,
  namespacesFor: (cluster: boolean) => readonly string[],
  events?: ConnectionEvents,
): ShardStores {
  const first = createClient(options.redis);
  let namespaces: readonly string[];
  try {
    namespaces = namespacesFor(first.client instanceof Cluster);
  } catch (error) {
    if (first.owned) first.client.disconnect();
    throw error;
  }
  // The first shard uses the given (or first opened) connection; the others get their own copy.
  const clients: RedisClient[] = [first.client, ...namespaces.slice(1).map(() => copyOf(first.client))];
  // Connection events are reported by the first store only: one report per outage is enough.
  const stores = namespaces.map((namespace, i) => new DataStore({ ...options, redis: clients[i]!, namespace }, i === 0 ? events : undefined));
  return {
    stores,
    close: async () => {
      await Promise.all(stores.map((store) => store.close()));
      await Promise.all(clients.map((client, i) => (i > 0 || first.owned ? closeClient(client) : undefined)));
    },
  };
}

function copyOf(client: RedisClient): RedisClient {
  const copy = client instanceof Cluster ? client.duplicate() : client.duplicate();
  copy.on("error", () => {}); // the first store reports outages; the copies reconnect on their own
  return copy;
}
