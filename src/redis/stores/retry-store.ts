/**
 * Retry state in resque-retry's layout: the attempt counter `resque-retry:<class>[:<id>]` and the
 * suppressed failure copy `failure-resque-retry:<class>[:<id>]`, plus our pending-retry record
 * (the duplicate guard). Retries themselves are ordinary delayed items or queue payloads.
 */
import type { RedisClient } from "../connection.js";
import type { Keys } from "../keys.js";
import { runScript } from "../scripts/load.js";

/** A job identity as resque-retry names it: class name and identifier (undefined: none). */
export interface RetryIdentity {
  className: string;
  identifier: string | undefined;
}

export interface RetryScheduleRequest {
  identity: RetryIdentity;
  /** Unix second the retry is due, or "now" to push it onto its queue at once. */
  at: number | "now";
  /** The delayed item `{"class","args","queue"}` (used when `at` is a time). */
  item: string;
  /** The queue payload (used when `at` is "now"). */
  payload: string;
  queue: string;
  /** The failure copy to write (resque-retry's format), or undefined for none. */
  failureCopy: string | undefined;
  /** Seconds the failure copy lives. */
  failureCopyTtl: number;
  /** Seconds the pending-retry record lives. */
  pendingTtl: number;
  /** The attempt that failed, and the limit (undefined: unlimited), kept for the admin API. */
  attempt: number;
  limit: number | undefined;
}

/** What scheduling did: scheduled now, or found a retry of the identity already pending. */
export interface RetryScheduleResult {
  scheduled: boolean;
  /** Unix second of the (new or pending) retry; 0 when it went onto its queue at once. */
  at: number;
}

/**
 * A retry as a work cycle sends it with the failed job's outcome: only what differs between jobs
 * (work-cycle.lua builds the keys from the identity's name and the namespace, as keys.ts names
 * them). Numbers travel as strings so Lua never reformats them.
 */
export interface RetryScheduleWrite {
  /** The identity's name without resque-retry's prefix, "<class>[:<id>]" (see RetryStore.identityName). */
  identityName: string;
  mode: "at" | "now";
  /** The due time (mode "at"), "0" otherwise. */
  ts: string;
  /** The delayed item (mode "at") or the queue payload (mode "now"). */
  body: string;
  queue: string;
  /** The failure copy, "" for none. */
  copy: string;
  copyTtl: string;
  pendingTtl: string;
  attempt: string;
  /** "" when unlimited. */
  limit: string;
}

/** Everything stored about one identity, for the admin API. */
export interface StoredRetryState {
  /** The counter's value (the last attempt begun), undefined when there is no counter. */
  counter: number | undefined;
  /** The failure copy JSON, when present. */
  failureCopy: string | null;
  /** Our pending-retry record JSON, when present. */
  pending: string | null;
}

/** A beginAttempt call waiting for its tick's batch. */
interface PendingAttempt {
  keys: [string, string];
  expire: number | "";
  resolve: (attempt: number) => void;
  reject: (error: unknown) => void;
}

