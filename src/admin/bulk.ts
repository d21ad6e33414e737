/**
 * Long admin operations (remove, move or retry thousands of items) run in chunks: each Redis call
 * reads or changes a bounded number of items, so Redis keeps answering everyone else, and the
 * operation can be stopped between two chunks.
 */
import type { ListChunk, ListRef } from "../redis/stores/list-refs.js";

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
  /** The next items after `anchor` (an item read earlier), or from the head; see read-list-after.lua. */
  after(anchor: ListRef | undefined, count: number): Promise<ListChunk>;
}

/** How a walk treats one item: act on it, leave it, or count it as selected but not actionable. */
export type Selection = "act" | "leave" | "skip";

export interface WalkPlan {
  select(raw: string): Selection;
  /** Acts on the selected items of one chunk. */
  act(refs: ListRef[]): Promise<{ affected: number; missing: number }>;
  /**
   * For plans whose acted-on items stay in the list (counting; retrying failed entries in place):
   * an item's bytes after `act`. The walk then goes on after the chunk's last item as it is now.
   */
  current?(ref: ListRef): string;
}

export function emptyResult(): BulkResult {
  return { examined: 0, matched: 0, affected: 0, changedMeanwhile: 0, skipped: 0, aborted: false };
}

/** Selected items acted on together: Redis scans the list once per act, so sparse matches are gathered first. */
const ACT_BATCH = 1000;
/** ... as long as they lie within this many positions of each other (each act reads that span). */
const ACT_SPAN = 4 * CHUNK;

/**
 * Walks a list from its head, a chunk per call, acting on the items `plan.select` picks. The walk
 * goes on after the last item it left in place (its anchor), found again wherever workers, producers
 * and other clients moved it, so nothing is passed over. Items it acted on are gone or changed, so
 * when the anchor itself is gone and the walk starts again from the head, only items it left are
 * read again, and those it leaves again. Selected items of several chunks are acted on together
 * (one LREM scan for all of them) while they lie close to each other.
 */
export async function walkList(list: WalkedList, plan: WalkPlan, options: BulkOptions = {}): Promise<BulkResult> {
  const result = emptyResult();
  const total = await list.length();
  // Defensive bound: a list rewritten faster than it is walked still ends the walk.
  const limit = 3 * total + 10 * CHUNK;
  const seen = new Set<string>();
  let anchor: ListRef | undefined;
  let pending: ListRef[] = [];

  const flush = async () => {
    if (pending.length === 0) return;
    const refs = pending;
    pending = [];
    const acted = await plan.act(refs);
    result.matched += acted.affected + acted.missing;
    result.affected += acted.affected;
    result.changedMeanwhile += acted.missing;
    const last = refs.at(-1)!;
    if (plan.current) {
      if (!anchor || last.index > anchor.index) anchor = { index: last.index, raw: plan.current(last) };
    } else if (anchor) {
      // Acted-on items left the list: the anchor moved up by those that were before it.
      const before = anchor.index;
      anchor = { index: before - refs.filter((ref) => ref.index < before).length, raw: anchor.raw };
    }
  };

  for (;;) {
    if (options.signal?.aborted) {
      await flush();
      result.aborted = true;
      return result;
    }
    const { start, length, items } = await list.after(anchor, CHUNK);
    if (pending.length > 0 && start + items.length - pending[0]!.index > ACT_SPAN) await flush();
    items.forEach((raw, i) => {
      const index = start + i;
      const selection = plan.select(raw);
      if (selection === "act") {
        pending.push({ index, raw, fromTail: length - index });
        return;
      }
      // Bytes that are not valid UTF-8 arrive as U+FFFD and cannot be found again by their text.
      if (!raw.includes("\uFFFD")) anchor = { index, raw };
      // An item left in place may be read again after a restart from the head: count it once.
      if (selection === "skip" && !seen.has(raw)) {
        seen.add(raw);
        result.matched++;
        result.skipped++;
      }
    });
    result.examined += items.length;
    // The next read starts after the anchor: selected items past it must be acted on first, or
    // they would be read again. Plans that keep their items anchor on what they act on.
    const lastPending = pending.at(-1);
    const mustFlush = plan.current !== undefined || (lastPending !== undefined && (!anchor || lastPending.index > anchor.index));
    if (mustFlush || pending.length >= ACT_BATCH) await flush();
    options.onProgress?.(result.examined, Math.max(total, result.examined));
    if (items.length < CHUNK || result.examined > limit) {
      await flush();
      return result;
    }
  }
}
