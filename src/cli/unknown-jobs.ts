/** Startup check: job classes waiting on a worker's queues that no loaded module provides. */
import type { Resque } from "../resque.js";
import type { ParsedQueues } from "../worker/queue-selection.js";

/** Looks at the first `sample` jobs of each queue (on every shard); returns queue → unknown class names. */
export async function findUnknownJobs(resque: Resque, queues: ParsedQueues, sample = 100): Promise<Map<string, string[]>> {
  const unknown = new Map<string, string[]>();
  const shards = resque.shardNamespaces;
  for (const [index, admin] of resque.shardAdmins.entries()) {
    // A named queue is looked at on the shard that owns it (its list may exist without a `queues` entry).
    const owned = (queue: string) => shards === undefined || resque.shardOf(queue) === shards[index];
    const names = queues.selection.kind === "literal" ? queues.entries.filter(owned) : (await admin.queues.names()).filter((q) => queues.matches(q));
    for (const queue of names) {
      const jobs = await admin.queues.peek(queue, { start: 0, count: sample });
      const missing = new Set<string>(unknown.get(queue));
      for (const job of jobs) if (job.class && !resque.registry.get(job.class)) missing.add(job.class);
      if (missing.size > 0) unknown.set(queue, [...missing].sort());
    }
  }
  return unknown;
}
