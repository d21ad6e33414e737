/**
 * Which slots of a schedule to fire now. A slot is due once its time has come and it is after the
 * schedule's cursor (the last slot already dealt with). A due slot at most `graceMs` old is on
 * time and fires: that covers a leader failover and short restarts. Older ones were missed while
 * no scheduler ran, and the schedule's `missed` policy decides:
 * - "skip" (default): none of them fire, like cron and resque-scheduler;
 * - "last": only the most recent missed slot fires;
 * - "all": every missed slot fires, oldest first, but at most `cap` (the most recent ones).
 */
import type { Timing } from "./timing.js";

export type MissedPolicy = "skip" | "last" | "all";

export const MISSED_POLICIES: readonly MissedPolicy[] = ["skip", "last", "all"];

export interface DueSlots {
  /** Slots to fire, oldest first (epoch ms). */
  fire: number[];
  /** The most recent missed slot, when any was missed. */
  lastMissed: number | undefined;
  /** "all" hit its cap: older missed slots were dropped. */
  capped: boolean;
}

/** Safety bound on on-time slots per call (a per-second schedule after a long grace). */
const MAX_ON_TIME = 100_000;

export function dueSlots(timing: Timing, cursor: number, now: number, graceMs: number, policy: MissedPolicy, cap: number): DueSlots {
  const lateLimit = now - graceMs;
  const onTime: number[] = [];
  for (let slot = timing.next(Math.max(cursor, lateLimit - 1)); slot !== undefined && slot <= now; slot = timing.next(slot)) {
    onTime.push(slot);
    if (onTime.length >= MAX_ON_TIME) break;
  }
  const latestMissed = timing.previous(lateLimit - 1);
  const lastMissed = latestMissed !== undefined && latestMissed > cursor ? latestMissed : undefined;
  if (lastMissed === undefined || policy === "skip") return { fire: onTime, lastMissed, capped: false };
  if (policy === "last") return { fire: [lastMissed, ...onTime], lastMissed, capped: false };
  const missed = [lastMissed];
  let earlier = timing.previous(lastMissed - 1);
  while (earlier !== undefined && earlier > cursor && missed.length < cap) {
    missed.push(earlier);
    earlier = timing.previous(earlier - 1);
  }
  const capped = earlier !== undefined && earlier > cursor;
  return { fire: [...missed.reverse(), ...onTime], lastMissed, capped };
}
