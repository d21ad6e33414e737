/** Filters from query strings and forms: only the fields given, empty ones left out (the admin API refuses empty values). */
import type { DelayedFilter, FailedFilter, JobFilter } from "../admin/filters.js";

type Source = (name: string) => string | undefined;

function text(source: Source, name: string): string | undefined {
  const value = source(name)?.trim();
  return value === undefined || value === "" ? undefined : value;
}

export function jobFilterFrom(source: Source): JobFilter {
  return strip({ class: text(source, "class"), text: text(source, "text"), argsContains: text(source, "argsContains") });
}

export function failedFilterFrom(source: Source): FailedFilter {
  return strip({ ...jobFilterFrom(source), queue: text(source, "queue"), exception: text(source, "exception"), list: text(source, "list") });
}

export function delayedFilterFrom(source: Source): DelayedFilter {
  return strip({ ...jobFilterFrom(source), queue: text(source, "queue") });
}

export function isEmpty(filter: object): boolean {
  return Object.keys(filter).length === 0;
}

/** The filter as query parameters, to keep it across paging and actions. */
export function filterQuery(filter: object): Record<string, string> {
  return Object.fromEntries(Object.entries(filter).map(([k, v]) => [k, String(v)]));
}

function strip<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
