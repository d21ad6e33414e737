/**
 * Worker registration and the work cycle: `workers`, `worker:<id>`, `worker:<id>:started`,
 * `workers:heartbeat` and the per-worker stats, as Ruby Resque keeps them.
 */
import type { RedisClient } from "../connection.js";
import type { Keys } from "../keys.js";
import { runScript } from "../scripts/load.js";

/** What happened to a slot's job, reported back in the next work cycle. */
export type SlotOutcome =
  | { workerId: string; outcome: "done" }
  /** failureEntry "" records the failure in the stats only (a plugin suppressed the entry). */
  | { workerId: string; outcome: "failed"; failureEntry: string }
  | { workerId: string; outcome: "requeue"; queue: string; payload: string }
  | { workerId: string; outcome: "release" };

/**
 * Which queues to take from. `literal` lists queue names in priority order; `patterns` are matched
 * against the `queues` set on every cycle (Ruby's glob rules), compiled to Lua patterns.
 */
export type QueueSelection =
  | { kind: "literal"; queues: readonly string[] }
  | { kind: "patterns"; patterns: readonly { include: boolean; luaPattern: string }[] };

export interface WorkCycleRequest {
  /** Unique per call; written into each worker value so a retried call can tell what ran. */
  reservation: string;
  /** Identifies the calling process (its last call's token is kept to detect replays). */
  processToken: string;
  /** Set after a call whose reply was lost: it may or may not have been applied. */
  recovering: boolean;
  finished: readonly FinishedSlot[];
  idleSlots: readonly string[];
  selection: QueueSelection;
  runAt: string;
  honourPause: boolean;
}

/** An outcome with the reservation token its job was reserved with. */
export type FinishedSlot = SlotOutcome & { reservation: string };

export interface ReservedJob {
  workerId: string;
  queue: string;
  payload: string;
  /** The token of the call that reserved it (reported back when it finishes). */
  reservation: string;
}

export interface WorkCycleResult {
  paused: boolean;
  reserved: ReservedJob[];
}

/** How release-workers settles a worker's recorded job (see release-workers.lua). */
export type WorkerRelease =
  | { workerId: string; action: "requeue" | "requeue-clean" | "keep" }
  | { workerId: string; action: "fail"; reservation: string; failureEntry: string };

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
  constructor(
    private readonly client: RedisClient,
    private readonly keys: Keys,
  ) {}

  async workCycle(request: WorkCycleRequest): Promise<WorkCycleResult> {
    const args: (string | number)[] = [this.keys.prefix, request.runAt, request.reservation, request.recovering ? 1 : 0];
    args.push(request.finished.length);
    for (const slot of request.finished) {
      switch (slot.outcome) {
        case "done":
        case "release":
          args.push(slot.workerId, slot.outcome, "", "", slot.reservation);
          break;
        case "failed":
          args.push(slot.workerId, "failed", "", slot.failureEntry, slot.reservation);
          break;
        case "requeue":
          args.push(slot.workerId, "requeue", slot.queue, slot.payload, slot.reservation);
          break;
      }
    }
    args.push(request.idleSlots.length, ...request.idleSlots);
    const { selection } = request;
    if (selection.kind === "literal") {
      args.push(0, selection.queues.length, ...selection.queues);
    } else {
      args.push(1, selection.patterns.length);
      for (const p of selection.patterns) args.push(p.include ? "+" : "-", p.luaPattern);
    }
    args.push(request.honourPause ? 1 : 0);
    const keys = [this.keys.queues, this.keys.processed, this.keys.failedCount, this.keys.failed, this.keys.pauseAll, this.keys.cycleMarker(request.processToken)];
    const reply = (await runScript(this.client, "workCycle", keys, args)) as string[];
    const reserved: ReservedJob[] = [];
    for (let i = 1; i < reply.length; i += 4) {
      reserved.push({ workerId: reply[i]!, queue: reply[i + 1]!, payload: reply[i + 2]!, reservation: reply[i + 3]! });
    }
    return { paused: reply[0] === "paused", reserved };
  }

  async register(ids: readonly string[], started: string, heartbeat: string, heartbeatIntervalSeconds: number): Promise<void> {
    if (ids.length === 0) return;
    const keys = [this.keys.workers, this.keys.heartbeats, this.keys.ourWorkers];
    await runScript(this.client, "registerWorkers", keys, [this.keys.prefix, started, heartbeat, heartbeatIntervalSeconds, ...ids]);
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
    const keys = [this.keys.workers, this.keys.heartbeats, this.keys.failed, this.keys.failedCount, this.keys.processed, this.keys.ourWorkers];
    const args: (string | number)[] = [this.keys.prefix, options.failedAt ?? "", options.dirtyExitLimit ?? 3, options.dirtyExitTtl ?? 86_400];
    for (const w of workers) {
      args.push(w.workerId, w.action, w.action === "fail" ? w.reservation : "", w.action === "fail" ? w.failureEntry : "");
    }
    const reply = (await runScript(this.client, "releaseWorkers", keys, args)) as (number | string)[];
    const settled: SettledJob[] = [];
    for (let i = 2; i + 3 < reply.length; i += 4) {
      settled.push({ workerId: String(reply[i]), queue: String(reply[i + 1]), payload: String(reply[i + 2]), outcome: reply[i + 3] === "failed" ? "failed" : "requeued" });
    }
    return { requeued: Number(reply[0]), failed: Number(reply[1]), settled };
  }

  /** What pruning needs to judge liveness: every worker, its heartbeat, and whether it is ours. */
  async liveness(): Promise<{ ids: string[]; heartbeats: Record<string, string>; ours: Record<string, string>; now: number }> {
    const [ids, heartbeats, ours, [seconds, micros]] = await Promise.all([
      this.client.smembers(this.keys.workers),
      this.client.hgetall(this.keys.heartbeats),
      this.client.hgetall(this.keys.ourWorkers),
      this.client.time(),
    ]);
    return { ids, heartbeats, ours, now: Number(seconds) * 1000 + Math.floor(Number(micros) / 1000) };
  }

  /** Ruby's prune lock (SET NX EX); returns whether this pruner got it. */
  async lockPruning(owner: string, ttlSeconds: number): Promise<boolean> {
    return (await this.client.set(this.keys.pruneLock, owner, "EX", ttlSeconds, "NX")) === "OK";
  }

  async unlockPruning(owner: string): Promise<void> {
    await runScript(this.client, "deleteIfOwner", [this.keys.pruneLock], [owner]);
  }

  /** Drops a process's last-call marker when it stops. */
  async forgetProcess(processToken: string): Promise<void> {
    await this.client.del(this.keys.cycleMarker(processToken));
  }

  async heartbeat(ids: readonly string[], time: string): Promise<void> {
    if (ids.length === 0) return;
    const fields: string[] = [];
    for (const id of ids) fields.push(id, time);
    await this.client.hset(this.keys.heartbeats, ...fields);
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
