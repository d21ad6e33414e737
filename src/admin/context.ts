/** What every part of the admin API works with: the store of one Redis + namespace, and what is known of jobs. */
import { ConfigurationError } from "../errors.js";
import type { JobRegistry } from "../job/registry.js";
import { shownValue } from "../option-checks.js";
import type { DataStore } from "../redis/store.js";

export interface AdminContext {
  readonly store: DataStore;
  /** The job classes of the Resque this admin belongs to; undefined for a standalone Admin (no user code). */
  readonly registry: JobRegistry | undefined;
}

/** class name → queue of the registered jobs that have one. */
export function queueOfClass(context: AdminContext): Map<string, string> {
  const map = new Map<string, string>();
  for (const name of context.registry?.names() ?? []) {
    const queue = context.registry?.get(name)?.queue;
    if (queue) map.set(name, queue);
  }
  return map;
}

export function checkName(value: unknown, what: string): string {
  if (typeof value !== "string" || value === "") throw new ConfigurationError(`${what} must be a non-empty string, got ${shownValue(value)}.`);
  return value;
}

export function checkIndex(value: unknown, what: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new ConfigurationError(`${what} must be a whole number of 0 or more, got ${shownValue(value)}.`);
  }
  return value;
}

export function checkRaw(value: unknown, what: string): string {
  if (typeof value !== "string") {
    throw new ConfigurationError(`${what} must be the exact bytes read (the "raw" member of what the admin API returned), got ${shownValue(value)}.`);
  }
  return value;
}

/** Paging: a start position and a count, both whole numbers. */
export function checkPage(options: { start?: number; count?: number } | undefined, defaultCount: number): { start: number; count: number } {
  const start = options?.start ?? 0;
  const count = options?.count ?? defaultCount;
  checkIndex(start, "start");
  checkIndex(count, "count");
  return { start, count };
}
