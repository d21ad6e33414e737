/**
 * Exit codes of the `resque` admin commands, which scripts can rely on, and the errors that carry
 * them. Errors of the library map by kind: a wrong argument is a usage error, a thing that does
 * not exist is "nothing matched", anything else (Redis unreachable, a job changed meanwhile) a failure.
 */
import { CommanderError } from "commander";
import {
  ConfigurationError,
  EmptyFilterError,
  InvalidArgumentsError,
  InvalidTimeError,
  NotFoundError,
  ScheduleConfigError,
} from "../../errors.js";

export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  nothingMatched: 3,
  /** Stopped by Ctrl-C between two chunks (the shell's 128 + SIGINT). */
  interrupted: 130,
} as const;

/** The command line asks for something that cannot be done as written: a missing selector, a bad index, malformed JSON. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** The selector is well formed but selects nothing: an unknown queue, an index past the end, a filter without matches. */
export class NothingMatchedError extends Error {
  override name = "NothingMatchedError";
}

/** The operator declined a confirmation prompt: nothing was changed. */
export class DeclinedError extends Error {
  override name = "DeclinedError";
}

/** The exit code for an error thrown by a command. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  if (error instanceof UsageError) return EXIT.usage;
  if (
    error instanceof ConfigurationError ||
    error instanceof EmptyFilterError ||
    error instanceof InvalidTimeError ||
    error instanceof InvalidArgumentsError ||
    error instanceof ScheduleConfigError
  ) {
    return EXIT.usage;
  }
  if (error instanceof NothingMatchedError || error instanceof NotFoundError) return EXIT.nothingMatched;
  return EXIT.failure;
}

/** The line written to stderr for an error: our own errors by message, the library's with their class name. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error instanceof UsageError || error instanceof NothingMatchedError || error instanceof DeclinedError) return error.message;
  return `${error.name}: ${error.message}`;
}
