/**
 * Worker registration and the work cycle: `workers`, `worker:<id>`, `worker:<id>:started`,
 * `workers:heartbeat` and the per-worker stats, as Ruby Resque keeps them.
 */
import { Cluster } from "ioredis";
import type { RedisClient } from "../connection.js";
import type { Keys } from "../keys.js";
import { runScriptDirect } from "../scripts/direct-call.js";
import { runScript } from "../scripts/load.js";
import type { RetryScheduleResult, RetryScheduleWrite } from "./retry-store.js";

/**
 * Writes a plugin makes together with a job's outcome, under the outcome's fence: a job whose
 * reservation was taken away (and requeued) while it ran schedules no retry and clears nothing.
 */
export interface OutcomeWrites {
  /**
   * An identity the retry plugin forgets (its counter, failure copy and pending record are
   * deleted), by its name (RetryStore.identityName).
   */
  forgetRetry?: string;
  /** A retry to schedule (the retry plugin's try_again). */
  retry?: RetryScheduleWrite;
  /** Told once the work cycle answered: what became of `retry`, or "fenced" when nothing was written. */
  settled?: (result: RetryScheduleResult | "fenced") => void;
}

/** What happened to a slot's job, reported back in the next work cycle. */
export type SlotOutcome =
  /** The job ran (successfully, or skipped by a hook); counts as processed. */
  | { workerId: string; outcome: "done"; queue: string; jobName: string; durationMs: number; writes?: OutcomeWrites }
  /** failureEntry "" records the failure in the stats only (a plugin suppressed the entry). */
  | { workerId: string; outcome: "failed"; queue: string; jobName: string; durationMs: number; failureEntry: string; writes?: OutcomeWrites }
  /** The job goes back to the front of its queue, exactly as it was (payload bytes). */
  | { workerId: string; outcome: "requeue"; queue: string; payload: string | Buffer }
  /** A hook put the job elsewhere (JobDeferred): the worker key is cleared without stats. */
  | { workerId: string; outcome: "release"; queue: string; jobName: string };

/**
 * Which queues to take from. `literal` lists queue names in priority order; `patterns` are matched
 * against the `queues` set on every cycle (Ruby's glob rules), compiled to Lua patterns.
 */
export type QueueSelection =
  | { kind: "literal"; queues: readonly string[] }
  | { kind: "patterns"; patterns: readonly { include: boolean; luaPattern: string }[] };

/**
 * A job class whose retry attempts the work cycle counts as it reserves the job (see
 * plugins/retry/attempt-counting.ts): the class's retry plugin would count every run first thing
 * in beforePerform, with resque-retry's default identifier.
 */
export interface AttemptCountingClass {
  /** The class name in payloads. */
  className: string;
  /** The class part of the identity name, whitespace removed (Keys.retryIdentityName). */
  identityClass: string;
  /** Seconds the counter lives after each count; undefined: until it is cleared. */
  expireSeconds: number | undefined;
}

/** A retry attempt a work cycle counted for a job it reserved. */
export interface CountedAttempt {
  attempt: number;
  /** Whether the count created the counter (undoing it then deletes the counter). */
  created: boolean;
  /** The identity name it was counted under (RetryStore.identityName). */
  identityName: string;
  /** Set once the retry plugin took the count; a count nobody took is undone. */
  taken: boolean;
}

export interface WorkCycleRequest {
  /** Unique per call; written into each worker value so a retried call can tell what ran. */
  reservation: string;
  /** Set after a call whose reply was lost: it may or may not have been applied. */
  recovering: boolean;
  finished: readonly FinishedSlot[];
  idleSlots: readonly string[];
  selection: QueueSelection;
  runAt: string;
  honourPause: boolean;
  /** Classes whose retry attempts are counted with the reservation. */
  countAttempts?: readonly AttemptCountingClass[];
}

/** Ruby Resque's Redis failure backends: the `failed` list, or a `<queue>_failed` list per queue. */
export type FailureBackend = "redis" | "redis_multi_queue";

