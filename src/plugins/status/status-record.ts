/**
 * The status JSON resque-status keeps in `status:<uuid>`: Ruby's members (`time`, `status`,
 * `uuid`, `options`, `name`, `message`, `num`, `total`) first, ours after them (`queued_at`,
 * `started_at`, `finished_at`, `result`, `queue`). Times are unix seconds, as Ruby writes `time`.
 */

/** resque-status's states ("delayed" is Ruby-only; resque-ts never writes it). */
export type StatusState = "queued" | "working" | "completed" | "failed" | "killed" | "delayed";

/** A status as `resque.statuses.get(id)` returns it. */
export interface JobStatus {
  id: string;
  status: StatusState;
  /** The job's class with its options, e.g. `Export({"reportId":7})`. */
  name: string | undefined;
  message: string | undefined;
  /** Progress: `num` of `total` done, and the percentage resque-status shows (100 when completed). */
  num: number | undefined;
  total: number | undefined;
  pctComplete: number;
  /** The job's arguments after the id (one options object, as resque-status passes, is shown as that object). */
  options: unknown;
  /** What the job stored with `statusOf(this).setResult(...)`. */
  result: unknown;
  /** Last update. */
  time: Date | undefined;
  queuedAt: Date | undefined;
  startedAt: Date | undefined;
  finishedAt: Date | undefined;
  /** The JSON exactly as stored. */
  raw: string;
}

export type StatusFields = Record<string, unknown>;

/** Parses stored JSON; a value that is not a JSON object reads as an empty record. */
export function parseStatusFields(raw: string | null): StatusFields {
  if (!raw) return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as StatusFields) : {};
  } catch {
    return {};
  }
}

const RUBY_ORDER = ["time", "status", "uuid", "options", "name", "message", "num", "total"];

/** Merges updates into a record (undefined deletes a member), Ruby's members first. */
export function mergeStatus(current: StatusFields, updates: StatusFields): string {
  const merged: StatusFields = { ...current, ...updates };
  const ordered: StatusFields = {};
  for (const key of RUBY_ORDER) if (merged[key] !== undefined) ordered[key] = merged[key];
  for (const [key, value] of Object.entries(merged)) if (!(key in ordered) && value !== undefined) ordered[key] = value;
  return JSON.stringify(ordered);
}

const seconds = (value: unknown): Date | undefined => (typeof value === "number" && Number.isFinite(value) ? new Date(value * 1000) : undefined);
const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
const count = (value: unknown): number | undefined => (typeof value === "number" && Number.isFinite(value) ? value : undefined);

/** A stored status as the API returns it (`raw` null: no such status). */
export function toJobStatus(id: string, raw: string): JobStatus {
  const fields = parseStatusFields(raw);
  const status = (text(fields.status) ?? "queued") as StatusState;
  const num = count(fields.num);
  const total = count(fields.total);
  // resque-status's pct_complete: 100 when completed, 0 when queued, else num / total.
  let pctComplete: number;
  if (status === "completed") pctComplete = 100;
  else if (status === "queued") pctComplete = 0;
  else pctComplete = Math.trunc(((num ?? 0) / (total && total !== 0 ? total : 1)) * 100);
  return {
    id,
    status,
    name: text(fields.name),
    message: text(fields.message),
    num,
    total,
    pctComplete,
    options: fields.options,
    result: fields.result,
    time: seconds(fields.time),
    queuedAt: seconds(fields.queued_at),
    startedAt: seconds(fields.started_at),
    finishedAt: seconds(fields.finished_at),
    raw,
  };
}

/** The `options` member for a job's arguments after its id. */
export function statusOptions(rest: readonly unknown[]): unknown {
  const [first] = rest;
  if (rest.length === 1 && typeof first === "object" && first !== null && !Array.isArray(first)) return first;
  return rest.length === 0 ? {} : { args: rest };
}

/** Ruby's `name` member: the class and its options. */
export function statusName(jobName: string, rest: readonly unknown[]): string {
  return rest.length === 0 ? jobName : `${jobName}(${JSON.stringify(statusOptions(rest))})`;
}

/** Ruby's `Time#to_s`-like text for messages ("Completed at 2026-11-25 14:49:20 +0000"). */
export function messageTime(date: Date): string {
  return date.toISOString().replace("T", " ").replace(/\.\d{3}Z$/, " +0000");
}
