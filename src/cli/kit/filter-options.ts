/**
 * Filter flags, the same in every command that selects jobs: --class, --text, --args-contains,
 * --args, and per kind --queue, --exception, --list, --since/--until (failed) or --from/--to
 * (delayed). An empty value is a usage error, never "match everything".
 */
import type { Command } from "commander";
import type { DelayedFilter, FailedFilter, JobFilter } from "../../admin/filters.js";
import { ago, instant, jsonArgs } from "./arguments.js";
import { UsageError } from "./exit-codes.js";

export interface FilterFlags {
  class?: string;
  text?: string;
  argsContains?: string;
  args?: string;
  queue?: string;
  exception?: string;
  list?: string;
  since?: string;
  until?: string;
  from?: string;
  to?: string;
}

type Kind = "queued" | "failed" | "delayed";

export function addFilterOptions(command: Command, kind: Kind): Command {
  command
    .option("--class <name>", "only jobs of this class")
    .option("--text <text>", `only jobs with this text (any case) in the class or arguments${kind === "failed" ? ", exception or error message" : ""}`)
    .option("--args-contains <text>", "only jobs whose arguments' JSON contains this text (exact case)")
    .option("--args <json>", "only jobs with exactly these arguments, a JSON array");
  if (kind === "failed") {
    command
      .option("--queue <name>", "only jobs that failed on this queue")
      .option("--exception <name>", "only this exception class")
      .option("--list <name>", 'only this failed list ("failed" or "<queue>_failed")')
      .option("--since <time>", "failed at or after: ISO 8601, unix seconds, or a duration ago (30m, 2h, 1d)")
      .option("--until <time>", "failed before: ISO 8601, unix seconds, or a duration ago");
  }
  if (kind === "delayed") {
    command
      .option("--queue <name>", "only jobs that will go to this queue")
      .option("--from <time>", "due at or after: ISO 8601 or unix seconds")
      .option("--to <time>", "due at or before: ISO 8601 or unix seconds");
  }
  return command;
}

const FLAG_NAMES: Record<keyof FilterFlags, string> = {
  class: "--class",
  text: "--text",
  argsContains: "--args-contains",
  args: "--args",
  queue: "--queue",
  exception: "--exception",
  list: "--list",
  since: "--since",
  until: "--until",
  from: "--from",
  to: "--to",
};

function checked(flags: FilterFlags): FilterFlags {
  for (const [key, value] of Object.entries(flags) as [keyof FilterFlags, unknown][]) {
    if (!(key in FLAG_NAMES) || value === undefined) continue;
    if (typeof value !== "string" || value.trim() === "") throw new UsageError(`${FLAG_NAMES[key]} must not be empty: an empty filter would select every job.`);
  }
  return flags;
}

export function jobFilter(flags: FilterFlags): JobFilter {
  const f = checked(flags);
  return {
    ...(f.class === undefined ? {} : { class: f.class }),
    ...(f.text === undefined ? {} : { text: f.text }),
    ...(f.argsContains === undefined ? {} : { argsContains: f.argsContains }),
    ...(f.args === undefined ? {} : { args: jsonArgs(f.args) }),
  };
}

export function failedFilter(flags: FilterFlags): FailedFilter {
  const f = checked(flags);
  return {
    ...jobFilter(f),
    ...(f.queue === undefined ? {} : { queue: f.queue }),
    ...(f.exception === undefined ? {} : { exception: f.exception }),
    ...(f.list === undefined ? {} : { list: f.list }),
    ...(f.since === undefined ? {} : { since: ago(f.since, "--since") }),
    ...(f.until === undefined ? {} : { until: ago(f.until, "--until") }),
  };
}

export function delayedFilter(flags: FilterFlags): DelayedFilter {
  const f = checked(flags);
  return {
    ...jobFilter(f),
    ...(f.queue === undefined ? {} : { queue: f.queue }),
    ...(f.from === undefined ? {} : { from: instant(f.from, "--from") }),
    ...(f.to === undefined ? {} : { to: instant(f.to, "--to") }),
  };
}

/** Whether a filter selects by anything. */
export function selectsBy(filter: object): boolean {
  return Object.values(filter).some((value) => value !== undefined);
}

const LABELS: Record<string, string> = {
  class: "class",
  text: "text",
  argsContains: "arguments containing",
  args: "arguments",
  queue: "queue",
  exception: "exception",
  list: "list",
  since: "failed since",
  until: "failed before",
  from: "due from",
  to: "due until",
};

/** The filter for people: 'class "SendInvoice", arguments containing "42"'. */
export function describeFilter(filter: object): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (value === undefined) continue;
    parts.push(`${LABELS[key] ?? key} ${value instanceof Date ? value.toISOString() : JSON.stringify(value)}`);
  }
  return parts.join(", ");
}

/** A filter as JSON (dates as ISO strings). */
export function filterJson(filter: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]));
}
