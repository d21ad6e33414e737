/**
 * Dead-worker pruning. Ruby Resque prunes only when a worker starts; resque-ts workers also prune
 * every heartbeat, so a crashed worker's job is back on its queue within seconds. A worker is
 * dead when:
 *   - it runs on this host and its pid no longer exists (any implementation);
 *   - it runs on this host, its pid is alive, and its heartbeat is older than
 *     max(LOCAL_STALL_MS, 3 × its longest job timeout): a live process is not given up on
 *     because of a late heartbeat alone, only when it has been silent far longer than any of
 *     its jobs may run (a stopped or wedged process);
 *   - it is ours on another host and its heartbeat is older than 4 of its heartbeat intervals plus
 *     1 s (our heartbeat runs on its own thread, so a busy event loop does not delay it);
 *   - it is someone else's on another host (Ruby, heartbeat every 60 s) and its heartbeat is older
 *     than 300 s (Ruby's own rule).
 * Its recorded job is requeued at the front of its queue; a job whose workers died
 * `dirtyExitLimit` times is failed as DirtyExit instead (poison-job guard). A worker judged dead
 * that was in fact alive records nothing more for that job: the work cycle fences its outcome.
 *
 * Pruning also finds `worker:<id>` keys that hold a job but whose id is not registered (an
 * implementation that wrote its job after being unregistered, then died). Such a key is requeued
 * when two scans, at least ORPHAN_SCAN_MS apart, saw it unchanged.
 */
import type { Logger } from "../logger.js";
import type { WorkerLivenessInfo, SettledJob, WorkerStore } from "../redis/stores/worker-store.js";
import { failureTime, parseResqueTime } from "../redis/time-formats.js";
import { parseWorkerId } from "./worker-id.js";

/** Ruby's prune threshold for heartbeats (Resque::Worker#prune_dead_workers). */
export const FOREIGN_DEAD_AFTER_MS = 300_000;
/** A live process on this host is pruned only after this long without a heartbeat (at least). */
export const LOCAL_STALL_MS = 600_000;
/** Minimum time between two scans for unregistered worker keys. */
export const ORPHAN_SCAN_MS = 60_000;

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
  /** id → what our registry records, for workers run by resque-ts */
  ours: Record<string, WorkerLivenessInfo>;
  now: number;
}

/** How long a worker may go without a heartbeat before it is dead (see the rules above). */
export function staleLimitMs(info: WorkerLivenessInfo | undefined, local: boolean): number {
  if (local) return Math.max(LOCAL_STALL_MS, 3 * (info?.longestTimeoutSeconds ?? 0) * 1000);
  // Heartbeat times are whole seconds (Ruby's format), so a beat can look up to 1 s older than it is.
  return info ? info.heartbeatSeconds * 4000 + 1000 : FOREIGN_DEAD_AFTER_MS;
}

/** The ids among `liveness.ids` that are dead (see the rules above). */
export function deadWorkers(liveness: Liveness, options: { host: string; exclude: ReadonlySet<string>; pidExists?: (pid: number) => boolean }): string[] {
  const pidExists = options.pidExists ?? processExists;
  const dead: string[] = [];
  for (const id of liveness.ids) {
    if (options.exclude.has(id)) continue;
    const { host, pid } = parseWorkerId(id);
    const local = host === options.host;
    if (local && !pidExists(pid)) {
      dead.push(id);
      continue;
    }
    const beat = parseResqueTime(liveness.heartbeats[id])?.getTime();
    const info = liveness.ours[id];
    if (beat === undefined) {
      // Ruby registers before its first heartbeat; only a worker of ours always has one.
      if (info && !local) dead.push(id);
      continue;
    }
    if (liveness.now - beat > staleLimitMs(info, local)) dead.push(id);
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
  /** Unregistered worker keys seen by this process's previous scan (updated here). */
  orphans?: OrphanWatch;
  /** Told of the dead workers' jobs once they are requeued or failed (runs their onDirtyExit hooks). */
  onSettled?: (settled: SettledJob[]) => Promise<void>;
}

/** What one process remembers between its scans for unregistered worker keys. */
export interface OrphanWatch {
  /** Minimum milliseconds between two scans. */
  everyMs: number;
  lastScan: number;
  seen: Map<string, string>;
}

export function newOrphanWatch(everyMs = ORPHAN_SCAN_MS): OrphanWatch {
  return { everyMs, lastScan: Number.NEGATIVE_INFINITY, seen: new Map() };
}

/** Prunes once, under Ruby's prune lock. Returns the ids pruned (empty when another pruner runs). */
export async function pruneDeadWorkers(options: PruneOptions): Promise<string[]> {
  const owner = options.ownIds[0] ?? options.host;
  if (!(await options.store.lockPruning(owner, options.lockSeconds))) return [];
  try {
    const liveness = await options.store.liveness();
    const dead = deadWorkers(liveness, { host: options.host, exclude: new Set(options.ownIds) });
    if (dead.length > 0) {
      const result = await options.store.release(
        dead.map((workerId) => ({ workerId, action: "requeue" as const })),
        { failedAt: failureTime(new Date(liveness.now)), dirtyExitLimit: options.dirtyExitLimit },
      );
      options.logger.warn({ workers: dead, requeued: result.requeued, failed: result.failed }, "pruned dead workers");
      await options.onSettled?.(result.settled);
    }
    if (options.orphans && liveness.now - options.orphans.lastScan >= options.orphans.everyMs) {
      await requeueOrphans(options, options.orphans, liveness.now);
    }
    return dead;
  } finally {
    await options.store.unlockPruning(owner);
  }
}

/** Requeues worker keys that two scans in a row found unregistered and unchanged. */
async function requeueOrphans(options: PruneOptions, watch: OrphanWatch, now: number): Promise<void> {
  const found = await options.store.unregisteredJobs();
  const settled = [...found].filter(([id, value]) => watch.seen.get(id) === value);
  watch.seen = found;
  watch.lastScan = now;
  if (settled.length === 0) return;
  const result = await options.store.release(
    settled.map(([workerId, seen]) => ({ workerId, action: "orphan" as const, seen })),
    { failedAt: failureTime(new Date(now)), dirtyExitLimit: options.dirtyExitLimit },
  );
  for (const [id] of settled) watch.seen.delete(id);
  options.logger.warn({ workers: settled.map(([id]) => id), requeued: result.requeued, failed: result.failed }, "requeued jobs of unregistered workers");
  await options.onSettled?.(result.settled);
}
