/**
 * Job statuses for applications and dashboards (`resque.statuses`): enqueue a status job and get
 * its id, read a status by id, list them newest first with paging, kill a job by id, remove
 * statuses. Reads and writes resque-status's keys, so Ruby's resque-status tab shows ours too.
 */
import { randomBytes } from "node:crypto";
import type { ArgsOf, JobClass } from "../job/job.js";
import { toJobStatus, type JobStatus, type StatusState } from "../plugins/status/status-record.js";
import { updateStatus } from "../plugins/status/status-writer.js";
import type { Resque } from "../resque.js";
import { shardMembers } from "../shards/shard-members.js";
import { storeOf, type ReadSource } from "./read-source.js";

/** The arguments of a status job after its id. */
export type StatusArgs<J extends JobClass> = ArgsOf<J> extends [unknown, ...infer Rest] ? Rest : unknown[];

/** A page of statuses, newest first. */
export interface StatusPage {
  /** Statuses in `_statuses` (some may have expired since: those are left out of `statuses`). */
  total: number;
  statuses: JobStatus[];
}

/** What kill(id) did. */
export type KillResult =
  /** It was queued: it is now "killed" and will be skipped when a worker reaches it. */
  | "killed"
  /** It is running: its signal fires within the kill-check interval, and progress() throws. */
  | "requested"
  /** It had ended already (completed, failed or killed). */
  | "finished"
  /** No status has this id. */
  | "unknown";

/** A status by id (undefined when there is none, or it expired). */
export async function getStatus(source: ReadSource, id: string): Promise<JobStatus | undefined> {
  const raw = await storeOf(source).statuses.get(id);
  return raw === null ? undefined : toJobStatus(id, raw);
}

/** Statuses newest first: `limit` of them from `offset` (resque-status's statuses(start, end)). */
export async function listStatuses(source: ReadSource, paging: { offset?: number; limit?: number } = {}): Promise<StatusPage> {
  const store = storeOf(source).statuses;
  const offset = Math.max(0, Math.trunc(paging.offset ?? 0));
  const limit = Math.max(0, Math.trunc(paging.limit ?? 50));
  const [total, ids] = await Promise.all([store.count(), store.ids(offset, limit)]);
  const raws = await store.getMany(ids);
  const statuses: JobStatus[] = [];
  ids.forEach((id, i) => {
    const raw = raws[i];
    if (raw !== null && raw !== undefined) statuses.push(toJobStatus(id, raw));
  });
  return { total, statuses };
}

/**
 * Statuses newest first over several shards, as listStatuses orders one: the newest
 * `offset + limit` of each shard, merged by creation time (ties by id, descending, as Redis
 * orders them in one shard), then the page.
 */
