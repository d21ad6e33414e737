/**
 * Options of the resque-scheduler command: flags first, then the environment variables Ruby's
 * resque-scheduler reads (RESQUE_SCHEDULER_INTERVAL, LOCK_TIMEOUT, DYNAMIC_SCHEDULE, VERBOSE,
 * QUIET, LOGFILE, ...), then defaults.
 */
import { connectionFrom, DEFAULT_REDIS_URL, NAMESPACE_FLAG, REDIS_FLAG } from "../connection-options.js";
import { Command, InvalidArgumentError, Option, type OutputConfiguration } from "commander";
import { VERSION } from "../../version.js";

export interface SchedulerCliOptions {
  schedule: string | undefined;
  interval: number;
  lockTimeout: number;
  lockPrefix: string;
  batchSize: number;
  dynamic: boolean;
  redis: string | undefined;
  namespace: string;
  require: string[];
  environment: string | undefined;
  timezone: string | undefined;
  verbose: boolean;
  quiet: boolean;
  logfile: string | undefined;
  /** pretty or json; undefined: pretty on a terminal, json otherwise. */
  logFormat: string | undefined;
  /** Only validate the schedule file, then exit. */
  check: boolean;
}

function positiveSeconds(value: string, what: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${what} must be a positive number of seconds, got "${value}".`);
  return n;
}

function wholeNumber(value: string, what: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${what} must be a whole number of at least 1, got "${value}".`);
  return n;
}

/** Environment flags: "1", "true", "yes", "on" (any case) mean on; anything else, or unset, off. */
export function envFlag(value: string | undefined): boolean {
  return value !== undefined && /^(1|true|yes|on)$/i.test(value.trim());
}

export function schedulerCommand(): Command {
  return new Command("resque-scheduler")
    .description("Moves due delayed jobs onto their queues and enqueues recurring schedules (leader-elected; run one per host or more).")
    .version(VERSION)
    .option("-s, --schedule <file>", "schedule file, YAML or JSON (.json)")
    .option("-i, --interval <seconds>", "longest sleep between checks [RESQUE_SCHEDULER_INTERVAL, 5]", (v) => positiveSeconds(v, "--interval"))
    .option("-D, --dynamic", "also run schedules stored in Redis, reloading changes live [DYNAMIC_SCHEDULE]")
    .addOption(new Option("--dynamic-schedule", "resque-scheduler's spelling of --dynamic").hideHelp())
    .option(REDIS_FLAG, `Redis URL or unix socket path [REDIS_URL, ${DEFAULT_REDIS_URL}]`)
    .option(NAMESPACE_FLAG, "key namespace [RESQUE_NAMESPACE, resque]")
    .option("-r, --require <module>", "module exporting job classes (repeatable); their queues apply to schedules without one", (v, all: string[]) => [...all, v], [])
    .option("-E, --environment <env>", "environment for schedules with rails_env/env filters [RAILS_ENV]")
    .option("--timezone <zone>", "IANA zone for cron schedules that name none [the process's zone, TZ]")
    .option("--lock-timeout <seconds>", "leader lock lifetime [LOCK_TIMEOUT, 180]", (v) => positiveSeconds(v, "--lock-timeout"))
    .option("--lock-prefix <prefix>", "leader lock key prefix [RESQUE_SCHEDULER_MASTER_LOCK_PREFIX]")
    .option("--batch-size <count>", "delayed jobs moved per Redis call [DELAYED_REQUEUE_BATCH_SIZE, 1000]", (v) => wholeNumber(v, "--batch-size"))
    .option("-v, --verbose", "debug logging [VERBOSE]")
    .option("-q, --quiet", "log errors only [QUIET]")
    .option("-l, --logfile <file>", "append logs to this file instead of stdout [LOGFILE]")
    .option("--log-format <format>", "pretty or json [LOG_FORMAT; pretty on a terminal, json otherwise]")
    .option("--check", "validate the schedule file and exit")
    .showHelpAfterError();
}

/**
 * Parses argv (node, script, ...flags) with env fallbacks. Throws commander's errors for bad
 * flags, after printing them (to `output`, default stdout/stderr).
 */
export function parseSchedulerOptions(argv: readonly string[], env: NodeJS.ProcessEnv, output?: OutputConfiguration): SchedulerCliOptions {
  const command = schedulerCommand().exitOverride();
  if (output) command.configureOutput(output);
  command.parse(argv as string[]);
  const flags = command.opts<Record<string, unknown>>();
  const fromEnv = <T>(name: string, parse: (value: string, what: string) => T): T | undefined => {
    const value = env[name];
    if (value === undefined || value === "") return undefined;
    return parse(value, name);
  };
  return {
    schedule: flags.schedule as string | undefined,
    interval: (flags.interval as number | undefined) ?? fromEnv("RESQUE_SCHEDULER_INTERVAL", positiveSeconds) ?? 5,
    lockTimeout: (flags.lockTimeout as number | undefined) ?? fromEnv("LOCK_TIMEOUT", positiveSeconds) ?? 180,
    lockPrefix: (flags.lockPrefix as string | undefined) ?? env.RESQUE_SCHEDULER_MASTER_LOCK_PREFIX ?? "",
    batchSize: (flags.batchSize as number | undefined) ?? fromEnv("DELAYED_REQUEUE_BATCH_SIZE", wholeNumber) ?? 1000,
    dynamic: flags.dynamic === true || flags.dynamicSchedule === true || envFlag(env.DYNAMIC_SCHEDULE),
    redis: connectionFrom(flags, env).redis,
    namespace: connectionFrom(flags, env).namespace ?? "resque",
    require: flags.require as string[],
    environment: (flags.environment as string | undefined) ?? (env.RAILS_ENV || undefined),
    timezone: flags.timezone as string | undefined,
    verbose: flags.verbose === true || envFlag(env.VERBOSE),
    quiet: flags.quiet === true || envFlag(env.QUIET),
    logfile: (flags.logfile as string | undefined) ?? (env.LOGFILE || undefined),
    logFormat: (flags.logFormat as string | undefined) ?? (env.LOG_FORMAT || undefined),
    check: flags.check === true,
  };
}
