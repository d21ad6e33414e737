/**
 * Wall-clock time in a time zone, and this project's daylight-saving policy for turning a
 * wall-clock time back into an instant (docs/scheduler.md, "Daylight saving time"):
 * - a wall time the clocks skip (spring forward) happens at the first instant after the gap,
 *   the moment the clocks jump (02:30 on a 02:00→03:00 night happens at 03:00);
 * - a wall time the clocks pass twice (fall back) happens once, at its first occurrence.
 * "Wall" values are epoch-style milliseconds of the wall-clock reading, as if it were UTC.
 */
import type { Zone } from "luxon";
import { luxon } from "./luxon.js";

const MINUTE = 60_000;
const DAY = 86_400_000;

/** The zone for an IANA name ("Europe/Berlin", "UTC"); undefined for an unknown name. */
export function zoneNamed(name: string): Zone | undefined {
  const { IANAZone } = luxon();
  return IANAZone.isValidZone(name) ? IANAZone.create(name) : undefined;
}

/** The zone of this process (TZ), used when a schedule names none (as Ruby's scheduler does). */
export function localZone(): Zone {
  return luxon().SystemZone.instance;
}

/** The wall-clock reading of `instant` in `zone`. */
export function wallTime(instant: number, zone: Zone): number {
  return instant + zone.offset(instant) * MINUTE;
}

/** The instant wall time `wall` happens in `zone`, under the policy above. */
export function instantOfWallTime(wall: number, zone: Zone): number {
  const offsets = new Set([zone.offset(wall - DAY), zone.offset(wall), zone.offset(wall + DAY)]);
  let first: number | undefined;
  for (const offset of offsets) {
    const instant = wall - offset * MINUTE;
    if (zone.offset(instant) === offset && (first === undefined || instant < first)) first = instant;
  }
  if (first !== undefined) return first;
  // In a gap: find the first instant whose wall time is past `wall` (the transition).
  const sorted = [...offsets].sort((a, b) => a - b);
  let before = wall - sorted[sorted.length - 1]! * MINUTE;
  let after = wall - sorted[0]! * MINUTE;
  while (after - before > 1) {
    const middle = Math.floor((before + after) / 2);
    if (wallTime(middle, zone) > wall) after = middle;
    else before = middle;
  }
  return after;
}
