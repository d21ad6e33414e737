/**
 * Dead-worker pruning. Ruby Resque prunes only when a worker starts; resque-ts workers also prune
 * every heartbeat, so a crashed worker's job is back on its queue within seconds. A worker is
 * dead when:
 *   - it is ours (resque-ts registry) and its heartbeat is older than 4 of its heartbeat intervals;
 *   - it is someone else's (Ruby, heartbeat every 60 s) and its heartbeat is older than 300 s
 *     (Ruby's own rule);
 *   - it runs on this host and its pid no longer exists (any implementation).
 * Its recorded job is requeued at the front of its queue; a job whose workers died
 * `dirtyExitLimit` times is failed as DirtyExit instead (poison-job guard).
 */
import type { Logger } from "../logger.js";
import type { SettledJob, WorkerStore } from "../redis/stores/worker-store.js";
import { failureTime, parseResqueTime } from "../redis/time-formats.js";
import { parseWorkerId } from "./worker-id.js";

/** Ruby's prune threshold for heartbeats (Resque::Worker#prune_dead_workers). */
export const FOREIGN_DEAD_AFTER_MS = 300_000;

export function processExists(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return true; // cannot tell: assume alive
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export interface Liveness {
  ids: string[];
  heartbeats: Record<string, string>;
  /** id → heartbeat interval (s) for workers run by resque-ts */
  ours: Record<string, string>;
  now: number;
}

/** The ids among `liveness.ids` that are dead (see the rules above). */
export function deadWorkers(liveness: Liveness, options: { host: string; exclude: ReadonlySet<string>; pidExists?: (pid: number) => boolean }): string[] {
  const pidExists = options.pidExists ?? processExists;
  const dead: string[] = [];
  for (const id of liveness.ids) {
    if (options.exclude.has(id)) continue;
    const { host, pid } = parseWorkerId(id);
    if (host === options.host && !pidExists(pid)) {
      dead.push(id);
      continue;
    }
    const beat = parseResqueTime(liveness.heartbeats[id])?.getTime();
    const interval = Number(liveness.ours[id]);
    if (Number.isFinite(interval) && interval > 0) {
      if (beat === undefined || liveness.now - beat > interval * 4000) dead.push(id);
    } else if (beat !== undefined && liveness.now - beat > FOREIGN_DEAD_AFTER_MS) {
      dead.push(id);
    }
  }
  return dead;
}

export interface PruneOptions {
  store: WorkerStore;
  host: string;
  /** This process's own worker ids (never pruned by itself). */
  ownIds: readonly string[];
  logger: Logger;
  dirtyExitLimit: number;
  /** Seconds the prune lock is held at most. */
  lockSeconds: number;
  /** Told of the dead workers' jobs once they are requeued or failed (runs their onDirtyExit hooks). */
  onSettled?: (settled: SettledJob[]) => Promise<void>;
}

/** Prunes once, under Ruby's prune lock. Returns the ids pruned (empty when another pruner runs). */
export async function pruneDeadWorkers(options: PruneOptions): Promise<string[]> {
  const owner = options.ownIds[0] ?? options.host;
  if (!(await options.store.lockPruning(owner, options.lockSeconds))) return [];
  try {
    const liveness = await options.store.liveness();
    const dead = deadWorkers(liveness, { host: options.host, exclude: new Set(options.ownIds) });
    if (dead.length === 0) return [];
    const result = await options.store.release(
      dead.map((workerId) => ({ workerId, action: "requeue" as const })),
      { failedAt: failureTime(new Date(liveness.now)), dirtyExitLimit: options.dirtyExitLimit },
    );
    options.logger.warn({ workers: dead, requeued: result.requeued, failed: result.failed }, "pruned dead workers");
    await options.onSettled?.(result.settled);
    return dead;
  } finally {
    await options.store.unlockPruning(owner);
  }
}