export class RetryStore {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: Keys,
  ) {}

  /** resque-retry's counter key of an identity (with the namespace). */
  counterKey(identity: RetryIdentity): string {
    return this.keys.retryCounter(identity.className, identity.identifier);
  }

  /**
   * The part the identity's three keys share, "<class>[:<id>]": the counter is
   * resque-retry:<name>, the failure copy failure-resque-retry:<name> and our pending record
   * resque-ts:retry-pending:<name>. A work cycle is sent this and builds the keys itself.
   */
  identityName(identity: RetryIdentity): string {
    return this.keys.retryIdentityName(identity.className, identity.identifier);
  }

  /** resque-retry's failure copy key of an identity (with the namespace). */
  failureCopyKey(identity: RetryIdentity): string {
    return this.keys.retryFailureCopy(identity.className, identity.identifier);
  }

  /**
   * Counts a run: SETNX -1 + INCR (+ EXPIRE). Returns the attempt number (0 on the first run).
   * The runs a worker starts together (one work cycle's jobs) call this in the same tick: their
   * counts go out as one script call instead of one each.
   */
  beginAttempt(identity: RetryIdentity, expireSeconds: number | undefined): Promise<number> {
    return new Promise((resolve, reject) => {
      if (this.#attempts.length === 0) process.nextTick(() => this.#sendAttempts());
      this.#attempts.push({ keys: [this.counterKey(identity), this.#pendingKey(identity)], expire: expireSeconds === undefined ? "" : Math.ceil(expireSeconds), resolve, reject });
    });
  }

  readonly #attempts: PendingAttempt[] = [];

  /**
   * Undoes an attempt a work cycle counted under `identityName` (CountedAttempt) that no run
   * took: the counter goes down by one, or is deleted when that count created it.
   */
  async uncountAttempt(identityName: string, created: boolean): Promise<void> {
    await runScript(this.client, "retryUncountAttempt", [this.keys.retryCounterOfName(identityName)], [created ? 1 : 0]);
  }

  #sendAttempts(): void {
    const batch = this.#attempts.splice(0);
    runScript(this.client, "retryBeginAttempts", batch.flatMap((a) => a.keys), batch.map((a) => a.expire)).then(
      (reply) => {
        const attempts = reply as number[];
        batch.forEach((a, n) => a.resolve(attempts[n]!));
      },
      (error: unknown) => {
        for (const a of batch) a.reject(error);
      },
    );
  }

  /** The counter's value, undefined when there is none (resque-retry's GET on a DirtyExit). */
  async currentAttempt(identity: RetryIdentity): Promise<number | undefined> {
    const value = await this.client.get(this.counterKey(identity));
    if (value === null) return undefined;
    const attempt = Number(value);
    return Number.isInteger(attempt) ? attempt : undefined;
  }

  /** Schedules a retry unless one of this identity is pending; writes the failure copy either way. */
  async schedule(request: RetryScheduleRequest): Promise<RetryScheduleResult> {
    const { identity } = request;
    const w = this.scheduleWrite(request);
    const keys = [
      this.counterKey(identity),
      this.#pendingKey(identity),
      this.failureCopyKey(identity),
      this.keys.delayedSchedule,
      this.keys.delayed(w.ts),
      this.keys.timestamps(request.item),
      this.keys.queues,
      this.keys.queue(w.queue),
    ];
    const args = [this.keys.prefix, w.mode, w.ts, request.item, request.payload, w.queue, w.copy, w.copyTtl, w.pendingTtl];
    args.push(this.keys.schedulerWakeupChannel, this.keys.wakeupChannel, w.attempt, w.limit);
    const reply = (await runScript(this.client, "retrySchedule", keys, args)) as [number, number];
    return { scheduled: reply[0] === 1, at: reply[1] };
  }

  /** The same scheduling as `schedule`, as a write for a work cycle to make with the job's outcome. */
  scheduleWrite(request: RetryScheduleRequest): RetryScheduleWrite {
    const now = request.at === "now";
    return {
      identityName: this.identityName(request.identity),
      mode: now ? "now" : "at",
      ts: now ? "0" : String(request.at),
      body: now ? request.payload : request.item,
      queue: request.queue,
      copy: request.failureCopy ?? "",
      copyTtl: String(Math.max(1, Math.ceil(request.failureCopyTtl))),
      pendingTtl: String(Math.max(1, Math.ceil(request.pendingTtl))),
      attempt: String(request.attempt),
      limit: request.limit === undefined ? "" : String(request.limit),
    };
  }

  /** Forgets an identity: counter, failure copy and pending record (success or give-up). One DEL. */
  async clear(identity: RetryIdentity): Promise<void> {
    await this.client.del(this.counterKey(identity), this.failureCopyKey(identity), this.#pendingKey(identity));
  }

  /** What is stored for each identity, read in one pipeline. */
  async states(identities: readonly RetryIdentity[]): Promise<StoredRetryState[]> {
    if (identities.length === 0) return [];
    // One MGET per call rather than three GETs per identity: listing the retries among
    // thousands of delayed jobs spends its time in per-command client overhead otherwise.
    const keys = identities.flatMap((identity) => [this.counterKey(identity), this.failureCopyKey(identity), this.#pendingKey(identity)]);
    const values = await this.client.mget(...keys);
    return identities.map((_, i) => {
      const counter = values[3 * i] ?? null;
      const parsed = counter === null ? undefined : Number(counter);
      return {
        counter: parsed !== undefined && Number.isInteger(parsed) ? parsed : undefined,
        failureCopy: values[3 * i + 1] ?? null,
        pending: values[3 * i + 2] ?? null,
      };
    });
  }

  /**
   * Cancels a scheduled retry as resque-web does: removes every copy of the delayed item and
   * deletes the identity's counter, failure copy and pending record. Returns the copies removed.
   */
  async cancel(identity: RetryIdentity, item: string): Promise<number> {
    const keys = [
      this.keys.delayedSchedule,
      this.keys.timestamps(item),
      this.counterKey(identity),
      this.failureCopyKey(identity),
      this.#pendingKey(identity),
    ];
    return (await runScript(this.client, "retryCancel", keys, [this.keys.prefix, item])) as number;
  }

  #pendingKey(identity: RetryIdentity): string {
    return this.keys.retryPending(identity.className, identity.identifier);
  }
}
