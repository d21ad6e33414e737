/** Read API over registered workers (Ruby's and node-resque's included), for applications and tools. */
import type { WorkerStore } from "../redis/stores/worker-store.js";
import { parseResqueTime } from "../redis/time-formats.js";
import { parseWorkerId } from "../worker/worker-id.js";

export interface WorkerInfo {
  id: string;
  host: string;
  pid: number;
  queues: string[];
  /** The job it is running, or null when idle. */
  job: { queue: string; runAt: Date | undefined; class: string; args: unknown[] } | null;
  startedAt: Date | undefined;
  heartbeatAt: Date | undefined;
  processed: number;
  failed: number;
}

function runningJob(raw: string | null): WorkerInfo["job"] {
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as { queue?: unknown; run_at?: unknown; payload?: { class?: unknown; args?: unknown } };
    return {
      queue: String(value.queue ?? ""),
      runAt: parseResqueTime(typeof value.run_at === "string" ? value.run_at : undefined),
      class: String(value.payload?.class ?? ""),
      args: Array.isArray(value.payload?.args) ? value.payload.args : [],
    };
  } catch {
    return { queue: "", runAt: undefined, class: "(unreadable)", args: [] };
  }
}

/** Every registered worker, sorted by id. */
export async function listWorkers(store: WorkerStore): Promise<WorkerInfo[]> {
  const records = await store.records(await store.ids());
  return Promise.all(
    records.map(async (record) => {
      const { host, pid, queues } = parseWorkerId(record.id);
      const stats = await store.stats(record.id);
      return {
        id: record.id,
        host,
        pid,
        queues,
        job: runningJob(record.job),
        startedAt: parseResqueTime(record.started),
        heartbeatAt: parseResqueTime(record.heartbeat),
        ...stats,
      };
    }),
  );
}
