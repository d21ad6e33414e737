/**
 * The numbers pages refresh without a reload: a small JSON document of `data-live` keys and
 * values, read from one overview (three round trips), polled by the page script while the tab
 * is visible.
 */
import type { Overview } from "../admin/overview.js";

export function liveValues(overview: Overview, prefix = ""): Record<string, number> {
  const values: Record<string, number> = {
    [`${prefix}processed`]: overview.totals.processed,
    [`${prefix}failed`]: overview.failed.count,
    [`${prefix}queued`]: overview.queues.reduce((sum, q) => sum + q.size, 0),
    [`${prefix}working`]: overview.running.length,
    [`${prefix}workers`]: overview.workers.length,
    [`${prefix}delayed`]: overview.scheduler.delayedTimestamps,
  };
  for (const queue of overview.queues) values[`${prefix}queue:${queue.name}`] = queue.size;
  for (const list of overview.failed.lists) values[`${prefix}failed-list:${list.name}`] = list.size;
  return values;
}
