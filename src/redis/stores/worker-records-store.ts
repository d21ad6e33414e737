/**
 * Everything stored about registered workers, read for the admin API in two round trips: the
 * `workers` set, then each worker's job, start time, heartbeat, counters, whether resque-ts runs
 * it, and node-resque's heartbeat key (which tells node-resque workers apart).
 */
import type { RedisClient } from "../connection.js";
import type { Keys } from "../keys.js";

export interface WorkerDetails {
  id: string;
  /** Raw `worker:<id>` value: the job it is running, or null when idle. */
  job: string | null;
  started: string | null;
  heartbeat: string | null;
  /** Heartbeat interval (seconds) when resque-ts runs this worker, else null. */
  ours: string | null;
  /** Whether node-resque's `worker:ping:<host:pid>` exists for it. */
  nodeResquePing: boolean;
  processed: number;
  failed: number;
}

export class WorkerRecordsStore {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: Keys,
  ) {}

  async ids(): Promise<string[]> {
    return (await this.client.smembers(this.keys.workers)).sort();
  }

  /** Details of these workers (ids from `ids()`), in one round trip. */
  async details(ids: readonly string[]): Promise<WorkerDetails[]> {
    if (ids.length === 0) return [];
    const [jobs, started, heartbeats, ours, processed, failed, pings] = await Promise.all([
      this.client.mget(...ids.map((id) => this.keys.worker(id))),
      this.client.mget(...ids.map((id) => this.keys.workerStarted(id))),
      this.client.hmget(this.keys.heartbeats, ...ids),
      this.client.hmget(this.keys.ourWorkers, ...ids),
      this.client.mget(...ids.map((id) => this.keys.workerProcessed(id))),
      this.client.mget(...ids.map((id) => this.keys.workerFailed(id))),
      this.client.mget(...ids.map((id) => this.keys.nodeResquePing(processName(id)))),
    ]);
    return ids.map((id, i) => ({
      id,
      job: jobs[i] ?? null,
      started: started[i] ?? null,
      heartbeat: heartbeats[i] ?? null,
      ours: ours[i] ?? null,
      nodeResquePing: pings[i] !== null && pings[i] !== undefined,
      processed: Number(processed[i] ?? 0),
      failed: Number(failed[i] ?? 0),
    }));
  }

  /** What pruning recorded of the workers it found dead (release-workers.lua), JSON values, newest first. */
  pruned(): Promise<string[]> {
    return this.client.lrange(this.keys.prunedWorkers, 0, -1);
  }
}

/** `host:pid`: the first two parts of a worker id, node-resque's worker name. */
function processName(id: string): string {
  const first = id.indexOf(":");
  const second = first < 0 ? -1 : id.indexOf(":", first + 1);
  return second < 0 ? id : id.slice(0, second);
}