async function listStatusesOf(sources: readonly ReadSource[], paging: { offset?: number; limit?: number }): Promise<StatusPage> {
  const offset = Math.max(0, Math.trunc(paging.offset ?? 0));
  const limit = Math.max(0, Math.trunc(paging.limit ?? 50));
  const stores = sources.map((source) => storeOf(source).statuses);
  const [counts, heads] = await Promise.all([Promise.all(stores.map((store) => store.count())), Promise.all(stores.map((store) => store.idsWithScores(0, offset + limit)))]);
  const merged = heads
    .flatMap((head, shard) => head.map((entry) => ({ ...entry, shard })))
    .sort((a, b) => b.score - a.score || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    .slice(offset, offset + limit);
  const raws = await Promise.all(stores.map((store, shard) => store.getMany(merged.filter((e) => e.shard === shard).map((e) => e.id))));
  const next = raws.map(() => 0);
  const statuses: JobStatus[] = [];
  for (const entry of merged) {
    const raw = raws[entry.shard]![next[entry.shard]!++];
    if (raw !== null && raw !== undefined) statuses.push(toJobStatus(entry.id, raw));
  }
  return { total: counts.reduce((sum, n) => sum + n, 0), statuses };
}

/** Ids on the kill list (jobs asked to stop that have not ended yet). */
export function statusKillList(source: ReadSource): Promise<string[]> {
  return storeOf(source).statuses.killList();
}

/**
 * Statuses of a Resque. Sharded, a status lives on the shard of its job's queue: get, kill and
 * remove find it on whichever shard holds it, list merges every shard's, killList joins them.
 */
export class StatusAdmin {
  constructor(private readonly resque: Resque) {}

  /** The Resque of every shard when sharded; undefined otherwise. */
  get #shards(): readonly Resque[] | undefined {
    return shardMembers(this.resque)?.map((member) => member.resque);
  }

  /** The shard's Resque whose statuses hold `id` (undefined when none does). */
  async #holderOf(id: string, shards: readonly Resque[]): Promise<Resque | undefined> {
    const found = await Promise.all(shards.map((shard) => storeOf(shard).statuses.get(id)));
    const index = found.findIndex((raw) => raw !== null);
    return index < 0 ? undefined : shards[index];
  }

  /**
   * Enqueues a status job with a new id (32 hex characters, as resque-status makes) and returns
   * the id; undefined when a beforeEnqueue hook cancelled it (e.g. a duplicate of a unique job).
   */
  async enqueue<J extends JobClass>(job: J, ...args: StatusArgs<J>): Promise<string | undefined> {
    return this.#enqueue(job, args, undefined);
  }

  /** enqueue onto a given queue. */
  async enqueueTo<J extends JobClass>(queue: string, job: J, ...args: StatusArgs<J>): Promise<string | undefined> {
    return this.#enqueue(job, args, queue);
  }

  async #enqueue(job: JobClass, args: readonly unknown[], queue: string | undefined): Promise<string | undefined> {
    const id = randomBytes(16).toString("hex");
    const result = await this.resque.enqueueJob(job as JobClass, [id, ...args] as never, { queue });
    return result.enqueued ? id : undefined;
  }

  async get(id: string): Promise<JobStatus | undefined> {
    const shards = this.#shards;
    if (!shards) return getStatus(this.resque, id);
    const found = await Promise.all(shards.map((shard) => getStatus(shard, id)));
    return found.find((status) => status !== undefined);
  }

  /** Statuses newest first, `limit` (default 50) from `offset`; sharded, over all shards, `total` summed. */
  list(paging: { offset?: number; limit?: number } = {}): Promise<StatusPage> {
    const shards = this.#shards;
    return shards ? listStatusesOf(shards, paging) : listStatuses(this.resque, paging);
  }

  /** Kills a queued or running job by id (see KillResult). Ruby's workers see the kill list too. */
  async kill(id: string): Promise<KillResult> {
    const shards = this.#shards;
    if (shards) {
      const holder = await this.#holderOf(id, shards);
      return holder ? holder.statuses.kill(id) : "unknown";
    }
    const store = storeOf(this.resque).statuses;
    const raw = await store.get(id);
    if (raw === null) return "unknown";
    const state = toJobStatus(id, raw).status;
    if (state === "completed" || state === "failed" || state === "killed") return "finished";
    await store.requestKill(id);
    const now = Math.floor(Date.now() / 1000);
    let seen: StatusState | undefined;
    const written = await updateStatus(store, id, () => ({ time: now, status: "killed", message: "Killed while queued", finished_at: now }), {
      expireIn: await this.#expireIn(id),
      // Only a status still queued is marked here; a running job records its own end.
      accept: (current) => {
        seen = current.status as StatusState;
        return current.status === "queued";
      },
    });
    if (written === "ok") return "killed";
    return seen === "working" ? "requested" : "finished";
  }

  /** Deletes statuses by id (and their kill-list entries); sharded, on every shard (each id is on one). */
  async remove(...ids: string[]): Promise<void> {
    const shards = this.#shards ?? [this.resque];
    await Promise.all(shards.map((shard) => storeOf(shard).statuses.remove(ids)));
  }

  /** Ids on the kill list (of every shard). */
  async killList(): Promise<string[]> {
    const shards = this.#shards ?? [this.resque];
    return (await Promise.all(shards.map((shard) => statusKillList(shard)))).flat();
  }

  /** A killed-while-queued status keeps the time to live it had. */
  async #expireIn(id: string): Promise<number> {
    const ttl = await storeOf(this.resque).client.ttl(storeOf(this.resque).keys.status(id));
    return ttl > 0 ? ttl : 0;
  }
}