/** An outcome with the reservation token its job was reserved with. */
export type FinishedSlot = SlotOutcome & { reservation: string };

export interface ReservedJob {
  workerId: string;
  queue: string;
  payload: string;
  /** The token of the call that reserved it (reported back when it finishes). */
  reservation: string;
  /** The exact bytes, when they are not valid UTF-8 (`payload` then shows them with U+FFFD). */
  payloadBytes?: Buffer;
  /** The retry attempt the work cycle counted for this run (WorkCycleRequest.countAttempts). */
  counted?: CountedAttempt;
}

/** Reads work-cycle.lua's "<attempt>\t<created 1|0>\t<identity name>". */
function parseCounted(text: string): CountedAttempt {
  const first = text.indexOf("\t");
  const second = text.indexOf("\t", first + 1);
  return { attempt: Number(text.slice(0, first)), created: text.slice(first + 1, second) === "1", identityName: text.slice(second + 1), taken: false };
}

export interface WorkCycleResult {
  paused: boolean;
  reserved: ReservedJob[];
  /**
   * Slots whose outcome was not recorded because their reservation was taken away meanwhile
   * (pruning requeued the job of a worker it judged dead).
   */
  fenced: FinishedSlot[];
  /** Idle slots that got no job because their worker id is not registered (it was pruned). */
  unregistered: string[];
  /** What became of the retries finished slots asked for (OutcomeWrites.retry), per slot. */
  retries: { slot: FinishedSlot; outcome: RetryScheduleResult }[];
}

/** The order work-cycle.lua reads a retry's fields in (after the identity to forget and the flag). */
const RETRY_FIELDS = ["identityName", "mode", "ts", "body", "queue", "copy", "copyTtl", "pendingTtl", "attempt", "limit"] as const satisfies readonly (keyof RetryScheduleWrite)[];

/**
 * Appends a finished slot's writes as work-cycle.lua reads them: the number of values that
 * follow, the name of an identity to forget ("" for none), then 1 and a retry's fields, or 0.
 * Plain arguments rather than JSON: a failure copy is JSON text already and would be escaped again.
 */
function pushWrites(args: (string | number | Buffer)[], writes: OutcomeWrites | undefined): void {
  const forget = writes?.forgetRetry;
  const retry = writes?.retry;
  if (forget === undefined && !retry) {
    args.push(0);
    return;
  }
  args.push(retry ? 2 + RETRY_FIELDS.length : 2, forget ?? "", retry ? 1 : 0);
  if (retry) for (const field of RETRY_FIELDS) args.push(retry[field]);
}

/** How release-workers settles a worker's recorded job (see release-workers.lua). */
export type WorkerRelease =
  | { workerId: string; action: "requeue" | "requeue-clean" }
  | { workerId: string; action: "fail"; reservation: string; failureEntry: string }
  /** A worker key without a registration, requeued if it still holds `seen` and is still unregistered. */
  | { workerId: string; action: "orphan"; seen: string };

/** What our registry records about a worker of ours (resque-ts:workers). */
export interface WorkerLivenessInfo {
  heartbeatSeconds: number;
  /** The longest job timeout of the worker's process, in seconds; undefined when jobs have none. */
  longestTimeoutSeconds: number | undefined;
}

/** Registry values: JSON {"heartbeat":5,"timeout":30|null}, or a bare interval (older versions). */
function parseLivenessInfo(value: string): WorkerLivenessInfo | undefined {
  if (/^\d+(\.\d+)?$/.test(value)) return { heartbeatSeconds: Number(value), longestTimeoutSeconds: undefined };
  try {
    const parsed = JSON.parse(value) as { heartbeat?: unknown; timeout?: unknown };
    if (typeof parsed.heartbeat !== "number" || !(parsed.heartbeat > 0)) return undefined;
    return { heartbeatSeconds: parsed.heartbeat, longestTimeoutSeconds: typeof parsed.timeout === "number" ? parsed.timeout : undefined };
  } catch {
    return undefined;
  }
}

