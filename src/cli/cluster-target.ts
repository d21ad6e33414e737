/**
 * Where a command-line tool connects for `--redis <url>`: a node of a serving Redis Cluster is
 * reached as the whole Cluster when the namespace has a hash tag.
 */
import { clusterAwareConnection } from "../redis/cluster-slots.js";
import { hashTagOf } from "../redis/hash-slot.js";
import type { RedisConnectionOption } from "../redis/connection.js";

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

