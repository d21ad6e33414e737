/**
 * Job arguments travel as JSON and are read by Ruby and other Node processes, so only values
 * that survive JSON unchanged are accepted: null, booleans, finite numbers, strings, arrays and
 * plain objects of those. Anything else is rejected before a byte is written, with the path to
 * the offending value.
 */
import { InvalidArgumentsError } from "../errors.js";

function describe(value: unknown): string | undefined {
  switch (typeof value) {
    case "bigint":
      return "a BigInt, which JSON cannot represent; pass it as a string";
    case "function":
      return "a function, which JSON cannot carry";
    case "symbol":
      return "a symbol, which JSON cannot carry";
    case "undefined":
      return "undefined, which JSON drops or turns into null; use null";
    case "number":
      return Number.isFinite(value) ? undefined : `${value}, which JSON turns into null`;
    default:
      return undefined;
  }
}

function check(value: unknown, path: string, ancestors: object[]): void {
  const problem = describe(value);
  if (problem) throw new InvalidArgumentsError(`Job argument ${path} is ${problem}.`);
  if (value === null || typeof value !== "object") return;
  if (ancestors.includes(value)) {
    throw new InvalidArgumentsError(`Job argument ${path} refers back to one of its parents (a cycle); JSON cannot carry it.`);
  }
  if (Array.isArray(value)) {
    ancestors.push(value);
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) throw new InvalidArgumentsError(`Job argument ${path}[${i}] is an empty array slot; use null.`);
      check(value[i], `${path}[${i}]`, ancestors);
    }
    ancestors.pop();
    return;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    const kind = value instanceof Date ? "a Date; pass date.toISOString() or a timestamp" : `an instance of ${proto?.constructor?.name ?? "a class"}; pass a plain object`;
    throw new InvalidArgumentsError(`Job argument ${path} is ${kind}.`);
  }
  ancestors.push(value);
  for (const [key, inner] of Object.entries(value)) {
    check(inner, `${path}${/^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`}`, ancestors);
  }
  ancestors.pop();
}

/** Throws InvalidArgumentsError when args cannot be sent as JSON unchanged. */
export function assertJsonArgs(args: readonly unknown[]): void {
  if (!Array.isArray(args)) throw new InvalidArgumentsError("Job arguments must be an array.");
  check(args, "args", []);
}