/** Escapes SCAN MATCH's glob characters in a literal prefix. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, "\\$&");
}

/** A dead worker's job that release-workers settled: back on its queue, or failed as DirtyExit. */
export interface SettledJob {
  workerId: string;
  queue: string;
  payload: string;
  outcome: "requeued" | "failed";
}

export interface WorkerRecord {
  id: string;
  /** Raw `worker:<id>` value: the job it is running, or null when idle. */
  job: string | null;
  started: string | null;
  heartbeat: string | null;
}

export class WorkerStore {
  /** `failureBackend`: where failure entries written here go (Ruby's failure backends). */
  constructor(
    private readonly client: RedisClient,
    private readonly keys: Keys,
    private readonly failureBackend: FailureBackend = "redis",
  ) {}

  async workCycle(request: WorkCycleRequest): Promise<WorkCycleResult> {
    // A success with nothing to write needs only its reservation and slot: it travels as one
    // argument "<reservation>\t<worker id>" (a reservation token has no tab), the other outcomes as
    // tuples. Each argument costs the client several string pieces, and successes are most of them.
    // The script numbers finished slots packed ones first: `order` maps its positions back.
    const packed: string[] = [];
    const order: FinishedSlot[] = [];
    const tuples: (string | number | Buffer)[] = [];
    for (const slot of request.finished) {
      if (slot.outcome === "done" && !slot.writes) {
        packed.push(`${slot.reservation}\t${slot.workerId}`);
        order.push(slot);
      }
    }
    for (const slot of request.finished) {
      switch (slot.outcome) {
        case "done":
          if (!slot.writes) continue;
          tuples.push(slot.workerId, "done", slot.queue, "", slot.reservation);
          pushWrites(tuples, slot.writes);
          break;
        case "failed":
          tuples.push(slot.workerId, "failed", slot.queue, slot.failureEntry, slot.reservation);
          pushWrites(tuples, slot.writes);
          break;
        case "requeue":
          tuples.push(slot.workerId, "requeue", slot.queue, slot.payload, slot.reservation, 0);
          break;
        case "release":
          tuples.push(slot.workerId, "release", "", "", slot.reservation, 0);
          break;
      }
      order.push(slot);
    }
    const args: (string | number | Buffer)[] = [
      this.keys.prefix,
      request.runAt,
      request.reservation,
      request.recovering ? 1 : 0,
      this.failureBackend,
      packed.length,
      ...packed,
      order.length - packed.length,
      ...tuples,
    ];
    args.push(request.idleSlots.length, ...request.idleSlots);
    const { selection } = request;
    if (selection.kind === "literal") {
      args.push(0, selection.queues.length, ...selection.queues);
    } else {
      args.push(1, selection.patterns.length);
      for (const p of selection.patterns) args.push(p.include ? "+" : "-", p.luaPattern);
    }
    args.push(request.honourPause ? 1 : 0);
    const counting = request.countAttempts ?? [];
    args.push(counting.length);
    for (const c of counting) args.push(c.className, c.identityClass, c.expireSeconds === undefined ? "" : Math.ceil(c.expireSeconds));
    const k = this.keys;
    const keys = [k.queues, k.processed, k.failedCount, k.failed, k.pauseAll, k.workers, k.dirtyExits, k.failedQueues];
    // Direct: the work loop's connection makes one call per cycle, too few for ioredis' command
    // closures to stop costing memory (see direct-call.ts).
    const reply = (await runScriptDirect(this.client, "workCycle", keys, args)) as [string, number[], string[], number[], (number | string)[], ...string[]];
    const reserved: ReservedJob[] = [];
    for (let i = 5; i < reply.length; i += 5) {
      const job: ReservedJob = { workerId: reply[i] as string, queue: reply[i + 1] as string, payload: reply[i + 2] as string, reservation: reply[i + 3] as string };
      if (reply[i + 4] === "base64") {
        // Not UTF-8: the text form is for reading (U+FFFD where bytes are invalid), the bytes are exact.
        job.payloadBytes = Buffer.from(job.payload, "base64");
        job.payload = job.payloadBytes.toString("utf8");
      }
      reserved.push(job);
    }
    const counted = reply[4];
    for (let i = 0; i < counted.length; i += 2) reserved[(counted[i] as number) - 1]!.counted = parseCounted(counted[i + 1] as string);
    const fenced = reply[1].map((position) => order[position - 1]!);
    const retries: WorkCycleResult["retries"] = [];
    const scheduled = reply[3];
    for (let i = 0; i < scheduled.length; i += 3) {
      retries.push({ slot: order[scheduled[i]! - 1]!, outcome: { scheduled: scheduled[i + 1] === 1, at: scheduled[i + 2]! } });
    }
    return { paused: reply[0] === "paused", reserved, fenced, unregistered: reply[2], retries };
  }

