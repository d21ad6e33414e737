/** Facts about the Redis server itself: INFO, how the client reaches it, and keys by kind. */
import { Cluster, type Redis } from "ioredis";
import type { RedisClient } from "../connection.js";
import type { Keys } from "../keys.js";

export type RedisMode = "standalone" | "sentinel" | "cluster";

export class ServerStore {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: Keys,
  ) {}

  /** How this client reaches Redis: through Sentinel, to a Cluster, or directly. */
  get mode(): RedisMode {
    if (this.client instanceof Cluster) return "cluster";
    return this.client.options.sentinels && this.client.options.sentinels.length > 0 ? "sentinel" : "standalone";
  }

  /** Where this client connects, for labels: host:port, a socket path, the Sentinel master name, or the Cluster's first seed. */
  get target(): string {
    if (this.client instanceof Cluster) {
      const node = this.client.nodes("master")[0]?.options;
      return node ? `cluster ${node.host ?? ""}:${node.port ?? ""}` : "cluster";
    }
    const { options } = this.client;
    if (options.sentinels && options.sentinels.length > 0) return `sentinel ${options.name ?? ""}`;
    if (options.path) return options.path;
    return `${options.host ?? "localhost"}:${options.port ?? 6379}${options.db ? `/${options.db}` : ""}`;
  }

  /** INFO of the given sections as field → value (on Cluster: of the node serving the namespace's slot). */
  async info(sections: readonly string[]): Promise<Record<string, string>> {
    const replies = await Promise.all(sections.map((section) => this.#info(section)));
    const fields: Record<string, string> = {};
    for (const text of replies) {
      for (const line of text.split("\r\n")) {
        const colon = line.indexOf(":");
        if (colon > 0 && !line.startsWith("#")) fields[line.slice(0, colon)] = line.slice(colon + 1);
      }
    }
    return fields;
  }

  async #info(section: string): Promise<string> {
    return (await this.#node()).info(section);
  }

  /**
   * The connection to ask about the namespace's keys: on Cluster, the master serving the
   * namespace's slot (a Cluster namespace carries a hash tag, so all its keys share one slot).
   */
  async #node(): Promise<Redis> {
    if (!(this.client instanceof Cluster)) return this.client;
    const cluster = this.client;
    const slot = Number(await cluster.cluster("KEYSLOT", this.keys.queues));
    const owner = cluster.slots[slot]?.[0];
    const node = cluster.nodes("master").find((n) => `${n.options.host}:${n.options.port}` === owner);
    return node ?? cluster.nodes("master")[0]!;
  }

  /** Redis' clock in milliseconds. */
  async time(): Promise<number> {
    const [seconds, micros] = await this.client.time();
    return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  }

  /**
   * One step of a SCAN over the namespace's keys: at most `count` keys looked at per call.
   * Returns the next cursor ("0" when done) and the keys found, without the namespace.
   */
  async scanStep(cursor: string, count: number): Promise<{ cursor: string; keys: string[] }> {
    const match = `${escapeGlob(this.keys.prefix)}*`;
    const [next, found] = await (await this.#node()).scan(cursor, "MATCH", match, "COUNT", count);
    return { cursor: next, keys: found.map((key) => key.slice(this.keys.prefix.length)) };
  }
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
