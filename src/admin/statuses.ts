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

/** Ids on the kill list (jobs asked to stop that have not ended yet). */
export function statusKillList(source: ReadSource): Promise<string[]> {
  return storeOf(source).statuses.killList();
}

export class StatusAdmin {
  constructor(private readonly resque: Resque) {}

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

  get(id: string): Promise<JobStatus | undefined> {
    return getStatus(this.resque, id);
  }

  list(paging: { offset?: number; limit?: number } = {}): Promise<StatusPage> {
    return listStatuses(this.resque, paging);
  }

  /** Kills a queued or running job by id (see KillResult). Ruby's workers see the kill list too. */
  async kill(id: string): Promise<KillResult> {
    const store = this.resque.store.statuses;
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

  /** Deletes statuses by id (and their kill-list entries). */
  remove(...ids: string[]): Promise<void> {
    return this.resque.store.statuses.remove(ids);
  }

  /** Ids on the kill list. */
  killList(): Promise<string[]> {
    return statusKillList(this.resque);
  }

  /** A killed-while-queued status keeps the time to live it had. */
  async #expireIn(id: string): Promise<number> {
    const ttl = await this.resque.store.client.ttl(this.resque.store.keys.status(id));
    return ttl > 0 ? ttl : 0;
  }
}
