/** Logging is pino; applications may pass their own pino logger (or anything with its methods). */
import { pino, type Logger as PinoLogger } from "pino";
import { ConfigurationError } from "./errors.js";

export type Logger = Pick<PinoLogger, "info" | "warn" | "error" | "debug" | "trace" | "child">;

/** The default logger: quiet unless LOG_LEVEL says otherwise, so a library does not spam its host app. */
export function createLogger(level = process.env.LOG_LEVEL ?? "warn"): Logger {
  return pino({ level, base: { pid: process.pid } });
}

const LOGGER_METHODS = ["info", "warn", "error", "debug", "trace", "child"] as const;

/**
 * A logger given in options, checked when it is given rather than when the first line is written
 * (a worker would fail at start with "info is not a function"). undefined passes through.
 */
export function checkedLogger(value: unknown, where: string): Logger | undefined {
  if (value === undefined) return undefined;
  const missing = LOGGER_METHODS.filter((method) => typeof (value as Record<string, unknown> | null)?.[method] !== "function");
  if (missing.length === 0) return value as Logger;
  throw new ConfigurationError(
    `${where} must be a pino logger or an object with ${LOGGER_METHODS.join(", ")} methods (missing: ${missing.join(", ")}). ` +
      "To set the level of the default logger, set LOG_LEVEL or pass pino({ level }).",
  );
}
