/**
 * A reader for configuration objects (a YAML file or options from code) that reports the first
 * bad field with its path and what was expected: `notify.webhooks[0].timeoutSeconds: expected a
 * number above 0, got "ten"`.
 */
import { MonitorConfigError } from "../errors.js";

type Plain = Record<string, unknown>;

export class ConfigReader {
  constructor(
    /** Where the configuration came from, for messages ("monitor.yml", "new Monitor()"). */
    readonly source: string,
  ) {}

  fail(path: string, expected: string, got: unknown): never {
    throw new MonitorConfigError(this.source, path, `expected ${expected}, got ${describe(got)}`);
  }

  /** An object with only these keys (or undefined); a misspelt key is named with the closest known one. */
  object(value: unknown, path: string, keys: readonly string[]): Plain | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "object" || Array.isArray(value)) this.fail(path, "a mapping of settings", value);
    for (const key of Object.keys(value)) {
      if (!keys.includes(key)) {
        const near = closest(key, keys);
        throw new MonitorConfigError(
          this.source,
          join(path, key),
          `unknown setting${near ? `; did you mean "${near}"?` : ""} (known: ${keys.join(", ")})`,
        );
      }
    }
    return value as Plain;
  }

  /** An object whose keys are names chosen by the user (queue names, class names). */
  record(value: unknown, path: string): Plain | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "object" || Array.isArray(value)) this.fail(path, "a mapping of names to settings", value);
    return value as Plain;
  }

  number(value: unknown, path: string, options: { min?: number; above?: number; integer?: boolean } = {}): number | undefined {
    if (value === undefined) return undefined;
    const expected = [
      options.integer ? "a whole number" : "a number",
      options.above !== undefined ? `above ${options.above}` : options.min !== undefined ? `of ${options.min} or more` : "",
    ]
      .filter(Boolean)
      .join(" ");
    if (typeof value !== "number" || !Number.isFinite(value)) this.fail(path, expected, value);
    if (options.integer && !Number.isInteger(value)) this.fail(path, expected, value);
    if (options.min !== undefined && value < options.min) this.fail(path, expected, value);
    if (options.above !== undefined && !(value > options.above)) this.fail(path, expected, value);
    return value;
  }

  string(value: unknown, path: string, options: { nonEmpty?: boolean } = { nonEmpty: true }): string | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== "string" || (options.nonEmpty && value === "")) this.fail(path, options.nonEmpty ? "a non-empty string" : "a string", value);
    return value;
  }

  boolean(value: unknown, path: string): boolean | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== "boolean") this.fail(path, "true or false", value);
    return value;
  }

  oneOf<T extends string>(value: unknown, path: string, choices: readonly T[]): T | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== "string" || !(choices as readonly string[]).includes(value)) this.fail(path, `one of ${choices.map((c) => `"${c}"`).join(", ")}`, value);
    return value as T;
  }

  array(value: unknown, path: string): unknown[] | undefined {
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) this.fail(path, "a list", value);
    return value;
  }

  /** A list, or a single item standing for a list of one. */
  list(value: unknown, path: string): unknown[] | undefined {
    if (value === undefined || value === null) return undefined;
    return Array.isArray(value) ? value : [value];
  }

  /** A required value that is missing. */
  required<T>(value: T | undefined, path: string, expected: string): T {
    if (value === undefined) throw new MonitorConfigError(this.source, path, `missing; expected ${expected}`);
    return value;
  }
}

export function join(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  return path === "" ? key : `${path}.${key}`;
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  if (value !== null && typeof value === "object") return "a mapping";
  return JSON.stringify(value);
}

/** The known key nearest to a misspelt one (edit distance at most 3), if any. */
function closest(key: string, keys: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 4;
  for (const candidate of keys) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}
