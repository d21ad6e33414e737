/**
 * The time formats Ruby Resque writes, so values stay readable by resque-web (which runs
 * DateTime.parse / Time.parse on them). All in UTC.
 */
const pad = (n: number, width = 2) => String(n).padStart(width, "0");

function parts(date: Date) {
  return {
    y: date.getUTCFullYear(),
    mo: pad(date.getUTCMonth() + 1),
    d: pad(date.getUTCDate()),
    h: pad(date.getUTCHours()),
    mi: pad(date.getUTCMinutes()),
    s: pad(date.getUTCSeconds()),
  };
}

/** `Time.now.utc.iso8601`: 2026-11-25T14:49:20Z (worker:<id> run_at). */
export function isoUtc(date: Date): string {
  const p = parts(date);
  return `${p.y}-${p.mo}-${p.d}T${p.h}:${p.mi}:${p.s}Z`;
}

/** `Time#iso8601` with an offset: 2026-11-25T14:49:20+00:00 (workers:heartbeat). */
export function isoWithOffset(date: Date): string {
  const p = parts(date);
  return `${p.y}-${p.mo}-${p.d}T${p.h}:${p.mi}:${p.s}+00:00`;
}

/** `Time#to_s`: 2026-11-25 14:49:20 +0000 (worker:<id>:started, delayed:last_enqueued_at). */
export function rubyTimeToS(date: Date): string {
  const p = parts(date);
  return `${p.y}-${p.mo}-${p.d} ${p.h}:${p.mi}:${p.s} +0000`;
}

/** `"%Y/%m/%d %H:%M:%S %Z"`: 2026/11/25 14:49:29 UTC (failed_at). */
export function failureTime(date: Date): string {
  return `${failureTimeWithoutZone(date)} UTC`;
}

/** `"%Y/%m/%d %H:%M:%S"`: 2026/11/25 14:49:29 (retried_at in Resque 2.7, resque-retry's failure copy). */
export function failureTimeWithoutZone(date: Date): string {
  const p = parts(date);
  return `${p.y}/${p.mo}/${p.d} ${p.h}:${p.mi}:${p.s}`;
}

/**
 * Reads any time string Resque, resque-scheduler or node-resque wrote (the formats above, plus
 * JavaScript Date#toString and unix seconds). Ruby writes failure times in the worker's local
 * zone (`2026/12/01 11:35:31 CET`): known zone names and numeric offsets are applied; a time
 * with a zone name not known here is undefined rather than read in the wrong zone. Undefined
 * too when it cannot tell.
 */
export function parseResqueTime(value: string | null | undefined): Date | undefined {
  if (!value) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return new Date(Number(text) * 1000);
  const slashed = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})(?: (.+))?$/.exec(text);
  if (slashed) {
    const [, y, mo, d, h, mi, s, zone] = slashed;
    const offset = zone === undefined ? "Z" : zoneOffset(zone);
    return offset === undefined ? undefined : validDate(`${y}-${mo}-${d}T${h}:${mi}:${s}${offset}`);
  }
  const spaced = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) ([+-]\d{2})(\d{2})$/.exec(text);
  if (spaced) return validDate(`${spaced[1]}T${spaced[2]}${spaced[3]}:${spaced[4]}`);
  return validDate(text);
}

/**
 * Offsets of the zone abbreviations Ruby's `%Z` prints for common zones (a time zone without an
 * abbreviation prints its offset, "+03", instead). Where one abbreviation names several zones,
 * the one Ruby's own Date parser picks wins (IST = India, CST = US Central), as resque-web reads it.
 */
const ZONE_OFFSETS: Record<string, string> = {
  UTC: "+00:00", GMT: "+00:00", UT: "+00:00", Z: "+00:00", WET: "+00:00", WEST: "+01:00", BST: "+01:00", IST: "+05:30",
  CET: "+01:00", CEST: "+02:00", MET: "+01:00", MEST: "+02:00", EET: "+02:00", EEST: "+03:00", MSK: "+03:00",
  WAT: "+01:00", CAT: "+02:00", SAST: "+02:00", EAT: "+03:00", PKT: "+05:00", ICT: "+07:00", WIB: "+07:00",
  HKT: "+08:00", SGT: "+08:00", AWST: "+08:00", PHT: "+08:00", JST: "+09:00", KST: "+09:00", ACST: "+09:30",
  ACDT: "+10:30", AEST: "+10:00", AEDT: "+11:00", NZST: "+12:00", NZDT: "+13:00",
  NST: "-03:30", NDT: "-02:30", AST: "-04:00", ADT: "-03:00", EST: "-05:00", EDT: "-04:00", CST: "-06:00",
  CDT: "-05:00", MST: "-07:00", MDT: "-06:00", PST: "-08:00", PDT: "-07:00", AKST: "-09:00", AKDT: "-08:00",
  HST: "-10:00",
};

/**
 * The ISO offset of a zone Ruby printed: a known abbreviation, or a numeric offset ("+03",
 * "+0530", "+05:30"). Undefined for any other name: the time is then not guessed.
 */
function zoneOffset(zone: string): string | undefined {
  const numeric = /^([+-]\d{2}):?(\d{2})?$/.exec(zone);
  if (numeric) return `${numeric[1]}:${numeric[2] ?? "00"}`;
  return ZONE_OFFSETS[zone.toUpperCase()];
}

function validDate(text: string): Date | undefined {
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
