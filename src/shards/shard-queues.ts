/**
 * Which of a worker's queue entries each shard serves: a plain queue name goes to the shard that
 * owns it; a glob ("*", "mail_*") and an exclusion ("!name") go to every shard, where they match
 * that shard's own queues (so "*" covers all shards, and a queue left behind on its old shard
 * after a move is still drained). Entry order is kept within each shard.
 */
import { queueEntries } from "../worker/queue-selection.js";

const GLOB_CHARS = /[*?{}[\]]/;

/** Per shard index, the entries its worker takes; an empty list when it serves none. */
export function shardQueues(input: string | readonly string[], shardCount: number, shardOf: (queue: string) => number): string[][] {
  const perShard: string[][] = Array.from({ length: shardCount }, () => []);
  for (const entry of queueEntries(input)) {
    if (entry.startsWith("!") || GLOB_CHARS.test(entry)) for (const list of perShard) list.push(entry);
    else perShard[shardOf(entry)]!.push(entry);
  }
  // A shard with exclusions only has nothing to take.
  return perShard.map((list) => (list.some((entry) => !entry.startsWith("!")) ? list : []));
}
