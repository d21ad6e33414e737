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
 * JavaScript Date#toString and unix seconds). Returns undefined when it cannot tell.
 */
export function parseResqueTime(value: string | null | undefined): Date | undefined {
  if (!value) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return new Date(Number(text) * 1000);
  const slashed = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})(?: (.+))?$/.exec(text);
  if (slashed) {
    const [, y, mo, d, h, mi, s, zone] = slashed;
    const offset = zone && zone !== "UTC" && zone !== "GMT" ? zoneOffset(zone) : "Z";
    return validDate(`${y}-${mo}-${d}T${h}:${mi}:${s}${offset}`);
  }
  const spaced = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) ([+-]\d{2})(\d{2})$/.exec(text);
  if (spaced) return validDate(`${spaced[1]}T${spaced[2]}${spaced[3]}:${spaced[4]}`);
  return validDate(text);
}

function zoneOffset(zone: string): string {
  const m = /^([+-]\d{2}):?(\d{2})$/.exec(zone);
  return m ? `${m[1]}:${m[2]}` : "Z";
}

function validDate(text: string): Date | undefined {
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
