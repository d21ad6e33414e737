/** Startup check: job classes waiting on a worker's queues that no loaded module provides. */
import type { Resque } from "../resque.js";
import type { ParsedQueues } from "../worker/queue-selection.js";

/** Looks at the first `sample` jobs of each queue (on every shard); returns queue → unknown class names. */
export async function findUnknownJobs(resque: Resque, queues: ParsedQueues, sample = 100): Promise<Map<string, string[]>> {
  const unknown = new Map<string, string[]>();
  for (const admin of resque.shardAdmins) {
    const known = await admin.queues.names();
    const names = queues.selection.kind === "literal" ? queues.entries.filter((q) => known.includes(q)) : known.filter((q) => queues.matches(q));
    for (const queue of names) {
      const jobs = await admin.queues.peek(queue, { start: 0, count: sample });
      const missing = new Set<string>(unknown.get(queue));
      for (const job of jobs) if (job.class && !resque.registry.get(job.class)) missing.add(job.class);
      if (missing.size > 0) unknown.set(queue, [...missing].sort());
    }
  }
  return unknown;
}
