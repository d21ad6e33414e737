/**
 * Checks of options given in code (a worker's, a scheduler's, a Resque's). A value that makes no
 * sense (a heartbeat every 0 seconds, a negative grace, a string) would otherwise run: a heartbeat
 * timer firing every millisecond, a shutdown that requeues at once. Each is refused with a message
 * that names the option, or the environment variable the value came from, and shows the value.
 */
import { ConfigurationError } from "./errors.js";

/** `value` seconds, from option `name` or else environment variable `env`, else `fallback`; at least 0 (or above 0 when `positive`). */
export function secondsOption(value: unknown, name: string, fallback: number, rule: { positive?: boolean; env?: string } = {}): number {
  const fromEnv = value === undefined && rule.env !== undefined && process.env[rule.env] !== undefined && process.env[rule.env] !== "";
  const given: unknown = value !== undefined ? value : fromEnv ? Number(process.env[rule.env!]) : fallback;
  const ok = typeof given === "number" && Number.isFinite(given) && (rule.positive ? given > 0 : given >= 0);
  if (ok) return given;
  const source = fromEnv ? `${rule.env} (the default of ${name})` : name;
  const shown = fromEnv ? JSON.stringify(process.env[rule.env!]) : shownValue(value);
  throw new ConfigurationError(`${source} must be ${rule.positive ? "more than 0" : "0 or more"} seconds, got ${shown}.`);
}

/** A whole number of at least 1, or `fallback` when not given. */
export function countOption(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === "number" && Number.isInteger(value) && value >= 1) return value;
  throw new ConfigurationError(`${name} must be a whole number of at least 1, got ${shownValue(value)}.`);
}

/** A value as a message shows it: numbers as written (NaN, Infinity), strings quoted, a class or function by name. */
export function shownValue(value: unknown): string {
  if (typeof value === "number") return String(value);
  if (typeof value === "function") return value.name ? `${value.name} (a class or function)` : "a function";
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return typeof value === "bigint" ? `${value}n` : `an ${typeof value} that JSON cannot show`; // a cycle
  }
}