  /**
   * Registers worker ids. Our registry records, per id, the heartbeat interval and the longest
   * job timeout of its process (seconds, or null), which pruners use to judge when it is dead.
   */
  async register(ids: readonly string[], started: string, heartbeat: string, liveness: WorkerLivenessInfo): Promise<void> {
    if (ids.length === 0) return;
    const keys = [this.keys.workers, this.keys.heartbeats, this.keys.ourWorkers];
    const info = JSON.stringify({ heartbeat: liveness.heartbeatSeconds, timeout: liveness.longestTimeoutSeconds ?? null });
    await runScript(this.client, "registerWorkers", keys, [this.keys.prefix, started, heartbeat, info, ...ids]);
  }

  /**
   * Unregisters workers a process is stopping on purpose; a job still recorded for one goes back
   * to the front of its queue. Returns the number requeued.
   */
  async unregister(ids: readonly string[]): Promise<number> {
    return (await this.release(ids.map((workerId) => ({ workerId, action: "requeue-clean" as const })))).requeued;
  }

  /** Unregisters workers after settling their recorded jobs (see release-workers.lua). */
  async release(
    workers: readonly WorkerRelease[],
    options: { failedAt?: string; dirtyExitLimit?: number; dirtyExitTtl?: number } = {},
  ): Promise<{ requeued: number; failed: number; settled: SettledJob[] }> {
    if (workers.length === 0) return { requeued: 0, failed: 0, settled: [] };
    const k = this.keys;
    const keys = [k.workers, k.heartbeats, k.failed, k.failedCount, k.processed, k.ourWorkers, k.dirtyExits, k.failedQueues, k.prunedWorkers];
    const args: (string | number)[] = [k.prefix, options.failedAt ?? "", options.dirtyExitLimit ?? 3, options.dirtyExitTtl ?? 86_400, this.failureBackend];
    for (const w of workers) {
      switch (w.action) {
        case "fail":
          args.push(w.workerId, w.action, w.reservation, w.failureEntry);
          break;
        case "orphan":
          args.push(w.workerId, w.action, "", w.seen);
          break;
        default:
          args.push(w.workerId, w.action, "", "");
      }
    }
    const reply = (await runScript(this.client, "releaseWorkers", keys, args)) as (number | string)[];
    const settled: SettledJob[] = [];
    for (let i = 2; i + 3 < reply.length; i += 4) {
      settled.push({ workerId: String(reply[i]), queue: String(reply[i + 1]), payload: String(reply[i + 2]), outcome: reply[i + 3] === "failed" ? "failed" : "requeued" });
    }
    return { requeued: Number(reply[0]), failed: Number(reply[1]), settled };
  }

