/**
 * Where a command-line tool connects for `--redis <url>`: a node of a serving Redis Cluster is
 * reached as the whole Cluster when the namespace has a hash tag. Used by the admin commands,
 * `resque work`, `resque-scheduler`, `resque monitor` and `resque-web`.
 */
import { clusterAwareConnection } from "../redis/cluster-slots.js";
import { hashTagOf } from "../redis/hash-slot.js";
import type { RedisConnectionOption } from "../redis/connection.js";
import { DEFAULT_REDIS_URL } from "./connection-options.js";

/**
 * The URL, or a Cluster connection when it names a node of a serving Redis Cluster and the
 * namespace has a hash tag (a plain connection to one node is answered MOVED for the keys of the
 * other masters). Otherwise the URL as given: an unreachable Redis is then reported as by any
 * command, and `resque doctor` can say what is wrong with the Cluster or the namespace.
 */
export async function reachable(url: string, namespace: string, timeoutSeconds: number): Promise<RedisConnectionOption> {
  if (hashTagOf(namespace) === undefined) return url;
  try {
    return await clusterAwareConnection(url, { connectTimeoutMs: timeoutSeconds * 1000, serving: true });
  } catch {
    return url;
  }
}

/**
 * A command's --redis / --namespace (or their environment variables) as Resque options: with a
 * hash-tagged namespace, a Cluster node's URL becomes a connection to the whole Cluster (see
 * `reachable`); otherwise they are passed on as given (undefined keeps the library's default).
 */
export async function clusterAware(target: { redis: string | undefined; namespace: string | undefined }, timeoutSeconds = 5): Promise<{ redis: RedisConnectionOption | undefined; namespace: string | undefined }> {
  if (target.namespace === undefined || hashTagOf(target.namespace) === undefined) return target;
  return { redis: await reachable(target.redis ?? DEFAULT_REDIS_URL, target.namespace, timeoutSeconds), namespace: target.namespace };
}
