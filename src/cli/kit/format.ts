/** Small text formats shared by the commands: counts, durations, times and job arguments. */

/** 1234567 → "1,234,567". */
export function count(n: number): string {
  return n.toLocaleString("en-US");
}

/** "1 job", "2 jobs". */
export function plural(n: number, word: string, words = `${word}s`): string {
  return `${count(n)} ${n === 1 ? word : words}`;
}

/** A duration for people: "850 ms", "42 s", "3 min", "5 h", "2 d". */
export function duration(ms: number | undefined): string {
  if (ms === undefined) return "-";
  // Each unit is chosen by the rounded number it would show, so 119.6 s reads "2 min", not "120 s".
  const units: [name: string, ms: number, below: number][] = [
    ["ms", 1, 1000],
    ["s", 1000, 120],
    ["min", 60_000, 120],
    ["h", 3_600_000, 48],
  ];
  for (const [name, size, below] of units) {
    const shown = Math.round(ms / size);
    if (shown < below) return `${shown} ${name}`;
  }
  return `${Math.round(ms / 86_400_000)} d`;
}

/** A time as ISO 8601 in UTC without milliseconds, "-" when unknown. */
export function time(date: Date | undefined): string {
  if (date === undefined) return "-";
  return date.toISOString().replace(/\.000Z$/, "Z");
}

/** A time and how far it is from `now`: "2026-12-01T09:00:00Z (in 3 min)". */
export function timeFrom(date: Date | undefined, now: number): string {
  if (date === undefined) return "-";
  const delta = date.getTime() - now;
  return `${time(date)} (${delta >= 0 ? `in ${duration(delta)}` : `${duration(-delta)} ago`})`;
}

/** Job arguments as compact JSON. */
export function args(value: readonly unknown[]): string {
  return JSON.stringify(value);
}

/** Text on one line, at most `max` characters (… marks a cut). */
export function oneLine(text: string, max = Infinity): string {
  const flat = text.replace(/\s*\n\s*/g, " ");
  return flat.length <= max ? flat : `${flat.slice(0, Math.max(0, max - 1))}…`;
}

/** Bytes for people: "1.5 MB". */
export function bytes(n: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
