/**
 * The `shards` option of `new Resque(...)`: one logical Resque spread over several namespaces,
 * each a complete Resque namespace with its own hash tag. Validated whole before any connection
 * is used, every problem with a message that says what to change.
 */
import { ConfigurationError } from "../errors.js";
import { namespacePrefix } from "../redis/keys.js";
import { hashTagOf, keySlot } from "../redis/hash-slot.js";
import { QueueRouter } from "./queue-router.js";

/** The `shards` option of `new Resque(...)` (docs/sharding.md). */
export interface ShardsOptions {
  /**
   * The shards' namespaces, e.g. `["{resque-a}", "{resque-b}", "{resque-c}"]`. On Redis Cluster
   * each must carry a hash tag, and the tags must hash to different slots (see `planShardTags`
   * for tags that land on different masters). The order matters for queues placed by hash:
   * append new shards at the end.
   */
  namespaces: readonly string[];
  /** Queue name → namespace of the shard that owns it; queues not named here are placed by a stable hash of their name. */
  queues?: Readonly<Record<string, string>> | undefined;
}

/** A validated shard configuration. */
export interface ShardLayout {
  /** The namespaces as given, in order. */
  namespaces: readonly string[];
  router: QueueRouter;
}

/**
 * Checks a shard configuration: namespaces given and distinct, hash tags on Cluster (and
 * distinct slots wherever tags are used), queue assignments naming a configured shard.
 */
export function validateShards(shards: ShardsOptions, options: { namespace: string | undefined; cluster: boolean }): ShardLayout {
  if (options.namespace !== undefined) {
    throw new ConfigurationError(
      `Give either namespace or shards, not both: with shards every shard has its own namespace (got namespace ${JSON.stringify(options.namespace)}). ` +
        "Drop namespace, or list it in shards.namespaces.",
    );
  }
  const namespaces: unknown = shards?.namespaces;
  if (!Array.isArray(namespaces) || namespaces.length === 0) {
    throw new ConfigurationError('shards.namespaces must list at least one namespace, e.g. ["{resque-a}", "{resque-b}"].');
  }
  const byPrefix = new Map<string, string>();
  const bySlot = new Map<number, string>();
  for (const namespace of namespaces as unknown[]) {
    if (typeof namespace !== "string" || namespace.trim() === "") {
      throw new ConfigurationError(`Every shard namespace must be a non-empty string, got ${JSON.stringify(namespace)}.`);
    }
    const prefix = namespacePrefix(namespace);
    const same = byPrefix.get(prefix);
    if (same !== undefined) {
      throw new ConfigurationError(`Shard namespace ${JSON.stringify(namespace)} is listed twice${same === namespace ? "" : ` (as ${JSON.stringify(same)})`}; every shard needs a namespace of its own.`);
    }
    byPrefix.set(prefix, namespace);
    const tag = hashTagOf(prefix);
    if (tag === undefined) {
      if (options.cluster) {
        throw new ConfigurationError(
          `On Redis Cluster every shard namespace must contain a hash tag, so that the shard's keys live in one slot; got ${JSON.stringify(namespace)}. ` +
            `Use e.g. ${JSON.stringify(`{${namespace.replace(/[{}:]/g, "") || "resque"}}`)}, or pick tags with \`resque shards plan\`.`,
        );
      }
      continue;
    }
    const slot = keySlot(prefix);
    const other = bySlot.get(slot);
    if (other !== undefined) {
      throw new ConfigurationError(
        `Shard namespaces ${JSON.stringify(other)} and ${JSON.stringify(namespace)} hash to the same Cluster slot (${slot}), so they would always share a master; ` +
          "choose another tag for one of them (`resque shards plan` picks tags on different masters).",
      );
    }
    bySlot.set(slot, namespace);
  }
  const indexOf = new Map<string, number>();
  (namespaces as string[]).forEach((namespace, index) => indexOf.set(namespacePrefix(namespace), index));
  const assigned = new Map<string, number>();
  for (const [queue, namespace] of Object.entries(shards.queues ?? {})) {
    if (queue.trim() === "") throw new ConfigurationError("shards.queues names an empty queue.");
    const index = typeof namespace === "string" ? indexOf.get(namespacePrefix(namespace)) : undefined;
    if (index === undefined) {
      throw new ConfigurationError(
        `shards.queues assigns queue "${queue}" to ${JSON.stringify(namespace)}, which is not one of the shards (${(namespaces as string[]).map((n) => JSON.stringify(n)).join(", ")}).`,
      );
    }
    assigned.set(queue, index);
  }
  return { namespaces: [...(namespaces as string[])], router: new QueueRouter(namespaces.length, assigned) };
}
