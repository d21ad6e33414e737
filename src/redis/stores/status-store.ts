/**
 * Job statuses in resque-status's layout: `status:<uuid>` JSON, the `_statuses` zset of uuids by
 * creation time, and the `_kill` list of uuids asked to stop. Values are built by the status
 * plugin (src/plugins/status/); this store only reads and writes them.
 */
import type { RedisClient } from "../connection.js";
import type { Keys } from "../keys.js";
import { runScript } from "../scripts/load.js";

export type StatusWriteResult = "ok" | "changed" | "killed";

export interface StatusWrite {
  uuid: string;
  /** The value read before ("" when there was none; "*" to overwrite whatever is there). */
  expected: string;
  value: string;
  /** Seconds the status lives after this write; 0 = forever. */
  expireIn: number;
  /** Refuse when the uuid is on the kill list. */
  refuseIfKilled?: boolean;
  /** Create: add the uuid to `_statuses` scored `now`, dropping members older than expireIn. */
  create?: boolean;
  /** Take the uuid off the kill list (the job ended). */
  clearKill?: boolean;
  /** Unix seconds now, for `create`. */
  now?: number;
}

export class StatusStore {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: Keys,
  ) {}

  /** The raw status JSON of a uuid, or null. */
  get(uuid: string): Promise<string | null> {
    return this.client.get(this.keys.status(uuid));
  }

  /** Raw status JSON of several uuids (null where missing). */
  async getMany(uuids: readonly string[]): Promise<(string | null)[]> {
    if (uuids.length === 0) return [];
    return this.client.mget(...uuids.map((uuid) => this.keys.status(uuid)));
  }

  /** Compare-and-set write of a status (see status-write.lua). */
  async write(request: StatusWrite): Promise<StatusWriteResult> {
    const flags = `${request.refuseIfKilled ? "k" : ""}${request.create ? "c" : ""}${request.clearKill ? "r" : ""}`;
    const keys = [this.keys.status(request.uuid), this.keys.statusKill, this.keys.statusSet];
    return (await runScript(this.client, "statusWrite", keys, [
      request.uuid,
      request.expected,
      request.value,
      Math.max(0, Math.ceil(request.expireIn)),
      flags,
      request.now ?? 0,
    ])) as StatusWriteResult;
  }

  /** Whether a uuid is on the kill list. */
  async killRequested(uuid: string): Promise<boolean> {
    return (await this.client.sismember(this.keys.statusKill, uuid)) === 1;
  }

  /** Puts a uuid on the kill list (resque-status's Hash.kill). */
  async requestKill(uuid: string): Promise<void> {
    await this.client.sadd(this.keys.statusKill, uuid);
  }

  /** Uuids on the kill list. */
  killList(): Promise<string[]> {
    return this.client.smembers(this.keys.statusKill);
  }

  /** Uuids, newest first, from `start` (0-based) for `count` (resque-status's status_ids). */
  ids(start: number, count: number): Promise<string[]> {
    if (count <= 0) return Promise.resolve([]);
    return this.client.zrevrange(this.keys.statusSet, start, start + count - 1);
  }

  /** Like ids, with each uuid's score (creation time, unix seconds): to merge the lists of several shards. */
  async idsWithScores(start: number, count: number): Promise<{ id: string; score: number }[]> {
    if (count <= 0) return [];
    const flat = await this.client.zrevrange(this.keys.statusSet, start, start + count - 1, "WITHSCORES");
    const out: { id: string; score: number }[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) out.push({ id: flat[i]!, score: Number(flat[i + 1]) });
    return out;
  }

  /** How many uuids `_statuses` holds (resque-status's count). */
  count(): Promise<number> {
    return this.client.zcard(this.keys.statusSet);
  }

  /** Deletes statuses and their `_statuses` and `_kill` entries (resque-status's remove). */
  async remove(uuids: readonly string[]): Promise<void> {
    if (uuids.length === 0) return;
    await this.client
      .multi()
      .del(...uuids.map((uuid) => this.keys.status(uuid)))
      .zrem(this.keys.statusSet, ...uuids)
      .srem(this.keys.statusKill, ...uuids)
      .exec();
  }
}
