/**
 * Which errors `retryOn` and `fatalOn` name: an error class (instanceof), an error name (the
 * error's `name` or the name of its class or any ancestor class, so names work across module
 * copies and for errors from other libraries), or a predicate.
 */
import { ConfigurationError } from "../../errors.js";

/** An error class, such as `TypeError` or one of your own. */
export type ErrorClass = abstract new (...args: never[]) => unknown;

/** How an error is named in `retryOn`/`fatalOn`: a class, a name, or a predicate. */
export type ErrorMatcher = ErrorClass | string | ((error: unknown) => boolean);

export type Matcher =
  | { kind: "class"; errorClass: ErrorClass; label: string }
  | { kind: "name"; name: string; label: string }
  | { kind: "predicate"; test: (error: unknown) => boolean; label: string };

function isErrorClass(value: unknown): value is ErrorClass {
  return typeof value === "function" && (value === Error || (value.prototype as unknown) instanceof Error);
}

/** Validates one matcher; `where` names it in errors (e.g. `retry options: retryOn[2]`). */
export function toMatcher(value: unknown, where: string): Matcher {
  if (typeof value === "string") {
    if (value.trim() === "") throw new ConfigurationError(`${where} is an empty error name; give a name such as "TypeError".`);
    return { kind: "name", name: value, label: value };
  }
  if (isErrorClass(value)) return { kind: "class", errorClass: value, label: value.name };
  if (typeof value === "function") return { kind: "predicate", test: value as (error: unknown) => boolean, label: value.name || "predicate" };
  throw new ConfigurationError(
    `${where} must be an error class, an error name or a predicate (error) => boolean, got ${JSON.stringify(value) ?? String(value)}.`,
  );
}

/**
 * How closely a matcher names an error: 0 for the error's own name or class, 1 for its parent
 * class, and so on (resque-retry picks the closest ancestor); undefined when it does not match.
 * A predicate that returns true counts as 0.
 */
export function matchDistance(matcher: Matcher, error: unknown): number | undefined {
  if (matcher.kind === "predicate") return matcher.test(error) ? 0 : undefined;
  if (typeof error !== "object" || error === null) return undefined;
  if (matcher.kind === "name" && (error as { name?: unknown }).name === matcher.name) return 0;
  let distance = 0;
  for (let proto = Object.getPrototypeOf(error) as object | null; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto) as object | null) {
    const ctor = (proto as { constructor?: unknown }).constructor;
    if (matcher.kind === "class" ? ctor === matcher.errorClass : typeof ctor === "function" && ctor.name === matcher.name) return distance;
    distance++;
  }
  return undefined;
}

export function matchesAny(matchers: readonly Matcher[], error: unknown): boolean {
  return matchers.some((matcher) => matchDistance(matcher, error) !== undefined);
}