  /** What pruning needs to judge liveness: every worker, its heartbeat, and whether it is ours. */
  async liveness(): Promise<{ ids: string[]; heartbeats: Record<string, string>; ours: Record<string, WorkerLivenessInfo>; now: number }> {
    const [ids, heartbeats, ours, [seconds, micros]] = await Promise.all([
      this.client.smembers(this.keys.workers),
      this.client.hgetall(this.keys.heartbeats),
      this.client.hgetall(this.keys.ourWorkers),
      this.client.time(),
    ]);
    const info: Record<string, WorkerLivenessInfo> = {};
    for (const [id, value] of Object.entries(ours)) {
      const parsed = parseLivenessInfo(value);
      if (parsed) info[id] = parsed;
    }
    return { ids, heartbeats, ours: info, now: Number(seconds) * 1000 + Math.floor(Number(micros) / 1000) };
  }

  /**
   * `worker:<id>` values whose id is not in the workers set, found by scanning the keyspace in
   * bounded steps (SCAN). Returns id → value.
   */
  async unregisteredJobs(): Promise<Map<string, string>> {
    const prefix = this.keys.worker("");
    const candidates: string[] = [];
    // On a Cluster the namespace's keys live on one master, but which one is not known here.
    const nodes = this.client instanceof Cluster ? this.client.nodes("master") : [this.client];
    for (const node of nodes) {
      let cursor = "0";
      do {
        const [next, keys] = await node.scan(cursor, "MATCH", `${escapeGlob(prefix)}*`, "COUNT", 1000);
        cursor = next;
        for (const key of keys) {
          const id = key.slice(prefix.length);
          if (id.startsWith("ping:") || id.endsWith(":started")) continue;
          candidates.push(id);
        }
      } while (cursor !== "0");
    }
    const found = new Map<string, string>();
    if (candidates.length === 0) return found;
    const [registered, values] = await Promise.all([
      this.client.smismember(this.keys.workers, ...candidates),
      this.client.mget(...candidates.map((id) => this.keys.worker(id))),
    ]);
    candidates.forEach((id, i) => {
      const value = values[i];
      if (registered[i] === 0 && typeof value === "string" && value.startsWith("{")) found.set(id, value);
    });
    return found;
  }

  /** Ruby's prune lock (SET NX EX); returns whether this pruner got it. */
  async lockPruning(owner: string, ttlSeconds: number): Promise<boolean> {
    return (await this.client.set(this.keys.pruneLock, owner, "EX", ttlSeconds, "NX")) === "OK";
  }

  async unlockPruning(owner: string): Promise<void> {
    await runScript(this.client, "deleteIfOwner", [this.keys.pruneLock], [owner]);
  }

  /** Records a heartbeat for the registered ones among `ids`; returns those that are not registered. */
  async heartbeat(ids: readonly string[], time: string): Promise<string[]> {
    if (ids.length === 0) return [];
    return (await runScript(this.client, "heartbeatWorkers", [this.keys.workers, this.keys.heartbeats], [time, ...ids])) as string[];
  }

  async ids(): Promise<string[]> {
    return (await this.client.smembers(this.keys.workers)).sort();
  }

  /** Everything Resque stores about each worker, for the admin API. */
  async records(ids: readonly string[]): Promise<WorkerRecord[]> {
    if (ids.length === 0) return [];
    const [jobs, started, heartbeats] = await Promise.all([
      this.client.mget(...ids.map((id) => this.keys.worker(id))),
      this.client.mget(...ids.map((id) => this.keys.workerStarted(id))),
      this.client.hmget(this.keys.heartbeats, ...ids),
    ]);
    return ids.map((id, i) => ({ id, job: jobs[i] ?? null, started: started[i] ?? null, heartbeat: heartbeats[i] ?? null }));
  }

  async stats(id: string): Promise<{ processed: number; failed: number }> {
    const [processed, failed] = await Promise.all([this.client.get(this.keys.workerProcessed(id)), this.client.get(this.keys.workerFailed(id))]);
    return { processed: Number(processed ?? 0), failed: Number(failed ?? 0) };
  }
}
