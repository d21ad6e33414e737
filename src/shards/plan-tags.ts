/**
 * Choosing shard namespaces whose hash tags land on different masters. Distinct tags are not
 * enough: three tags can easily hash to slots of one master. Given the live slot → master map,
 * shard i is placed on master i modulo the number of masters (so with more shards than masters
 * every master gets its share), and its tag is the first name of the series `<base>-1`,
 * `<base>-2`, ... not yet used whose slot that master serves.
 */
import { ConfigurationError } from "../errors.js";
import type { SlotRange } from "../redis/cluster-slots.js";
import { keySlot } from "../redis/hash-slot.js";

/** One planned shard: its namespace and where it lands. */
export interface PlannedShard {
  /** The namespace to configure, e.g. "{resque-3}". */
  namespace: string;
  /** The Cluster slot of its keys. */
  slot: number;
  /** The master serving that slot now, "host:port". */
  master: string;
}

/** The masters of a slot map, in a stable order (by address), each with the ranges it serves. */
function mastersOf(ranges: readonly SlotRange[]): { master: string; ranges: SlotRange[] }[] {
  const byMaster = new Map<string, SlotRange[]>();
  for (const range of ranges) byMaster.set(range.master, [...(byMaster.get(range.master) ?? []), range]);
  return [...byMaster.entries()].sort(([a], [b]) => a.localeCompare(b, "en", { numeric: true })).map(([master, list]) => ({ master, ranges: list }));
}

/** The master serving `slot` in this map, or undefined when no master serves it. */
export function masterOfSlot(ranges: readonly SlotRange[], slot: number): string | undefined {
  return ranges.find((r) => slot >= r.start && slot <= r.end)?.master;
}

/** Plans `count` shard namespaces spread over the masters of `ranges`; `base` names them (default "resque"). */
export function planShardTags(ranges: readonly SlotRange[], count: number, base = "resque"): PlannedShard[] {
  if (!Number.isInteger(count) || count < 1) throw new ConfigurationError(`The number of shards must be a whole number of at least 1, got ${count}.`);
  if (base === "" || /[{}:]/.test(base)) throw new ConfigurationError(`A shard tag base must be non-empty and contain no "{", "}" or ":", got ${JSON.stringify(base)}.`);
  const masters = mastersOf(ranges);
  if (masters.length === 0) throw new ConfigurationError("The Cluster serves no slots yet; create it (redis-cli --cluster create) before planning shards.");
  const planned: PlannedShard[] = [];
  const usedSlots = new Set<number>();
  let next = 1;
  const candidates: { namespace: string; slot: number }[] = [];
  for (let i = 0; i < count; i++) {
    const target = masters[i % masters.length]!;
    const serves = (slot: number) => target.ranges.some((r) => slot >= r.start && slot <= r.end);
    // A candidate skipped for an earlier shard may suit this one: look there first.
    let found = candidates.findIndex((c) => serves(c.slot) && !usedSlots.has(c.slot));
    while (found < 0) {
      const namespace = `{${base}-${next++}}`;
      const candidate = { namespace, slot: keySlot(namespace) };
      candidates.push(candidate);
      if (serves(candidate.slot) && !usedSlots.has(candidate.slot)) found = candidates.length - 1;
      if (next > 1_000_000) throw new ConfigurationError(`No tag of the form {${base}-N} lands on master ${target.master}; it serves too few slots.`);
    }
    const [chosen] = candidates.splice(found, 1);
    usedSlots.add(chosen!.slot);
    planned.push({ namespace: chosen!.namespace, slot: chosen!.slot, master: target.master });
  }
  return planned;
}
