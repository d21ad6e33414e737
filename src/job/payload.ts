/**
 * Job payloads: the JSON Ruby Resque puts on a queue, exactly `{"class":"Name","args":[...]}`.
 * Decoding is tolerant of what other Resque implementations add (node-resque writes a `queue`
 * member) and turns anything unusable into a precise error instead of dropping it.
 */
import { InvalidPayloadError, PayloadDecodeError } from "../errors.js";
import { assertJsonArgs } from "./validate-args.js";

export interface JobPayload {
  class: string;
  args: unknown[];
}

/** Encodes a payload in Ruby Resque's byte format. Throws InvalidArgumentsError on bad args. */
export function encodePayload(className: string, args: readonly unknown[]): string {
  assertJsonArgs(args);
  return JSON.stringify({ class: className, args });
}

export type DecodedPayload =
  | { ok: true; className: string; args: unknown[]; raw: string }
  | { ok: false; error: PayloadDecodeError | InvalidPayloadError; raw: string; className?: string; args?: unknown };

function preview(raw: string): string {
  return raw.length > 120 ? `${JSON.stringify(raw.slice(0, 120))}…` : JSON.stringify(raw);
}

export function decodePayload(raw: string): DecodedPayload {
  if (raw.trim() === "") {
    return { ok: false, raw, error: new PayloadDecodeError("Payload is empty; expected JSON like {\"class\":\"Name\",\"args\":[]}.") };
  }
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    return { ok: false, raw, error: new PayloadDecodeError(`Payload is not valid JSON (${(error as Error).message}): ${preview(raw)}`) };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, raw, error: new InvalidPayloadError(`Payload must be a JSON object with "class" and "args", got ${preview(raw)}`) };
  }
  const { class: className, args } = value as { class?: unknown; args?: unknown };
  if (typeof className !== "string" || className === "") {
    const what = className === undefined ? "has no \"class\"" : `has a "class" that is not a class name (${JSON.stringify(className)})`;
    return {
      ok: false,
      raw,
      args,
      error: new InvalidPayloadError(`Payload ${what}: ${preview(raw)}`),
    };
  }
  if (args === undefined) return { ok: true, className, args: [], raw }; // Ruby treats missing args as []
  if (!Array.isArray(args)) {
    return {
      ok: false,
      raw,
      className,
      args,
      error: new InvalidPayloadError(`Payload of ${className} has "args" that is not an array (${preview(JSON.stringify(args))}); Resque passes args as a list.`),
    };
  }
  return { ok: true, className, args, raw };
}
