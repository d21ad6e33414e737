/**
 * A schedule's timing in words for people: cron expressions through cronstrue ("At 02:30, Monday
 * through Friday"), with the zone kept; `every` intervals ("30s", "1h30m", "PT30S") read out.
 */
import cronstrue from "cronstrue";

export function scheduleInWords(kind: "cron" | "every" | undefined, expression: string | undefined): string | undefined {
  if (expression === undefined) return undefined;
  if (kind === "every") return everyInWords(expression);
  if (kind === "cron") return cronInWords(expression);
  return undefined;
}

export function cronInWords(expression: string): string | undefined {
  const parts = expression.trim().split(/\s+/);
  // resque-scheduler puts the zone last: "30 2 * * * Europe/Berlin".
  const zone = parts.length > 5 && /[A-Za-z]/.test(parts.at(-1)!) && (parts.at(-1)!.includes("/") || /^(UTC|GMT|Etc\/.+)$/i.test(parts.at(-1)!)) ? parts.pop() : undefined;
  try {
    const words = cronstrue.toString(parts.join(" "), { use24HourTimeFormat: true, throwExceptionOnParseError: true });
    return zone ? `${words} (${zone})` : words;
  } catch {
    return undefined;
  }
}

const UNITS: Record<string, [string, string]> = {
  y: ["year", "years"],
  w: ["week", "weeks"],
  d: ["day", "days"],
  h: ["hour", "hours"],
  m: ["minute", "minutes"],
  s: ["second", "seconds"],
};

export function everyInWords(expression: string): string | undefined {
  const text = expression.trim();
  const iso = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/i.exec(text);
  const pieces: string[] = [];
  if (iso) {
    const values: [string | undefined, string][] = [[iso[1], "d"], [iso[2], "h"], [iso[3], "m"], [iso[4], "s"]];
    for (const [value, unit] of values) if (value && Number(value) > 0) pieces.push(amount(Number(value), unit));
  } else {
    const re = /(\d+(?:\.\d+)?)\s*([ywdhms])/gi;
    let consumed = "";
    for (let m = re.exec(text); m; m = re.exec(text)) {
      pieces.push(amount(Number(m[1]), m[2]!.toLowerCase()));
      consumed += m[0];
    }
    if (consumed.replace(/\s/g, "") !== text.replace(/\s/g, "")) return undefined;
  }
  return pieces.length === 0 ? undefined : `Every ${pieces.join(" ")}`;
}

function amount(n: number, unit: string): string {
  const [one, many] = UNITS[unit]!;
  return `${n} ${n === 1 ? one : many}`;
}
