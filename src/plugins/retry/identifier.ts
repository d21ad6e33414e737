/**
 * The identifier part of resque-retry's key `resque-retry:<class>:<identifier>`: by default the
 * SHA1 hex of Ruby's `args.join('-')` (see ruby-join.ts for which args are exact), none when that
 * join is empty. A job may name its own with the `retryIdentifier(args)` option.
 */
import { createHash } from "node:crypto";
import { ConfigurationError } from "../../errors.js";
import { rawMember } from "../../job/json-span.js";
import { rubyJoin } from "./ruby-join.js";

/** resque-retry's default identifier for the JSON text of a job's args. */
export function defaultRetryIdentifier(argsJson: string): string | undefined {
  const joined = rubyJoin(argsJson, "-");
  return joined === "" ? undefined : createHash("sha1").update(joined, "utf8").digest("hex");
}

/**
 * The JSON text of the args in a payload or delayed item, as Ruby reads them: missing or null is
 * no args, and a non-array is one argument (how resque-scheduler moves such items).
 */
export function rawArgsOf(encoded: string): string {
  const raw = rawMember(encoded, "args");
  if (raw === undefined || raw === "null") return "[]";
  return raw.startsWith("[") ? raw : `[${raw}]`;
}

export type RetryIdentifierFunction = (args: readonly unknown[]) => string | null | undefined;

/**
 * The identifier of a job: the custom function's result (null/undefined: none), else the default
 * computed from the args' JSON text (`argsJson`; when omitted, from `args` encoded as JSON).
 */
export function retryIdentifierOf(
  custom: RetryIdentifierFunction | undefined,
  args: readonly unknown[],
  argsJson?: string,
  where = "retryIdentifier",
): string | undefined {
  if (!custom) return defaultRetryIdentifier(argsJson ?? JSON.stringify(args));
  const id = custom(args);
  if (id === null || id === undefined) return undefined;
  if (typeof id !== "string") {
    throw new ConfigurationError(`${where} must return a string (or null for none), got ${typeof id} ${JSON.stringify(id) ?? String(id)}.`);
  }
  return id;
}
