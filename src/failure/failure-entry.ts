/**
 * Builds and reads entries of the `failed` list in Ruby Resque's format:
 * {"failed_at","payload","exception","error","backtrace","worker","queue"} in that order.
 * The payload is embedded byte for byte. A payload that is not a usable job is embedded as a
 * readable {class,args} stand-in (resque-web must render it) with the original in "raw_payload".
 */
import { decodePayload } from "../job/payload.js";
import { rawMember } from "../job/json-span.js";
import { failureTime, parseResqueTime } from "../redis/time-formats.js";
import { backtraceOf, errorMessage, exceptionName } from "./backtrace.js";

export interface FailureDetails {
  error: unknown;
  /** The payload exactly as it came off the queue (as text). */
  payload: string;
  /** The payload's bytes when they are not valid UTF-8 (kept exactly, base64, in raw_payload_base64). */
  payloadBytes?: Buffer | undefined;
  queue: string;
  workerId: string;
  failedAt?: Date;
  /** Extra members of our own, appended after Resque's (e.g. which hook failed). */
  extra?: Record<string, unknown>;
}

/** How an entry is written where the caller knows more than FailureDetails says. */
export interface FailureEntryOptions {
  /** The payload is a usable job (its run got as far as a context): no need to decode it again. */
  payloadUsable?: boolean;
  /** failed_at as written, instead of failureTime(failedAt) (resque-retry's copy has no zone). */
  failedAtText?: string;
}

export function buildFailureEntry(details: FailureDetails, options: FailureEntryOptions = {}): string {
  let payload = details.payload;
  const extra: Record<string, unknown> = { ...details.extra };
  const decoded = options.payloadUsable ? undefined : decodePayload(details.payload);
  if (decoded && !decoded.ok) {
    const className = decoded.className ?? "(invalid payload)";
    const args = Array.isArray(decoded.args) ? decoded.args : [];
    payload = JSON.stringify({ class: className, args });
    extra.raw_payload = details.payload;
    if (details.payloadBytes) extra.raw_payload_base64 = details.payloadBytes.toString("base64");
  }
  const head =
    `{"failed_at":${JSON.stringify(options.failedAtText ?? failureTime(details.failedAt ?? new Date()))}` +
    `,"payload":${payload}` +
    `,"exception":${JSON.stringify(exceptionName(details.error))}` +
    `,"error":${JSON.stringify(errorMessage(details.error))}` +
    `,"backtrace":${JSON.stringify(backtraceOf(details.error))}` +
    `,"worker":${JSON.stringify(details.workerId)}` +
    `,"queue":${JSON.stringify(details.queue)}`;
  const tail = Object.entries(extra)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `,${JSON.stringify(k)}:${JSON.stringify(v)}`)
    .join("");
  return `${head}${tail}}`;
}

/** A failure as recorded: what failed, where, and why. */
export interface FailureRecord {
  failedAt: Date | undefined;
  payload: { class: string; args: unknown[] };
  exception: string;
  error: string;
  backtrace: string[];
  worker: string;
  queue: string;
  retriedAt: Date | undefined;
  /** The original bytes of a payload that could not be decoded. */
  rawPayload?: string;
  /** Runs made, when the retry plugin gave up on the job (including the first run). */
  attempts?: number;
  /** Those bytes exactly, when they are not valid UTF-8 (`rawPayload` then shows them with U+FFFD). */
  rawPayloadBytes?: Buffer;
  /** The entry exactly as stored. */
  raw: string;
}

/** A failed job as the admin API shows it: a failure record and where it sits. */
export interface FailedJob extends FailureRecord {
  /** The failed list it is in: "failed", or "<queue>_failed" with Ruby's RedisMultiQueue backend. */
  list: string;
  /** Position in its list when read (0 = oldest), as Resque's index-based API numbers it. */
  index: number;
}

/** Parses an entry; tolerant of entries written by Ruby Resque, node-resque and resque-retry. */
export function parseFailureRecord(raw: string): FailureRecord {
  let entry: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(raw) as unknown;
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) entry = parsed as Record<string, unknown>;
  } catch {
    // An unreadable entry is still listed (and removable) with what little is known.
  }
  const payload = (entry.payload && typeof entry.payload === "object" ? entry.payload : {}) as { class?: unknown; args?: unknown };
  const str = (v: unknown) => (typeof v === "string" ? v : v == null ? "" : String(v));
  return {
    failedAt: parseResqueTime(str(entry.failed_at)),
    payload: { class: str(payload.class), args: Array.isArray(payload.args) ? payload.args : [] },
    exception: str(entry.exception),
    error: str(entry.error),
    backtrace: Array.isArray(entry.backtrace) ? entry.backtrace.map(str) : [],
    worker: str(entry.worker),
    queue: str(entry.queue),
    retriedAt: parseResqueTime(str(entry.retried_at)),
    ...(typeof entry.raw_payload === "string" ? { rawPayload: entry.raw_payload } : {}),
    ...(typeof entry.attempts === "number" ? { attempts: entry.attempts } : {}),
    ...(typeof entry.raw_payload_base64 === "string" ? { rawPayloadBytes: Buffer.from(entry.raw_payload_base64, "base64") } : {}),
    raw,
  };
}

export function parseFailureEntry(raw: string, list: string, index: number): FailedJob {
  return { list, index, ...parseFailureRecord(raw) };
}

/**
 * The payload to put back on the queue for an entry: the original bytes where the entry embeds a
 * plain {"class","args"} payload (or kept them in raw_payload), else a fresh Resque encoding.
 */
export function payloadToRequeue(job: FailureRecord): string | Buffer {
  if (job.rawPayloadBytes !== undefined) return job.rawPayloadBytes;
  if (job.rawPayload !== undefined) return job.rawPayload;
  const embedded = rawMember(job.raw, "payload");
  if (embedded && /^\{"class":/.test(embedded)) {
    const value = JSON.parse(embedded) as Record<string, unknown>;
    const plain = Object.keys(value).join() === "class,args" && typeof value.class === "string" && value.class !== "" && Array.isArray(value.args);
    if (plain) return embedded;
  }
  return JSON.stringify({ class: job.payload.class, args: job.payload.args });
}
