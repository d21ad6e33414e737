/**
 * Delayed items as resque-scheduler stores them: `{"class","args","queue"}` JSON in exactly that
 * order (its remove_delayed and the timestamps:<item> index match bytes). node-resque writes
 * `{"class","queue","args"}`; both are read, and byte-matching operations try both.
 */
import { dateOfTimestamp } from "./delayed-time.js";
import { withMember } from "../job/json-span.js";

/** Ruby resque-scheduler's encoding. Args must be validated JSON values (assertJsonArgs). */
export function encodeDelayedItem(className: string, args: readonly unknown[], queue: string): string {
  return JSON.stringify({ class: className, args, queue });
}

/** node-resque's encoding of the same job. */
export function encodeNodeResqueDelayedItem(className: string, args: readonly unknown[], queue: string): string {
  return JSON.stringify({ class: className, queue, args });
}

/** Both encodings, for operations that match stored bytes. */
export function delayedItemEncodings(className: string, args: readonly unknown[], queue: string): string[] {
  return [encodeDelayedItem(className, args, queue), encodeNodeResqueDelayedItem(className, args, queue)];
}

/**
 * The delayed item for a queue payload already encoded as `{"class","args"}`, keeping its bytes
 * (a retry puts back exactly what failed): the queue member is appended last, giving Ruby's order.
 */
export function delayedItemFromPayload(payload: string, queue: string): string {
  return withMember(payload, "queue", JSON.stringify(queue));
}

/** A delayed job as the read API shows it. */
export interface DelayedJob {
  class: string;
  args: unknown[];
  /** The queue it will go to; undefined when the item names none (its class's queue applies). */
  queue: string | undefined;
  /** When it is due (whole seconds). */
  at: Date;
  /** The item exactly as stored. */
  raw: string;
  /** Why the item cannot be run, when it cannot. */
  error?: string;
}

/** A delayed item read at unix second `timestamp`, as the read API shows it. */
export function toDelayedJob(timestamp: number, raw: string): DelayedJob {
  const decoded = decodeDelayedItem(raw);
  return {
    class: decoded.class,
    args: decoded.args,
    queue: decoded.queue,
    at: dateOfTimestamp(timestamp),
    raw,
    ...(decoded.error ? { error: decoded.error } : {}),
  };
}

export interface DecodedDelayedItem {
  class: string;
  args: unknown[];
  /** Undefined when the item names no queue (the class's queue applies when it moves). */
  queue: string | undefined;
  raw: string;
  /** Why the item cannot be run, when it cannot. */
  error?: string;
}

export function decodeDelayedItem(raw: string): DecodedDelayedItem {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { class: "", args: [], queue: undefined, raw, error: "not valid JSON" };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { class: "", args: [], queue: undefined, raw, error: "not a JSON object" };
  }
  const item = value as { class?: unknown; args?: unknown; queue?: unknown };
  const queue = typeof item.queue === "string" && item.queue !== "" ? item.queue : undefined;
  // As the scheduler moves it: an array is the argument list, null/missing is none, else one argument.
  const args = Array.isArray(item.args) ? item.args : item.args === undefined || item.args === null ? [] : [item.args];
  if (typeof item.class !== "string" || item.class === "") {
    return { class: "", args, queue, raw, error: 'no string "class"' };
  }
  return { class: item.class, args, queue, raw };
}
