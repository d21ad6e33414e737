/**
 * Cron schedules: 5 fields (minute first) or 6 (seconds first), or an @alias, optionally followed
 * by an IANA time zone ("0 6 * * 1 Europe/Stockholm", as resque-scheduler writes it). cron-parser
 * matches the fields; it runs on wall-clock times (in UTC, where every wall time exists once),
 * and zoned-time.ts turns each matching wall time into an instant with the documented DST policy.
 */
import type { Zone } from "luxon";
import type { Timing } from "./timing.js";
import { instantOfWallTime, localZone, wallTime, zoneNamed } from "./zoned-time.js";
import { lazyDependency } from "../lazy-dependency.js";

/** cron-parser, loaded on first use: only processes that run schedules parse cron lines. */
const cronParser = lazyDependency<typeof import("cron-parser")>("cron-parser");

/** Wall-clock slots examined before giving up on finding an instant (a fall-back hour of a per-second cron). */
const MAX_STEPS = 10_000;

export interface CronParts {
  /** The cron fields without the zone. */
  fields: string;
  /** The trailing zone name, if the expression had one. */
  zone: string | undefined;
}

/** Splits off a trailing IANA zone and checks the field count. Throws Error saying what is wrong. */
export function splitCronExpression(expression: string): CronParts {
  const tokens = expression.trim().split(/\s+/);
  let zone: string | undefined;
  const last = tokens[tokens.length - 1] ?? "";
  if (tokens.length > 1 && /[A-Za-z]/.test(last) && !/^(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|sun|mon|tue|wed|thu|fri|sat|[LWH?#\d,\-*/()])+$/i.test(last)) {
    if (zoneNamed(last)) {
      zone = last;
      tokens.pop();
    } else if (last.includes("/") || tokens.length === 6 || tokens.length === 7) {
      // Five or six fields before it, or a slash as in Area/City: it was meant as a zone.
      throw new Error(`"${last}" is not a known IANA time zone (e.g. Europe/Berlin, America/New_York, UTC)`);
    } else {
      // Words such as "every day" are no cron expression, whatever the last word might be.
      throw new Error(`is not a valid cron expression: "${last}" is neither a cron field nor a known time zone; write 5 fields (minute hour day month weekday), e.g. "0 6 * * *" for every day at 06:00`);
    }
  }
  const isAlias = tokens.length === 1 && tokens[0]!.startsWith("@");
  if (!isAlias && tokens.length !== 5 && tokens.length !== 6) {
    throw new Error(`has ${tokens.length} fields; a cron expression has 5 (minute hour day month weekday) or 6 (seconds first), optionally followed by a time zone`);
  }
  return { fields: tokens.join(" "), zone };
}

export class CronTiming implements Timing {
  readonly fields: string;
  readonly zone: Zone;

  /**
   * `zoneName` applies when the expression carries no zone; without either, the process's zone.
   * Throws Error with a message saying what is wrong with the expression.
   */
  constructor(expression: string, zoneName?: string) {
    const parts = splitCronExpression(expression);
    if (parts.zone && zoneName && parts.zone !== zoneName) {
      throw new Error(`names time zone ${parts.zone} but the schedule's tz is ${zoneName}; keep one`);
    }
    const name = parts.zone ?? zoneName;
    const zone = name === undefined ? localZone() : zoneNamed(name);
    if (!zone) throw new Error(`"${name}" is not a known IANA time zone (e.g. Europe/Berlin, America/New_York, UTC)`);
    this.fields = parts.fields;
    this.zone = zone;
    try {
      cronParser().CronExpressionParser.parse(this.fields, { tz: "UTC", currentDate: 0, strict: false }).next();
    } catch (error) {
      throw new Error(`is not a valid cron expression (${(error as Error).message})`);
    }
  }

  next(after: number): number | undefined {
    let wall = wallTime(after, this.zone);
    for (let step = 0; step < MAX_STEPS; step++) {
      const nextWall = this.#matchAfter(wall);
      if (nextWall === undefined) return undefined;
      const instant = instantOfWallTime(nextWall, this.zone);
      if (instant > after) return instant;
      wall = nextWall; // a wall time passed a second time after a fall-back: it already happened
    }
    return undefined;
  }

  previous(at: number): number | undefined {
    const wall = this.#matchBefore(wallTime(at, this.zone) + 1);
    if (wall === undefined) return undefined;
    // Within a repeated (fall-back) hour, later instants can have earlier wall times: walk forward.
    let candidate = instantOfWallTime(wall, this.zone);
    for (let step = 0; step < MAX_STEPS; step++) {
      const following = this.next(candidate);
      if (following === undefined || following > at) return candidate;
      candidate = following;
    }
    return candidate;
  }

  /** The first wall time strictly after `wall` that matches the fields. */
  #matchAfter(wall: number): number | undefined {
    try {
      return cronParser().CronExpressionParser.parse(this.fields, { tz: "UTC", currentDate: wall }).next().getTime();
    } catch {
      return undefined;
    }
  }

  /** The last wall time strictly before `wall` that matches the fields. */
  #matchBefore(wall: number): number | undefined {
    try {
      return cronParser().CronExpressionParser.parse(this.fields, { tz: "UTC", currentDate: wall }).prev().getTime();
    } catch {
      return undefined;
    }
  }
}
