/**
 * Logging for the commands (resque, resque-scheduler): JSON lines for log collectors, or
 * pino-pretty's readable lines for a person at a terminal. `--log-format` (or LOG_FORMAT) picks
 * one; without it, a terminal gets pretty lines and anything else (a pipe, a file, journald) JSON.
 */
import { pino, type DestinationStream, type Logger, type LoggerOptions } from "pino";
import { ConfigurationError } from "../errors.js";

export const LOG_FORMATS = ["pretty", "json"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** The format asked for, else pretty on a terminal and JSON otherwise. Throws ConfigurationError for other values. */
export function logFormat(value: string | undefined, isTerminal: boolean): LogFormat {
  if (value === undefined || value === "") return isTerminal ? "pretty" : "json";
  const format = value.trim().toLowerCase();
  if (!(LOG_FORMATS as readonly string[]).includes(format)) {
    throw new ConfigurationError(`--log-format must be "pretty" or "json", got "${value}".`);
  }
  return format as LogFormat;
}

export interface CliLoggerOptions {
  level: string;
  format: LogFormat;
  /** Fields on every line (pid is always there). */
  base?: Record<string, unknown>;
  /** A file to append to instead of stdout. */
  file?: string | undefined;
}

/** A pino logger writing synchronously, so nothing is lost when the process exits right after a line. */
export async function cliLogger(options: CliLoggerOptions): Promise<Logger> {
  const settings: LoggerOptions = { level: options.level, base: { pid: process.pid, ...options.base } };
  if (options.format === "json") {
    return pino(settings, pino.destination({ dest: options.file ?? 1, sync: true, append: true, mkdir: false }));
  }
  const { default: pretty } = await import("pino-pretty");
  const stream: DestinationStream = pretty({
    sync: true,
    colorize: options.file === undefined && Boolean(process.stdout.isTTY),
    translateTime: "SYS:HH:MM:ss.l",
    ignore: "hostname",
    singleLine: true,
    ...(options.file === undefined ? {} : { destination: options.file, append: true }),
  });
  return pino(settings, stream);
}
