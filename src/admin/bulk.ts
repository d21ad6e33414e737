/**
 * Long admin operations (remove, move or retry thousands of items) run in chunks: each Redis call
 * reads or changes a bounded number of items, so Redis keeps answering everyone else, and the
 * operation can be stopped between two chunks.
 */
import type { ListRef } from "../redis/stores/list-refs.js";

/** Options of every bulk operation. */
export interface BulkOptions {
  /** Stops the operation between two chunks; what was done so far stays done and is reported. */
  signal?: AbortSignal;
  /** Called after each chunk with the items looked at so far and the items there were to look at. */
  onProgress?: (done: number, total: number) => void;
}

/** What a bulk operation did. */
export interface BulkResult {
  /** Items looked at. */
  examined: number;
  /** Items the filter selected. */
  matched: number;
  /** Items acted on: removed, moved or retried. */
  affected: number;
  /** Selected items that changed before they could be acted on (a worker took one, another client removed it): left alone. */
  changedMeanwhile: number;
  /** Selected items that cannot be acted on, e.g. a failed job with no queue to retry on: left alone. */
  skipped: number;
  /** The signal fired: the operation stopped between two chunks. */
  aborted: boolean;
}

/** Items read per call while walking a list. */
export const CHUNK = 1000;

/** A list a bulk operation walks, as the stores expose it. */
export interface WalkedList {
  length(): Promise<number>;
  /** LRANGE: indexes from the head, or negative from the tail. */
  range(start: number, stop: number): Promise<string[]>;
}

/** How a walk treats one item: act on it, leave it, or count it as selected but not actionable. */
export type Selection = "act" | "leave" | "skip";

export interface WalkPlan {
  /**
   * "tail": from the newest item towards the head, for queues (workers pop the head, which does
   * not shift positions counted from the tail). "head": from the oldest, for failed lists (new
   * entries are appended, which does not shift positions counted from the head).
   */
  from: "head" | "tail";
  select(raw: string): Selection;
  /** Acts on the selected items of one chunk. `removed` = how many left this list. */
  act(refs: ListRef[]): Promise<{ affected: number; missing: number; removed: number }>;
  /**
   * Whether acting takes items out of the list. Such walks look again when another client
   * changed the list under them (items may have shifted past the walk); acting again is harmless
   * because acted-on items are gone.
   */
  removes: boolean;
}

/** Passes over a list at most: a removing walk looks once more when other clients changed the list under it. */
const MAX_PASSES = 2;

export function emptyResult(): BulkResult {
  return { examined: 0, matched: 0, affected: 0, changedMeanwhile: 0, skipped: 0, aborted: false };
}

/** Walks a list chunk by chunk, acting on the items `plan.select` picks. */
export async function walkList(list: WalkedList, plan: WalkPlan, options: BulkOptions = {}): Promise<BulkResult> {
  const result = emptyResult();
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const first = pass === 0;
    const total = await list.length();
    let cursor = 0; // items from the walk's starting end that stay behind it
    let done = 0;
    let missing = 0;
    for (;;) {
      if (options.signal?.aborted) {
        result.aborted = true;
        return result;
      }
      const items = plan.from === "head" ? await list.range(cursor, cursor + CHUNK - 1) : await list.range(-(cursor + CHUNK), -(cursor + 1));
      const refs: ListRef[] = [];
      items.forEach((raw, i) => {
        const selection = plan.select(raw);
        if (selection === "leave") return;
        if (selection === "skip") {
          if (first) {
            result.matched++;
            result.skipped++;
          }
          return;
        }
        refs.push({ index: plan.from === "head" ? cursor + i : -(cursor + items.length) + i, raw });
      });
      const acted = refs.length > 0 ? await plan.act(refs) : { affected: 0, missing: 0, removed: 0 };
      result.matched += first ? refs.length : acted.affected;
      result.affected += acted.affected;
      missing += acted.missing;
      result.examined += items.length;
      done += items.length;
      // Removed items, and selected ones someone else took meanwhile, are no longer in the list.
      // A walk that only rewrites items in place keeps its positions.
      cursor += plan.removes ? items.length - acted.removed - acted.missing : items.length;
      options.onProgress?.(done, Math.max(total, done));
      if (items.length < CHUNK) break;
    }
    if (first) result.changedMeanwhile = missing;
    // Another client changed the list under this walk, so items may have shifted past it: a
    // removing walk looks once more (what it acted on is gone, so nothing is acted on twice).
    if (!plan.removes || missing === 0) return result;
  }
  return result;
}
