/** Logging is pino; applications may pass their own pino logger (or anything with its methods). */
import { pino, type Logger as PinoLogger } from "pino";

export type Logger = Pick<PinoLogger, "info" | "warn" | "error" | "debug" | "trace" | "child">;

/** The default logger: quiet unless LOG_LEVEL says otherwise, so a library does not spam its host app. */
export function createLogger(level = process.env.LOG_LEVEL ?? "warn"): Logger {
  return pino({ level, base: { pid: process.pid } });
}
